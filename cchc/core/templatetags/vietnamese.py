"""Template filters for Vietnamese formats; built into every template (settings.TEMPLATES)."""

from __future__ import annotations

from typing import Any

from django import template

from cchc.core import formatting

register = template.Library()


@register.filter
def vn_number(value: Any, places: int = 0) -> str:
    return formatting.number(value, int(places))


@register.filter
def vn_percent(value: Any, places: int = 2) -> str:
    return formatting.percent(value, int(places))


@register.filter
def vn_date(value: Any) -> str:
    return formatting.date(value)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters changed: for pagination and sorting links."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
