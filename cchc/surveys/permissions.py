"""Who may run rounds, set targets and review answers: the access rule applied to surveys.

- A round is managed by whoever may manage plans (MANAGE_PLANS) at the unit organising it.
- A participating unit's targets, link, kiosk and invitation codes: its own plan managers, or the round's.
- Flagged answers are reviewed by the unit's plan managers (its focal officer) or a reviewer above it.
- Results are read by anyone who can see the unit (UnitScopedQuerySet.visible_to).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

from cchc.accounts.access import Action, can, is_system_administrator, unit_filter_for_action

if TYPE_CHECKING:
    from cchc.organisation.models import Unit
    from cchc.surveys.models import RoundUnit, SurveyRound

DENIED = "Bạn không có quyền thực hiện thao tác này cho đơn vị này."


def can_manage_round(user: Any, survey_round: SurveyRound) -> bool:
    return can(user, Action.MANAGE_PLANS, survey_round.unit)


def can_manage_round_unit(user: Any, round_unit: RoundUnit) -> bool:
    return can(user, Action.MANAGE_PLANS, round_unit.unit) or can_manage_round(user, round_unit.round)


def can_review(user: Any, unit: Unit) -> bool:
    return can(user, Action.MANAGE_PLANS, unit) or can(user, Action.REVIEW, unit)


def can_manage_questionnaires(user: Any) -> bool:
    """Templates are shared by the whole province, so only its administrators and provincial plan
    managers add versions."""
    from cchc.organisation.models import Unit

    if is_system_administrator(user):
        return True
    return Unit.objects.filter(unit_filter_for_action(user, Action.MANAGE_PLANS), parent__isnull=True).exists()


def organising_units(user: Any) -> Any:
    from cchc.organisation.models import Unit

    return Unit.objects.filter(unit_filter_for_action(user, Action.MANAGE_PLANS)).order_by("path")


def check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(DENIED)


def check_actor(actor: Any, allowed: bool) -> None:
    """Services called from the command line have no actor: the server's operator runs them."""
    if actor is not None:
        check(allowed)
