"""Helpers every assessment service shares: the command-line actor, access, locks, rows under lock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from cchc.accounts.access import Action, require, unit_filter_for_action
from cchc.assessment import phases
from cchc.assessment.models import (
    Criterion,
    LeafScore,
    Phase,
    Round,
    RoundUnit,
)
from cchc.assessment.phases import PhaseClosed
from cchc.organisation.models import Unit

Kind = Phase.Kind


class CommandLine:
    """The actor of `cchc framework …` and `cchc round …`: the installation's operator, trusted by design."""

    is_authenticated = False
    is_active = True
    is_superuser = False
    pk = None

    def __str__(self) -> str:
        return "dòng lệnh"


COMMAND_LINE = CommandLine()


def require_action(actor: Any, action: Action, unit: Unit) -> None:
    if actor is not COMMAND_LINE:
        require(actor, action, unit)


def user_of(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def today_or(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def is_administrator(actor: Any) -> bool:
    """Criteria sets belong to no unit: whoever may administer some unit may manage them."""
    if actor is COMMAND_LINE:
        return True
    return Unit.objects.filter(unit_filter_for_action(actor, Action.ADMINISTER)).exists()


def administer(actor: Any, round_: Round) -> None:
    require_action(actor, Action.ADMINISTER, round_.organiser)
    if round_.is_published:
        raise PhaseClosed(f"Đợt «{round_.name}» đã công bố; kết quả đã khóa.")


def check_leaf(round_unit: RoundUnit, criterion: Criterion) -> None:
    if criterion.criteria_set_id != round_unit.round.criteria_set_id or not criterion.is_leaf:
        raise ValidationError(f"Tiêu chí {criterion.code} không phải tiêu chí chấm điểm của đợt này.")


def locked_leaf_score(round_unit: RoundUnit, criterion: Criterion) -> LeafScore:
    score = LeafScore.objects.select_for_update().filter(round_unit=round_unit, criterion=criterion).first()
    return score or LeafScore(round_unit=round_unit, criterion=criterion)


def fresh(round_unit: RoundUnit) -> RoundUnit:
    # Re-read under lock: the state may have changed since the caller loaded it (a submit in between).
    return (
        RoundUnit.objects.select_for_update().select_related("round", "round__organiser", "unit").get(pk=round_unit.pk)
    )


def require_self_assessment_open(round_unit: RoundUnit, today: dt.date) -> None:
    if round_unit.is_submitted:
        raise PhaseClosed(
            f"{round_unit.unit.name} đã gửi tự đánh giá; không thể sửa. Cần quản trị viên trả lại nếu phải sửa."
        )
    phases.require_open(round_unit.round, Kind.SELF_ASSESSMENT, today)
