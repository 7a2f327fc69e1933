"""Rounds and their phases: create, set deadlines, close, reopen (audited), return a submission."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cchc.accounts.access import Action, can
from cchc.assessment import phases
from cchc.assessment.models import (
    CriteriaSet,
    Phase,
    Round,
    RoundUnit,
)
from cchc.assessment.ranking import validate_thresholds
from cchc.assessment.services.common import (
    PhaseClosed,
    administer,
    fresh,
    require_action,
    today_or,
    user_of,
)
from cchc.audit.services import record, snapshot
from cchc.organisation.models import Unit

DEFAULT_THRESHOLDS: list[dict[str, Any]] = [
    {"min_index": 90, "label": "Xuất sắc"},
    {"min_index": 80, "label": "Tốt"},
    {"min_index": 70, "label": "Khá"},
    {"min_index": 50, "label": "Trung bình"},
    {"min_index": 0, "label": "Yếu"},
]


APPRAISER_CLOSES = {Phase.Kind.APPRAISAL, Phase.Kind.SECOND_APPRAISAL, Phase.Kind.SURVEY_POINTS}


def common_superior(units: Sequence[Unit]) -> Unit | None:
    """The nearest unit above all the given units: the organiser a round defaults to."""
    prefixes = [unit.path.split(".")[:-2] for unit in units]
    if not prefixes:
        return None
    shared: list[str] = []
    for segments in zip(*prefixes, strict=False):
        if len(set(segments)) != 1:
            break
        shared.append(segments[0])
    if not shared:
        return None
    return Unit.objects.filter(path="".join(f"{segment}." for segment in shared)).first()


@transaction.atomic
def create_round(
    *,
    actor: Any,
    code: str,
    criteria_set: CriteriaSet,
    year: int,
    units: Sequence[Unit],
    previous: Round | None = None,
    name: str = "",
    thresholds: list[dict[str, Any]] | None = None,
    has_second_appraisal: bool = False,
    organiser: Unit | None = None,
    today: dt.date | None = None,
) -> Round:
    today = today_or(today)
    errors: list[str] = []
    code = code.strip()
    if not code:
        errors.append("Thiếu mã đợt đánh giá.")
    elif Round.objects.filter(code=code).exists():
        errors.append(f"Đã có đợt đánh giá mã «{code}».")
    if not criteria_set.applies_to_year(year):
        errors.append(f"Bộ tiêu chí {criteria_set.label} áp dụng {criteria_set.years_label}, không áp dụng năm {year}.")
    if not units:
        errors.append("Đợt đánh giá cần ít nhất một đơn vị.")
    kinds = set(criteria_set.unit_kinds or [])
    wrong_kind = [unit.code for unit in units if kinds and unit.kind.code not in kinds]
    if wrong_kind:
        errors.append(
            f"Bộ tiêu chí chỉ áp dụng cho loại đơn vị {', '.join(sorted(kinds))}; không áp dụng cho: "
            + ", ".join(wrong_kind)
        )
    if previous is not None and previous.year >= year:
        errors.append(f"Đợt trước «{previous.code}» (năm {previous.year}) phải của năm trước năm {year}.")
    thresholds = DEFAULT_THRESHOLDS if thresholds is None else thresholds
    errors.extend(validate_thresholds(thresholds))
    organiser = organiser or common_superior(units)
    if organiser is None and units:
        errors.append("Không xác định được cơ quan tổ chức đánh giá (các đơn vị không cùng một cấp trên).")
    if errors:
        raise ValidationError(errors)
    assert organiser is not None
    require_action(actor, Action.ADMINISTER, organiser)
    round_ = Round.objects.create(
        code=code,
        name=name.strip() or f"Chỉ số cải cách hành chính năm {year}",
        criteria_set=criteria_set,
        year=year,
        organiser=organiser,
        previous=previous,
        thresholds=thresholds,
        has_second_appraisal=has_second_appraisal,
    )
    RoundUnit.objects.bulk_create([RoundUnit(round=round_, unit=unit) for unit in units])
    Phase.objects.bulk_create(
        [
            Phase(
                round=round_,
                kind=planned.kind,
                order=phases.ORDER.index(planned.kind),
                opens_on=planned.opens_on,
                closes_on=planned.closes_on,
            )
            for planned in phases.default_calendar(year, today, has_second_appraisal)
        ]
    )
    record(
        actor=actor,
        action="create",
        instance=round_,
        after=snapshot(round_),
        unit=organiser,
        note=f"{len(units)} đơn vị tham gia",
    )
    return round_


def _fresh_phase(phase: Phase) -> Phase:
    return Phase.objects.select_for_update().select_related("round", "round__organiser").get(pk=phase.pk)


@transaction.atomic
def set_phase_dates(*, actor: Any, phase: Phase, opens_on: dt.date | None, closes_on: dt.date | None) -> Phase:
    phase = _fresh_phase(phase)
    administer(actor, phase.round)
    if opens_on and closes_on and closes_on < opens_on:
        raise ValidationError("Hạn kết thúc phải sau ngày bắt đầu.")
    before = snapshot(phase)
    phase.opens_on, phase.closes_on = opens_on, closes_on
    phase.save(update_fields=["opens_on", "closes_on"])
    phases.forget_phases(phase.round)
    record(
        actor=actor, action="update", instance=phase, before=before, after=snapshot(phase), unit=phase.round.organiser
    )
    return phase


@transaction.atomic
def close_phase(*, actor: Any, phase: Phase) -> Phase:
    phase = _fresh_phase(phase)
    if phase.kind in APPRAISER_CLOSES and can(actor, Action.CLOSE_APPRAISAL, phase.round.organiser):
        # The appraisers close their own phases when they have finished; everything else is the administrator's.
        if phase.round.is_published:
            raise PhaseClosed(f"Đợt «{phase.round.name}» đã công bố; kết quả đã khóa.")
    else:
        administer(actor, phase.round)
    if phase.closed:
        raise ValidationError(f"Giai đoạn «{phase.get_kind_display()}» đã đóng.")
    before = snapshot(phase)
    phase.closed, phase.closed_at, phase.closed_by = True, timezone.now(), user_of(actor)
    phase.save(update_fields=["closed", "closed_at", "closed_by"])
    phases.forget_phases(phase.round)
    record(
        actor=actor, action="state", instance=phase, before=before, after=snapshot(phase), unit=phase.round.organiser
    )
    return phase


@transaction.atomic
def reopen_phase(
    *, actor: Any, phase: Phase, reason: str, closes_on: dt.date | None = None, today: dt.date | None = None
) -> Phase:
    """The administrator's audited act: a closed or expired phase accepts changes again until `closes_on`."""
    today = today_or(today)
    phase = _fresh_phase(phase)
    administer(actor, phase.round)
    if not reason.strip():
        raise ValidationError("Cần ghi lý do mở lại giai đoạn.")
    new_deadline = closes_on or phase.closes_on
    if new_deadline is not None and new_deadline < today:
        raise ValidationError("Hạn của giai đoạn đã qua; hãy chọn hạn mới khi mở lại.")
    if not phase.closed and phase.is_open(today) and closes_on in (None, phase.closes_on):
        raise ValidationError(f"Giai đoạn «{phase.get_kind_display()}» đang mở.")
    before = snapshot(phase)
    phase.closed = False
    phase.closes_on = new_deadline
    if phase.opens_on is not None and phase.opens_on > today:
        phase.opens_on = today
    phase.reopened_at, phase.reopened_by, phase.reopen_reason = timezone.now(), user_of(actor), reason.strip()
    phase.save()
    phases.forget_phases(phase.round)
    record(
        actor=actor,
        action="reopen",
        instance=phase,
        before=before,
        after=snapshot(phase),
        unit=phase.round.organiser,
        note=reason.strip(),
    )
    return phase


@transaction.atomic
def reopen_round_unit(*, actor: Any, round_unit: RoundUnit, reason: str) -> RoundUnit:
    """Return a submitted self-assessment to the unit (the leader submitted by mistake): audited."""
    round_unit = fresh(round_unit)
    administer(actor, round_unit.round)
    if not reason.strip():
        raise ValidationError("Cần ghi lý do trả lại tự đánh giá.")
    if not round_unit.is_submitted:
        raise ValidationError("Đơn vị chưa gửi tự đánh giá.")
    before = snapshot(round_unit)
    round_unit.state, round_unit.submitted_at, round_unit.submitted_by = RoundUnit.State.DRAFT, None, None
    round_unit.save(update_fields=["state", "submitted_at", "submitted_by"])
    record(
        actor=actor,
        action="reopen",
        instance=round_unit,
        before=before,
        after=snapshot(round_unit),
        unit=round_unit.unit,
        note=reason.strip(),
    )
    return round_unit


# --- self-assessment ----------------------------------------------------------------------------
