"""Small filters of the assessment templates."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def absolute(value: Any) -> Any:
    """|−3| = 3: a fall in rank is shown as «▼ 3»."""
    try:
        return abs(value)
    except TypeError:
        return value
