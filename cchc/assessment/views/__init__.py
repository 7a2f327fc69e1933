"""Thin views: find the object through the access rule, call a service, render or redirect."""
