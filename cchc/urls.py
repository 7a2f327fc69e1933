"""URLs: each app owns its prefix. An app's urls module is included once it exists, so modules under
construction do not break the site."""

from __future__ import annotations

import importlib

from django.urls import include, path

APP_PREFIXES = [
    ("cchc.accounts", ""),
    ("cchc.organisation", "don-vi/"),
    ("cchc.audit", "lich-su/"),
    ("cchc.jobs", "cong-viec/"),
    ("cchc.notifications", "thong-bao/"),
    ("cchc.measures", "chi-tieu/"),
    ("cchc.assessment", "chi-so/"),
    ("cchc.dossiers", "ho-so/"),
    ("cchc.plans", "ke-hoach/"),
    ("cchc.remediation", "khac-phuc/"),
    ("cchc.surveys", "khao-sat/"),
]

urlpatterns = [path("", include("cchc.core.urls"))]
for module, prefix in APP_PREFIXES:
    try:
        importlib.import_module(f"{module}.urls")
    except ModuleNotFoundError as error:
        if error.name != f"{module}.urls":
            raise
        continue
    urlpatterns.append(path(prefix, include(f"{module}.urls")))
