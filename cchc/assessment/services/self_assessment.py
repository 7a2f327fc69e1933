"""The unit's self-assessment: declare data, score by the rule, read measures, submit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cchc.accounts.access import Action
from cchc.assessment.measure_inputs import read_measure
from cchc.assessment.models import (
    Criterion,
    EvidenceLink,
    LeafScore,
    RoundUnit,
)
from cchc.assessment.scoring import ScoringError, to_decimal
from cchc.assessment.services.common import (
    check_leaf,
    fresh,
    locked_leaf_score,
    require_action,
    require_self_assessment_open,
    today_or,
    user_of,
)
from cchc.audit.services import record, snapshot


def _declared_value(criterion: Criterion, declared: Any) -> Decimal | bool | None:
    if declared is None or (isinstance(declared, str) and not declared.strip()):
        return None
    if criterion.declared_input == "boolean":
        if isinstance(declared, bool):
            return declared
        text = str(declared).strip().casefold()
        if text in {"1", "true", "yes", "có", "đạt", "dat"}:
            return True
        if text in {"0", "false", "no", "không", "không đạt", "khong dat"}:
            return False
        raise ValidationError(f"Tiêu chí {criterion.code}: hãy chọn Đạt hoặc Không đạt.")
    try:
        return to_decimal(declared)
    except ScoringError as error:
        raise ValidationError(f"Tiêu chí {criterion.code}: {error}.") from None


def _points_for(criterion: Criterion, value: Decimal | bool | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return criterion.rule().evaluate(value)
    except ScoringError as error:
        raise ValidationError(f"Tiêu chí {criterion.code}: {error}.") from None


def _apply_declaration(score: LeafScore, criterion: Criterion, declared: Any, year: int) -> None:
    score.measure_value = None
    value = _declared_value(criterion, declared)
    if criterion.measure_code:
        reading = read_measure(criterion.measure_code, score.round_unit.unit, year)
        if reading.value is not None:
            # The system's figure wins over a typed one: the unit cannot declare a better rate than its data.
            value = reading.value
            score.measure_value = reading.value
    score.declared_boolean = value if isinstance(value, bool) else None
    score.declared_number = value if isinstance(value, Decimal) else None
    score.self_points = _points_for(criterion, value)


@transaction.atomic
def save_self_score(
    *,
    actor: Any,
    round_unit: RoundUnit,
    criterion: Criterion,
    declared: Any = None,
    not_applicable: bool = False,
    explanation: str = "",
    today: dt.date | None = None,
) -> LeafScore:
    """Declare a leaf's data and score it by its rule (or mark it not applicable), with an explanation."""
    today = today_or(today)
    round_unit = fresh(round_unit)
    require_action(actor, Action.EDIT, round_unit.unit)
    check_leaf(round_unit, criterion)
    if criterion.survey:
        raise ValidationError(f"Tiêu chí {criterion.code} lấy điểm từ điều tra xã hội học; cấp trên chấm điểm.")
    require_self_assessment_open(round_unit, today)
    score = locked_leaf_score(round_unit, criterion)
    before = snapshot(score) if score.pk else None
    score.not_applicable = bool(not_applicable)
    score.self_explanation = (explanation or "").strip()
    if score.not_applicable:
        score.declared_number = score.declared_boolean = score.measure_value = score.self_points = None
    else:
        _apply_declaration(score, criterion, declared, round_unit.round.year)
    scored = score.not_applicable or score.self_points is not None
    score.status = LeafScore.Status.SELF_SCORED if scored else LeafScore.Status.EMPTY
    score.updated_by = user_of(actor)
    score.save()
    record(
        actor=actor,
        action="update" if before else "create",
        instance=score,
        before=before,
        after=snapshot(score),
        unit=round_unit.unit,
        note=f"Tự chấm tiêu chí {criterion.code}",
    )
    return score


@transaction.atomic
def refresh_measure_scores(*, actor: Any, round_unit: RoundUnit, today: dt.date | None = None) -> int:
    """Read every measure-fed leaf again and store value and points; returns how many changed."""
    today = today_or(today)
    round_unit = fresh(round_unit)
    require_action(actor, Action.EDIT, round_unit.unit)
    require_self_assessment_open(round_unit, today)
    return _refresh_measures(actor, round_unit)


def _refresh_measures(actor: Any, round_unit: RoundUnit) -> int:
    leaves = Criterion.objects.filter(
        criteria_set_id=round_unit.round.criteria_set_id, is_leaf=True, rule_kind="measure", survey=False
    )
    existing = {score.criterion_id: score for score in LeafScore.objects.filter(round_unit=round_unit)}
    changed = 0
    for criterion in leaves:
        score = existing.get(criterion.pk) or LeafScore(round_unit=round_unit, criterion=criterion)
        if score.not_applicable:
            continue
        reading = read_measure(criterion.measure_code or "", round_unit.unit, round_unit.round.year)
        if reading.value is None or (score.measure_value == reading.value and score.self_points is not None):
            continue
        before = snapshot(score) if score.pk else None
        score.measure_value = score.declared_number = reading.value
        score.declared_boolean = None
        score.self_points = _points_for(criterion, reading.value)
        score.status = LeafScore.Status.SELF_SCORED
        score.updated_by = user_of(actor)
        score.save()
        record(
            actor=actor,
            action="update" if before else "create",
            instance=score,
            before=before,
            after=snapshot(score),
            unit=round_unit.unit,
            note=f"Cập nhật số liệu chỉ số cho tiêu chí {criterion.code}",
        )
        changed += 1
    return changed


def self_assessment_problems(round_unit: RoundUnit) -> list[str]:
    from cchc.assessment.progress import leaf_progress, summarise

    leaves = list(Criterion.objects.filter(criteria_set_id=round_unit.round.criteria_set_id, is_leaf=True))
    scores = {score.criterion_id: score for score in LeafScore.objects.filter(round_unit=round_unit)}
    counts: dict[int, int] = {}
    for leaf_score_id in EvidenceLink.objects.filter(leaf_score__round_unit=round_unit).values_list(
        "leaf_score_id", flat=True
    ):
        counts[leaf_score_id] = counts.get(leaf_score_id, 0) + 1
    return summarise(leaf_progress(leaves, scores, counts)).problems


@transaction.atomic
def submit_round_unit(*, actor: Any, round_unit: RoundUnit, today: dt.date | None = None) -> RoundUnit:
    """The leader's act: the self-assessment goes to the superior and the officers can no longer edit it."""
    today = today_or(today)
    round_unit = fresh(round_unit)
    require_action(actor, Action.SUBMIT, round_unit.unit)
    require_self_assessment_open(round_unit, today)
    _refresh_measures(actor, round_unit)
    problems = self_assessment_problems(round_unit)
    if problems:
        raise ValidationError(["Chưa thể gửi: còn tiêu chí chưa hoàn thành.", *problems])
    before = snapshot(round_unit)
    round_unit.state = RoundUnit.State.SUBMITTED
    round_unit.submitted_at, round_unit.submitted_by = timezone.now(), user_of(actor)
    round_unit.save(update_fields=["state", "submitted_at", "submitted_by"])
    record(
        actor=actor,
        action="state",
        instance=round_unit,
        before=before,
        after=snapshot(round_unit),
        unit=round_unit.unit,
        note="Gửi tự đánh giá",
    )
    return round_unit


# --- evidence -----------------------------------------------------------------------------------
