"""Who may see and change what: the one place that decides.

Every view, export, file download and API call asks these functions; nothing else compares roles.
A role grants actions on the member's own unit and, where the table says so, on the units below it.
Objects that belong to a unit use `UnitScopedQuerySet.visible_to(user)` to list what a user may see,
and `require(user, action, unit)` before a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q

from cchc.accounts.models import Membership, Role

if TYPE_CHECKING:
    from cchc.accounts.models import User
    from cchc.organisation.models import Unit


class Action(StrEnum):
    VIEW = "view"  # read the unit's data
    EDIT = "edit"  # enter the unit's own data: tasks, declarations, evidence, reported figures
    SUBMIT = "submit"  # a leader's act: submit the self-assessment, issue a plan, sign a report
    MANAGE_PLANS = "manage_plans"  # draft and issue plans, assign tasks (the standing agency)
    APPRAISE = "appraise"  # score the self-assessment of a unit below
    REVIEW = "review"  # approve or return figures reported by a unit below
    MANAGE_PEOPLE = "manage_people"  # memberships of the unit and units below
    MANAGE_ORGANISATION = "manage_organisation"
    ADMINISTER = "administer"  # publish results, reopen closed phases, edit rules and calendars
    CLOSE_APPRAISAL = "close_appraisal"  # close the appraisal phases of a round the unit organises
    VIEW_AUDIT = "view_audit"


@dataclass(frozen=True)
class RoleRule:
    label: str
    sees_below: bool
    on_own_unit: frozenset[Action]
    on_units_below: frozenset[Action]


def _actions(*actions: Action) -> frozenset[Action]:
    return frozenset(actions)


ROLE_RULES: dict[str, RoleRule] = {
    Role.ADMINISTRATOR: RoleRule(
        "Toàn quyền trên đơn vị và mọi đơn vị cấp dưới",
        sees_below=True,
        on_own_unit=_actions(*Action),
        on_units_below=_actions(*Action),
    ),
    Role.LEADER: RoleRule(
        "Xem đơn vị và cấp dưới; nhập liệu, trình ký, ban hành của đơn vị; xem lịch sử thay đổi",
        sees_below=True,
        on_own_unit=_actions(Action.VIEW, Action.EDIT, Action.SUBMIT, Action.MANAGE_PLANS, Action.VIEW_AUDIT),
        on_units_below=_actions(Action.VIEW, Action.REVIEW, Action.VIEW_AUDIT),
    ),
    Role.FOCAL: RoleRule(
        "Đầu mối CCHC: xem đơn vị và cấp dưới; nhập liệu, soạn kế hoạch; duyệt số liệu cấp dưới",
        sees_below=True,
        on_own_unit=_actions(Action.VIEW, Action.EDIT, Action.MANAGE_PLANS, Action.MANAGE_PEOPLE),
        on_units_below=_actions(Action.VIEW, Action.REVIEW),
    ),
    Role.SPECIALIST: RoleRule(
        "Xem và nhập liệu của đơn vị mình",
        sees_below=False,
        on_own_unit=_actions(Action.VIEW, Action.EDIT),
        on_units_below=_actions(),
    ),
    Role.APPRAISER: RoleRule(
        "Xem đơn vị và cấp dưới; thẩm định, duyệt số liệu của cấp dưới; đóng giai đoạn thẩm định",
        sees_below=True,
        on_own_unit=_actions(Action.VIEW, Action.CLOSE_APPRAISAL),
        on_units_below=_actions(Action.VIEW, Action.APPRAISE, Action.REVIEW),
    ),
    Role.VIEWER: RoleRule(
        "Chỉ xem đơn vị mình",
        sees_below=False,
        on_own_unit=_actions(Action.VIEW),
        on_units_below=_actions(),
    ),
}


def _memberships(user: User) -> list[Membership]:
    # Cached on the user object: one query per request however many checks a page makes.
    cached: list[Membership] | None = getattr(user, "_cchc_memberships", None)
    if cached is None:
        cached = list(Membership.objects.current().filter(user=user).select_related("unit", "unit__kind", "position"))
        user._cchc_memberships = cached  # type: ignore[union-attr,attr-defined]
    return cached


def forget_cached_memberships(user: User) -> None:
    if hasattr(user, "_cchc_memberships"):
        del user._cchc_memberships  # type: ignore[union-attr]


def is_system_administrator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def visible_unit_filter(user: Any) -> Q:
    """A Q over Unit selecting the units the user may see."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if is_system_administrator(user):
        return Q()
    condition = Q(pk__in=[])
    for membership in _memberships(user):
        if ROLE_RULES[membership.role].sees_below:
            condition |= Q(path__startswith=membership.unit.path)
        else:
            condition |= Q(pk=membership.unit_id)
    return condition


def unit_filter_for_action(user: Any, action: Action) -> Q:
    """A Q over Unit selecting the units on which the user may perform `action`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if is_system_administrator(user):
        return Q()
    condition = Q(pk__in=[])
    for membership in _memberships(user):
        rule = ROLE_RULES[membership.role]
        if action in rule.on_own_unit:
            condition |= Q(pk=membership.unit_id)
        if action in rule.on_units_below:
            condition |= Q(path__startswith=membership.unit.path) & ~Q(pk=membership.unit_id)
    return condition


def can(user: Any, action: Action, unit: Unit) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_system_administrator(user):
        return True
    for membership in _memberships(user):
        rule = ROLE_RULES[membership.role]
        if membership.unit_id == unit.pk and action in rule.on_own_unit:
            return True
        if (
            membership.unit_id != unit.pk
            and unit.path.startswith(membership.unit.path)
            and action in rule.on_units_below
        ):
            return True
    return False


def can_see(user: Any, unit: Unit) -> bool:
    if is_system_administrator(user):
        return True
    for membership in _memberships(user) if getattr(user, "is_authenticated", False) else []:
        if membership.unit_id == unit.pk:
            return True
        if ROLE_RULES[membership.role].sees_below and unit.path.startswith(membership.unit.path):
            return True
    return False


def require(user: Any, action: Action, unit: Unit) -> None:
    """Raise 403 unless the user may perform `action` on `unit`."""
    if not can(user, action, unit):
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này cho đơn vị này.")


def member_units(user: Any) -> list[Unit]:
    """Units where the user has a membership: the choices of the unit switcher."""
    if not getattr(user, "is_authenticated", False):
        return []
    seen: dict[int, Unit] = {}
    for membership in _memberships(user):
        seen.setdefault(membership.unit_id, membership.unit)
    return sorted(seen.values(), key=lambda unit: unit.path)


class UnitScopedQuerySet(models.QuerySet):
    """A queryset for objects that belong to a unit through `unit_field`.

    `visible_to(user)` is what every list, detail, export and download starts from: a user from another
    unit gets nothing, so a detail view answers 404.
    """

    unit_field = "unit"

    def visible_to(self, user: Any) -> UnitScopedQuerySet:
        from cchc.organisation.models import Unit

        if is_system_administrator(user):
            return self
        return self.filter(**{f"{self.unit_field}__in": Unit.objects.filter(visible_unit_filter(user))})

    def for_action(self, user: Any, action: Action) -> UnitScopedQuerySet:
        from cchc.organisation.models import Unit

        if is_system_administrator(user):
            return self
        return self.filter(**{f"{self.unit_field}__in": Unit.objects.filter(unit_filter_for_action(user, action))})
