"""Who may import dossiers and who may change the calendar and rules (on top of cchc.accounts.access).

Dossiers are read by anyone who may see their unit (`Dossier.objects.visible_to`). Importing writes
a unit's data, so it needs EDIT: a user may import the dossiers of every unit in the subtree of a unit
where they may edit. The calendar, the rules and the connected systems serve the whole province:
they need ADMINISTER on a top-level unit (or a system administrator).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from cchc.accounts.access import Action, can, is_system_administrator, unit_filter_for_action
from cchc.organisation.models import Unit


def can_administer(user: Any) -> bool:
    if is_system_administrator(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return any(can(user, Action.ADMINISTER, root) for root in Unit.objects.filter(parent__isnull=True))


def require_administer(user: Any) -> None:
    """`None` is the command line (run by whoever administers the server), never a web request."""
    if user is None:
        return
    if not can_administer(user):
        raise PermissionDenied("Chỉ quản trị viên cấp tỉnh được thay đổi lịch làm việc, quy tắc tính và kết nối.")


def import_scope(user: Any) -> list[int] | None:
    """Unit ids whose dossiers the user may import; None means every unit."""
    if is_system_administrator(user):
        return None
    roots = list(Unit.objects.filter(unit_filter_for_action(user, Action.EDIT)).values_list("path", flat=True))
    if not roots:
        return []
    condition = Q()
    for path in roots:
        condition |= Q(path__startswith=path)
    return list(Unit.objects.filter(condition).values_list("pk", flat=True))


def can_import(user: Any) -> bool:
    scope = import_scope(user)
    return scope is None or bool(scope)
