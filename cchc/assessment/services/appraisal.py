"""Appraisal by the superior: accept or adjust each leaf with a note, ask for more evidence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.access import Action, member_units
from cchc.accounts.models import Membership, Role
from cchc.assessment import phases
from cchc.assessment.models import (
    Criterion,
    EvidenceRequest,
    LeafScore,
    Phase,
    RoundUnit,
)
from cchc.assessment.scoring import ScoringError, format_number, quantize_points, to_decimal
from cchc.assessment.services.common import (
    COMMAND_LINE,
    check_leaf,
    fresh,
    locked_leaf_score,
    require_action,
    today_or,
    user_of,
)
from cchc.audit.services import record, snapshot
from cchc.notifications.models import Notification
from cchc.notifications.services import Reminder, notify
from cchc.organisation.models import Unit

Kind = Phase.Kind


def _require_appraiser(actor: Any, unit: Unit) -> None:
    require_action(actor, Action.APPRAISE, unit)
    if actor is not COMMAND_LINE and any(member.pk == unit.pk for member in member_units(actor)):
        raise PermissionDenied("Không thẩm định đơn vị của chính mình.")


def _self_assessment_finished(round_unit: RoundUnit, today: dt.date) -> bool:
    return round_unit.is_submitted or not phases.is_open(round_unit.round, Kind.SELF_ASSESSMENT, today)


def _check_points(criterion: Criterion, points: Any) -> Decimal:
    try:
        value = to_decimal(points)
    except ScoringError as error:
        raise ValidationError(f"Tiêu chí {criterion.code}: {error}.") from None
    if value != quantize_points(value):
        raise ValidationError(f"Tiêu chí {criterion.code}: điểm chỉ có tối đa hai chữ số thập phân.")
    low, high = criterion.minimum_points, criterion.maximum_points
    if not low <= value <= high:
        raise ValidationError(
            f"Tiêu chí {criterion.code}: điểm {format_number(value)} phải từ {format_number(low)} "
            f"đến {format_number(high)}."
        )
    return value


@transaction.atomic
def appraise_leaf(
    *,
    actor: Any,
    round_unit: RoundUnit,
    criterion: Criterion,
    points: Any = None,
    note: str = "",
    accept: bool = False,
    not_applicable: bool | None = None,
    second: bool = False,
    today: dt.date | None = None,
) -> LeafScore:
    """Accept the self score or adjust it with a note; survey leaves are scored in the survey-points phase."""
    today = today_or(today)
    round_unit = fresh(round_unit)
    _require_appraiser(actor, round_unit.unit)
    check_leaf(round_unit, criterion)
    round_ = round_unit.round
    if second and not round_.has_second_appraisal:
        raise ValidationError("Đợt đánh giá này không có thẩm định vòng hai.")
    kind = Kind.SECOND_APPRAISAL if second else Kind.SURVEY_POINTS if criterion.survey else Kind.APPRAISAL
    phases.require_open(round_, kind, today)
    if not criterion.survey and not _self_assessment_finished(round_unit, today):
        raise ValidationError(f"{round_unit.unit.name} chưa gửi tự đánh giá; chưa thể thẩm định.")
    score = locked_leaf_score(round_unit, criterion)
    before = snapshot(score) if score.pk else None
    declared_not_applicable = score.not_applicable
    if not_applicable is not None:
        score.not_applicable = not_applicable
    note = (note or "").strip()
    value: Decimal | None
    if score.not_applicable:
        value = None
    elif accept:
        value = score.appraised_points if second and score.appraised_points is not None else score.self_points
        if value is None:
            raise ValidationError(f"Tiêu chí {criterion.code}: chưa có điểm để chấp nhận; hãy nhập điểm thẩm định.")
    elif points is None or (isinstance(points, str) and not points.strip()):
        raise ValidationError(f"Tiêu chí {criterion.code}: hãy nhập điểm thẩm định.")
    else:
        value = _check_points(criterion, points)
    reference = score.appraised_points if second else score.self_points
    adjusted = value != reference or score.not_applicable != declared_not_applicable
    if adjusted and not criterion.survey and not note:
        raise ValidationError(f"Tiêu chí {criterion.code}: cần ghi ý kiến thẩm định khi điều chỉnh.")
    if second:
        score.second_points, score.second_note, score.second_by, score.second_at = (
            value,
            note,
            user_of(actor),
            timezone.now(),
        )
        score.status = LeafScore.Status.SECOND_APPRAISED
    else:
        score.appraised_points, score.appraisal_note = value, note
        score.appraised_by, score.appraised_at = user_of(actor), timezone.now()
        score.status = LeafScore.Status.APPRAISED
    score.updated_by = user_of(actor)
    score.save()
    record(
        actor=actor,
        action="update" if before else "create",
        instance=score,
        before=before,
        after=snapshot(score),
        unit=round_unit.unit,
        note=f"{'Thẩm định vòng hai' if second else 'Thẩm định'} tiêu chí {criterion.code}",
    )
    _mark_appraised_when_complete(round_unit)
    return score


def _mark_appraised_when_complete(round_unit: RoundUnit) -> None:
    if round_unit.state != RoundUnit.State.SUBMITTED:
        return
    leaves = Criterion.objects.filter(criteria_set_id=round_unit.round.criteria_set_id, is_leaf=True, survey=False)
    appraised = LeafScore.objects.filter(round_unit=round_unit, criterion__in=leaves).exclude(
        appraised_points__isnull=True, not_applicable=False
    )
    if appraised.count() == leaves.count():
        round_unit.state = RoundUnit.State.APPRAISED
        round_unit.save(update_fields=["state"])


def _unit_contacts(unit: Unit) -> list[int]:
    """Who answers for a unit's assessment: its focal officers and leaders."""
    return list(
        Membership.objects.current()
        .filter(unit=unit, role__in=[Role.FOCAL, Role.LEADER])
        .values_list("user_id", flat=True)
        .distinct()
    )


def _self_assessment_url(round_unit: RoundUnit, criterion: Criterion | None = None) -> str:
    url = reverse("assessment:self_assessment", args=[round_unit.pk])
    return f"{url}#leaf-{criterion.pk}" if criterion else url


@transaction.atomic
def request_evidence(
    *, actor: Any, round_unit: RoundUnit, criterion: Criterion, note: str, today: dt.date | None = None
) -> EvidenceRequest:
    """Ask the unit for more evidence on a leaf; its officers are notified after commit."""
    today = today_or(today)
    round_unit = fresh(round_unit)
    _require_appraiser(actor, round_unit.unit)
    check_leaf(round_unit, criterion)
    if not note.strip():
        raise ValidationError("Cần ghi nội dung yêu cầu bổ sung minh chứng.")
    round_ = round_unit.round
    kind = Kind.SECOND_APPRAISAL if phases.is_open(round_, Kind.SECOND_APPRAISAL, today) else Kind.APPRAISAL
    phase = phases.require_open(round_, kind, today)
    score = locked_leaf_score(round_unit, criterion)
    if score.pk is None:
        score.save()
    evidence_request = EvidenceRequest.objects.create(
        leaf_score=score, phase_kind=kind, note=note.strip(), requested_by=user_of(actor)
    )
    record(
        actor=actor,
        action="create",
        instance=evidence_request,
        after=snapshot(evidence_request),
        unit=round_unit.unit,
        note=f"Yêu cầu bổ sung minh chứng tiêu chí {criterion.code}",
    )
    reminders = [
        Reminder(
            user_id=user_id,
            key=f"assessment.evidence-request.{evidence_request.pk}",
            title=f"Yêu cầu bổ sung minh chứng tiêu chí {criterion.code} ({round_.name}): {note.strip()}"[:300],
            url=_self_assessment_url(round_unit, criterion),
            category=Notification.Category.REQUEST,
            due_date=phase.closes_on,
            unit_id=round_unit.unit_id,
        )
        for user_id in _unit_contacts(round_unit.unit)
    ]
    transaction.on_commit(lambda: [notify(reminder) for reminder in reminders])
    return evidence_request
