"""Every write on measures: definitions, reported figures and their review, targets. All audited.

A reported figure moves draft → submitted → approved, or back to returned; an approved figure is
locked until an administrator reopens it (audited with the reason). The responsible unit enters its
own figures (EDIT); a reviewer at a superior unit approves them (REVIEW), never the unit itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from cchc.accounts.access import Action, member_units, require
from cchc.audit.services import record, snapshot
from cchc.measures.catalogue import ReportedDefinition, reported_definitions
from cchc.measures.evidence import check_evidence
from cchc.measures.figures import clean_figures, period_problem
from cchc.measures.models import Measure, MeasureValue, Target
from cchc.measures.periods import Period
from cchc.measures.registry import MeasureDefinition, all_definitions
from cchc.organisation.models import Unit

Status = MeasureValue.Status
EDITABLE = {Status.DRAFT, Status.RETURNED, Status.SUBMITTED}


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0


def sync_definitions() -> SyncResult:
    """Write the registered computed measures and the shipped reported ones to the Measure table."""
    result = SyncResult()
    definitions: list[MeasureDefinition] = [*all_definitions(), *reported_definitions()]
    with transaction.atomic():
        for definition in definitions:
            defaults: dict[str, Any] = {
                "name": definition.name,
                "definition": definition.definition,
                "numerator_label": definition.numerator_label,
                "denominator_label": definition.denominator_label,
                "kind": definition.kind,
                "higher_is_better": definition.higher_is_better,
                "periodicity": definition.periodicity,
                "aggregation": definition.aggregation,
                "source": definition.source,
                "reform_area": definition.reform_area,
                "order": definition.order,
                "is_active": True,
            }
            if isinstance(definition, ReportedDefinition):
                defaults["reporting_level"] = definition.reporting_level
                defaults["reporting_day"] = definition.reporting_day
            _measure, created = Measure.objects.update_or_create(code=definition.code, defaults=defaults)
            if created:
                result.created += 1
            else:
                result.updated += 1
    return result


def locked_message(value: MeasureValue) -> str:
    return (
        f"Số liệu «{value.measure.name}» kỳ {value.period_key} của {value.unit.name} đã được duyệt nên đã khóa; "
        "cần quản trị viên mở lại trước khi sửa."
    )


@transaction.atomic
def enter_value(
    *,
    actor: Any,
    measure: Measure,
    unit: Unit,
    period: Period,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    value: Decimal | None = None,
    note: str = "",
    evidence: File | None = None,
    submit: bool = False,
    today: dt.date | None = None,
) -> MeasureValue:
    """Enter or correct the unit's own figure for a period; `submit` sends it for review at once."""
    require(actor, Action.EDIT, unit)
    if not measure.is_reported:
        raise ValidationError(f"Chỉ số «{measure.name}» được tính tự động, không nhập tay.")
    problem = period_problem(measure, period, today or timezone.localdate())
    if problem:
        raise ValidationError(problem[0].upper() + problem[1:] + ".")
    figures, problems = clean_figures(measure, numerator, denominator, value)
    if problems:
        raise ValidationError(
            {problem.field: problem.message[0].upper() + problem.message[1:] + "." for problem in problems}
        )
    if evidence is not None:
        check_evidence(evidence)
    stored = (
        MeasureValue.objects.select_for_update()
        .select_related("measure", "unit")
        .filter(measure=measure, unit=unit, period_key=period.key)
        .first()
    )
    if stored is not None and stored.is_locked:
        raise ValidationError(locked_message(stored))
    before = snapshot(stored) if stored else None
    if stored is None:
        stored = MeasureValue(
            measure=measure, unit=unit, period_key=period.key, period_start=period.start, period_end=period.end
        )
    stored.numerator, stored.denominator, stored.value = figures.numerator, figures.denominator, figures.value
    stored.note = note
    if evidence is not None:
        stored.evidence = evidence
    stored.status = Status.SUBMITTED if submit else Status.DRAFT
    stored.entered_by = actor if getattr(actor, "is_authenticated", False) else None
    stored.entered_at = timezone.now()
    stored.save()
    record(
        actor=actor,
        action="update" if before else "create",
        instance=stored,
        before=before,
        after=snapshot(stored),
        unit=unit,
        note="Nhập và gửi duyệt" if submit else "Nhập số liệu",
    )
    return stored


@transaction.atomic
def submit_value(*, actor: Any, value: MeasureValue) -> MeasureValue:
    require(actor, Action.EDIT, value.unit)
    value = _locked_row(value)
    before = snapshot(value)
    if value.status not in (Status.DRAFT, Status.RETURNED):
        raise ValidationError(f"Số liệu đang ở trạng thái «{value.get_status_display()}», không gửi duyệt được.")
    if value.computed_value() is None and value.denominator is None:
        raise ValidationError("Số liệu chưa đủ để gửi duyệt.")
    return _change_status(actor, value, before, Status.SUBMITTED, "state", "Gửi duyệt")


def _require_reviewer(actor: Any, unit: Unit) -> None:
    require(actor, Action.REVIEW, unit)
    if any(member.pk == unit.pk for member in member_units(actor)):
        raise PermissionDenied("Đơn vị không thể tự duyệt số liệu của mình; số liệu phải do cấp trên duyệt.")


@transaction.atomic
def approve_value(*, actor: Any, value: MeasureValue, note: str = "") -> MeasureValue:
    _require_reviewer(actor, value.unit)
    value = _locked_row(value)
    before = snapshot(value)
    if value.status != Status.SUBMITTED:
        raise ValidationError(f"Chỉ duyệt được số liệu đang chờ duyệt (hiện: «{value.get_status_display()}»).")
    value.reviewed_by = actor
    value.reviewed_at = timezone.now()
    value.review_note = note
    return _change_status(actor, value, before, Status.APPROVED, "state", "Duyệt số liệu")


@transaction.atomic
def return_value(*, actor: Any, value: MeasureValue, note: str) -> MeasureValue:
    _require_reviewer(actor, value.unit)
    value = _locked_row(value)
    before = snapshot(value)
    if not note.strip():
        raise ValidationError({"review_note": "Hãy ghi rõ lý do trả lại để đơn vị sửa."})
    if value.status != Status.SUBMITTED:
        raise ValidationError(f"Chỉ trả lại được số liệu đang chờ duyệt (hiện: «{value.get_status_display()}»).")
    value.reviewed_by = actor
    value.reviewed_at = timezone.now()
    value.review_note = note.strip()
    return _change_status(actor, value, before, Status.RETURNED, "state", f"Trả lại: {note.strip()}")


@transaction.atomic
def reopen_value(*, actor: Any, value: MeasureValue, reason: str) -> MeasureValue:
    """Unlock an approved figure so the unit can correct it; the reason stays in the change log."""
    require(actor, Action.ADMINISTER, value.unit)
    value = _locked_row(value)
    before = snapshot(value)
    if not reason.strip():
        raise ValidationError({"reason": "Hãy ghi lý do mở lại số liệu đã duyệt."})
    if value.status != Status.APPROVED:
        raise ValidationError("Chỉ mở lại được số liệu đã duyệt.")
    value.review_note = f"Mở lại: {reason.strip()}"
    return _change_status(actor, value, before, Status.RETURNED, "reopen", reason.strip())


def _locked_row(value: MeasureValue) -> MeasureValue:
    return MeasureValue.objects.select_for_update().select_related("measure", "unit").get(pk=value.pk)


def _change_status(
    actor: Any, value: MeasureValue, before: dict[str, Any], status: str, action: str, note: str
) -> MeasureValue:
    value.status = status
    value.save()
    record(actor=actor, action=action, instance=value, before=before, after=snapshot(value), unit=value.unit, note=note)
    return value


@transaction.atomic
def set_target(
    *,
    actor: Any,
    measure: Measure,
    unit: Unit,
    value: Decimal,
    period_key: str,
    comparator: str = Target.Comparator.AT_LEAST,
    applies_to_units_below: bool = False,
    due_date: dt.date | None = None,
    source_label: str = "",
    source_object: Any = None,
    on_track_margin: Decimal | None = None,
    at_risk_margin: Decimal | None = None,
) -> Target:
    """Create or update a target. With `source_object` (a plan objective, a criterion) the target is
    that object's: setting it again updates it rather than adding another."""
    require(actor, Action.MANAGE_PLANS, unit)
    from cchc.measures.periods import parse

    try:
        parse(period_key)
    except ValueError as error:
        raise ValidationError({"period_key": str(error)}) from error
    if comparator not in Target.Comparator.values:
        raise ValidationError({"comparator": f"Phép so sánh «{comparator}» không hợp lệ."})
    source_type = source_object._meta.label_lower if source_object is not None else ""
    source_id = str(source_object.pk) if source_object is not None else ""
    target = None
    if source_object is not None:
        target = Target.objects.filter(
            measure=measure, source_object_type=source_type, source_object_id=source_id
        ).first()
    before = snapshot(target) if target else None
    target = target or Target(measure=measure, source_object_type=source_type, source_object_id=source_id)
    target.unit = unit
    target.value = value
    target.period_key = period_key
    target.comparator = comparator
    target.applies_to_units_below = applies_to_units_below
    target.due_date = due_date
    target.source_label = source_label
    if on_track_margin is not None:
        target.on_track_margin = on_track_margin
    if at_risk_margin is not None:
        target.at_risk_margin = at_risk_margin
    if target.at_risk_margin < target.on_track_margin:
        raise ValidationError({"at_risk_margin": "Biên độ «có nguy cơ» phải lớn hơn hoặc bằng biên độ «đúng hướng»."})
    target.save()
    record(
        actor=actor,
        action="update" if before else "create",
        instance=target,
        before=before,
        after=snapshot(target),
        unit=unit,
    )
    return target
