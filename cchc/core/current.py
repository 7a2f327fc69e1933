"""The unit a user is working as, chosen with the unit switcher and kept in the session."""

from __future__ import annotations

from django.http import HttpRequest

from cchc.accounts.access import can_see, member_units
from cchc.organisation.models import Unit

SESSION_KEY = "cchc_unit_id"


def current_unit(request: HttpRequest) -> Unit | None:
    cached = getattr(request, "_cchc_current_unit", None)
    if cached is not None:
        return cached
    user = request.user
    if not user.is_authenticated:
        return None
    unit = None
    unit_id = request.session.get(SESSION_KEY)
    if unit_id:
        unit = Unit.objects.select_related("kind").filter(pk=unit_id).first()
        if unit is not None and not can_see(user, unit):
            unit = None
    if unit is None:
        units = member_units(user)
        unit = units[0] if units else None
        if unit is None and user.is_superuser:
            unit = Unit.objects.select_related("kind").filter(parent__isnull=True).order_by("path").first()
    request._cchc_current_unit = unit  # type: ignore[attr-defined]
    return unit


def set_current_unit(request: HttpRequest, unit: Unit) -> None:
    request.session[SESSION_KEY] = unit.pk
    request._cchc_current_unit = unit  # type: ignore[attr-defined]
