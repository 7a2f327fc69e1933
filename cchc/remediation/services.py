"""Every write of remediation: saving a draft as a plan, effort weights, the whole-round job.

Access: the unit's focal officer or leader drafts for their own unit (MANAGE_PLANS); a superior that
reviews the unit (REVIEW on units below: the province's focal officer, appraiser, leader) drafts for
it too. A draft is a computation (`draft_remediation`); `save_draft` turns it into an ordinary draft
plan of kind «remediation» through the plans services, which the unit then edits and issues. When a
superior saves, the plans services run as the system (the plans rule lets only the unit itself draft
its plans) and the remediation record names the superior as the author.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cchc.accounts.access import Action, can
from cchc.assessment.models import Round, RoundUnit
from cchc.assessment.scoring import ScoringError, to_decimal
from cchc.assessment.services import COMMAND_LINE
from cchc.audit.services import record, snapshot
from cchc.core.formatting import number
from cchc.organisation.models import Unit
from cchc.organisation.tabular import TableError, column_indexes, read_table
from cchc.plans import services as plan_services
from cchc.plans.models import Plan
from cchc.remediation import drafting, wording
from cchc.remediation.drafting import Draft, DraftTask
from cchc.remediation.models import EffortWeight, RemediationItem, RemediationPlan
from cchc.remediation.planner import PlanningError
from cchc.remediation.targets import Target, load_picture

SYSTEM = plan_services.SYSTEM
DRAFT_ALL_JOB = "remediation.draft_all"
EFFORT_COLUMNS = ("Mã tiêu chí", "Công sức")
MAX_EFFORT = Decimal("9999.99")


def _trusted(actor: Any) -> bool:
    return actor is SYSTEM or actor is COMMAND_LINE


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def can_draft(actor: Any, unit: Unit) -> bool:
    """The unit's own plan managers, or a superior reviewing it."""
    return _trusted(actor) or can(actor, Action.MANAGE_PLANS, unit) or can(actor, Action.REVIEW, unit)


def require_drafting(actor: Any, unit: Unit) -> None:
    if not can_draft(actor, unit):
        raise PermissionDenied("Bạn không có quyền lập kế hoạch khắc phục cho đơn vị này.")


def can_set_efforts(actor: Any, unit: Unit) -> bool:
    return _trusted(actor) or can(actor, Action.MANAGE_PLANS, unit)


# --- drafting --------------------------------------------------------------------------------------


def draft_remediation(actor: Any, round_: Round, unit: Unit, target: Target | None = None) -> Draft:
    """The draft plan for ``unit`` from the published ``round_``: lost leaves as tasks, the target as
    objective (default: one rank up). Nothing is saved; ValidationError (Vietnamese) when impossible."""
    require_drafting(actor, unit)
    picture = load_picture(round_, unit)
    try:
        return drafting.compose(picture, target or Target.default())
    except PlanningError as error:
        raise ValidationError(str(error)) from error


@dataclass(frozen=True)
class TaskEdit:
    """What the preview lets the user change on one task before saving."""

    responsible_id: int | None = None
    clear_responsible: bool = False
    timeframe: str | None = None
    direction: str | None = None
    include: bool = True


def existing_plan(round_: Round, unit: Unit) -> Plan | None:
    """The remediation plan already drafted for ``unit`` from ``round_``, if any."""
    link = RemediationPlan.objects.filter(round=round_, plan__unit=unit).select_related("plan").first()
    return link.plan if link is not None else None


def apply_edits(draft: Draft, edits: Mapping[str, TaskEdit] | None) -> list[DraftTask]:
    """The tasks as edited; an unknown responsible or an empty text is named by its criterion."""
    members = {member.user_id: member.user for member in draft.members}
    tasks: list[DraftTask] = []
    errors: list[str] = []
    for task in draft.tasks:
        edit = (edits or {}).get(task.code)
        if edit is None:
            tasks.append(task)
            continue
        if not edit.include:
            continue
        responsible = None if edit.clear_responsible else task.responsible
        if edit.responsible_id is not None:
            responsible = members.get(edit.responsible_id)
            if responsible is None:
                errors.append(
                    f"Tiêu chí {task.code}: người phụ trách không phải cán bộ, công chức của {draft.unit.name}."
                )
        timeframe = task.timeframe if edit.timeframe is None else edit.timeframe.strip()
        direction = task.direction if edit.direction is None else edit.direction.strip()
        if not timeframe:
            errors.append(f"Tiêu chí {task.code}: chưa nhập thời gian thực hiện.")
        if not direction:
            errors.append(f"Tiêu chí {task.code}: chưa nhập định hướng khắc phục.")
        if len(timeframe) > 300:
            errors.append(f"Tiêu chí {task.code}: thời gian thực hiện dài quá 300 ký tự.")
        tasks.append(
            DraftTask(
                criterion=task.criterion,
                area=task.area,
                maximum=task.maximum,
                points=task.points,
                points_lost=task.points_lost,
                advising_position=task.advising_position,
                responsible=responsible,
                timeframe=timeframe,
                direction=direction,
            )
        )
    if errors:
        raise ValidationError(errors)
    return tasks


@transaction.atomic
def save_draft(*, actor: Any, draft: Draft, edits: Mapping[str, TaskEdit] | None = None) -> Plan:
    """The draft as an ordinary draft plan of kind «remediation», linked to the round and criteria."""
    unit = draft.unit
    require_drafting(actor, unit)
    # Locks the unit's entry so that two concurrent saves cannot both pass the «already drafted» check.
    RoundUnit.objects.select_for_update().filter(round=draft.round, unit=unit).first()
    found = existing_plan(draft.round, unit)
    if found is not None:
        raise ValidationError(
            f"{unit.name} đã có kế hoạch khắc phục từ kết quả đợt này ({found.code_display}). "
            "Hãy mở kế hoạch đó để chỉnh sửa, hoặc xóa dự thảo trước khi lập lại."
        )
    tasks = apply_edits(draft, edits)
    if not tasks:
        raise ValidationError("Không có tiêu chí nào bị trừ điểm được chọn; chưa lập kế hoạch.")
    plan_actor = actor if _trusted(actor) or can(actor, Action.MANAGE_PLANS, unit) else SYSTEM
    plan = plan_services.create_plan(
        actor=plan_actor,
        unit=unit,
        title=wording.plan_title(unit, draft.year),
        kind=Plan.Kind.REMEDIATION,
        year=draft.year,
        **wording.plan_fields(draft, members=draft.members),
    )
    plan_services.add_objective(actor=plan_actor, plan=plan, text=draft.objective)
    if draft.result.points_needed > 0:
        plan_services.add_objective(actor=plan_actor, plan=plan, text=drafting.needed_text(draft))
    areas = _areas(plan, tasks)
    items = []
    for order, task in enumerate(tasks, start=1):
        created = plan_services.add_task(
            actor=plan_actor,
            plan=plan,
            title=wording.task_title(task),
            area=areas.get(task.area.code if task.area else ""),
            output=wording.task_output(task),
            lead_text=wording.lead_text(task, draft.members),
            lead_units=[],
            coordinating_units=[],
            responsible=task.responsible,
            deadline_text=task.timeframe,
            criterion_code=task.code,
        )
        items.append(
            RemediationItem(
                task=created,
                criterion=task.criterion,
                order=order,
                points_lost=task.points_lost,
                maximum=task.maximum,
                advising_position=task.advising_position[:150],
                timeframe=task.timeframe,
                direction=task.direction,
            )
        )
    remediation = RemediationPlan.objects.create(
        plan=plan,
        round=draft.round,
        target_kind=draft.target.kind,
        target_value=draft.target.value,
        target_rank=draft.target_rank,
        current_rank=draft.current_rank,
        current_index=draft.current_index,
        points_needed=draft.result.points_needed,
        created_by=_user(actor),
    )
    for item in items:
        item.remediation = remediation
    RemediationItem.objects.bulk_create(items)
    if plan_actor is not actor and plan.created_by_id is None and _user(actor) is not None:
        Plan.objects.filter(pk=plan.pk).update(created_by=_user(actor))
        plan.created_by = _user(actor)
    record(
        actor=actor,
        action="create",
        instance=remediation,
        after={**snapshot(remediation), "criteria": [task.code for task in tasks]},
        unit=unit,
        note=f"Lập dự thảo kế hoạch khắc phục từ kết quả đợt {draft.round.code}: {len(tasks)} tiêu chí bị trừ điểm",
    )
    return plan


def _areas(plan: Plan, tasks: Sequence[DraftTask]) -> dict[str, Any]:
    """The plan's areas in the criteria's area order, so the appendix lists areas as the index does."""
    areas: dict[str, Any] = {}
    ordered = sorted({task.area.code: task.area for task in tasks if task.area}.items(), key=lambda item: item[1].order)
    for code, area in ordered:
        reform_area = int(code) if code.isdigit() and 1 <= int(code) <= 8 else None
        areas[code] = plan_services.area_for(plan, wording.area_label(area), reform_area)
    return areas


# --- the whole round, by the superior ----------------------------------------------------------------


def units_to_draft(actor: Any, round_: Round) -> list[Unit]:
    """Units of the round the actor may draft for and that have no remediation plan from it yet."""
    drafted = set(RemediationPlan.objects.filter(round=round_).values_list("plan__unit_id", flat=True))
    entries = RoundUnit.objects.filter(round=round_, index__isnull=False).select_related("unit", "unit__kind")
    return [
        entry.unit
        for entry in entries.order_by("unit__path")
        if entry.unit_id not in drafted and can_draft(actor, entry.unit)
    ]


def can_draft_all(actor: Any, round_: Round) -> bool:
    """Officials of the organising body (or above): a unit's own officers draft only their own plan."""
    return _trusted(actor) or can(actor, Action.VIEW, round_.organiser)


def enqueue_draft_all(*, actor: Any, round_: Round) -> Any:
    """A background job drafting every unit's plan; only the round's organiser side may start it."""
    from cchc.jobs.services import enqueue

    if not round_.is_published:
        raise ValidationError("Đợt đánh giá chưa công bố kết quả.")
    if not can_draft_all(actor, round_):
        raise PermissionDenied("Chỉ cơ quan tổ chức đánh giá lập dự thảo cho mọi đơn vị.")
    if not units_to_draft(actor, round_):
        raise ValidationError(
            "Mọi đơn vị của đợt đã có kế hoạch khắc phục (hoặc bạn không có quyền lập cho đơn vị nào)."
        )
    return enqueue(
        DRAFT_ALL_JOB,
        f"Lập dự thảo kế hoạch khắc phục cho các đơn vị: {round_.name}",
        params={"round": round_.pk},
        user=_user(actor),
        unit=round_.organiser,
    )


@dataclass(frozen=True)
class DraftAllSummary:
    saved: int
    skipped: list[str]


def draft_all(*, actor: Any, round_: Round, target: Target | None = None, progress: Any = None) -> DraftAllSummary:
    """Draft and save every remaining unit's plan; a unit that cannot be drafted is skipped and named."""
    units = units_to_draft(actor, round_)
    saved = 0
    skipped: list[str] = []
    for position, unit in enumerate(units, start=1):
        try:
            save_draft(actor=actor, draft=draft_remediation(actor, round_, unit, target))
            saved += 1
        except ValidationError as error:
            skipped.append(f"{unit.name}: {'; '.join(error.messages)}")
        if progress is not None:
            progress(100 * position / len(units), f"{position}/{len(units)} đơn vị")
    return DraftAllSummary(saved=saved, skipped=skipped)


# --- effort weights ----------------------------------------------------------------------------------


def _check_effort(value: Any, where: str) -> Decimal:
    try:
        effort = to_decimal(value)
    except ScoringError:
        raise ValidationError(f"{where}: «{value}» không phải là số.") from None
    if effort < 0:
        raise ValidationError(f"{where}: công sức không được âm.")
    if effort > MAX_EFFORT:
        raise ValidationError(f"{where}: công sức tối đa là {number(MAX_EFFORT, 2)}.")
    if effort != effort.quantize(Decimal("0.01")):
        raise ValidationError(f"{where}: công sức chỉ lấy tối đa hai chữ số thập phân.")
    return effort


@transaction.atomic
def set_efforts(*, actor: Any, unit: Unit, efforts: Mapping[str, Any], note: str = "") -> int:
    """Save the unit's effort weights (criterion code → effort); returns how many changed."""
    if not can_set_efforts(actor, unit):
        raise PermissionDenied("Bạn không có quyền sửa công sức khắc phục của đơn vị này.")
    checked = {code.strip(): _check_effort(value, f"Tiêu chí {code}") for code, value in efforts.items()}
    existing = {weight.criterion_code: weight for weight in EffortWeight.objects.filter(unit=unit)}
    changed = 0
    for code, effort in checked.items():
        weight = existing.get(code)
        if weight is not None and weight.effort == effort:
            continue
        before = snapshot(weight) if weight is not None else None
        weight = weight or EffortWeight(unit=unit, criterion_code=code)
        weight.effort = effort
        weight.updated_by = _user(actor)
        weight.save()
        record(
            actor=actor,
            action="update" if before else "create",
            instance=weight,
            before=before,
            after=snapshot(weight),
            unit=unit,
            note=note,
        )
        changed += 1
    return changed


def read_effort_sheet(source: str | IO[bytes], filename: str | None = None) -> dict[str, Decimal]:
    """A sheet of `Mã tiêu chí`, `Công sức`; every bad row is named («Dòng N, cột «X»: …»), nothing kept."""
    try:
        headers, rows = read_table(source, filename)
        columns = column_indexes(headers, EFFORT_COLUMNS)
    except TableError as error:
        raise ValidationError(str(error)) from error
    efforts: dict[str, Decimal] = {}
    errors: list[str] = []
    for row_number, values in rows:
        code = _cell(values, columns["Mã tiêu chí"])
        raw = _cell(values, columns["Công sức"])
        if not code and not raw:
            continue
        if not code:
            errors.append(f"Dòng {row_number}, cột «Mã tiêu chí»: chưa có mã tiêu chí.")
            continue
        if code in efforts:
            errors.append(f"Dòng {row_number}, cột «Mã tiêu chí»: mã {code} bị lặp lại.")
            continue
        try:
            efforts[code] = _check_effort(raw, f"Dòng {row_number}, cột «Công sức»")
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    if not efforts:
        raise ValidationError("Tệp không có dòng công sức nào.")
    return efforts


def _cell(values: list[Any], position: int) -> str:
    value = values[position] if position < len(values) else None
    return "" if value is None else str(value).strip()


@transaction.atomic
def import_efforts(*, actor: Any, unit: Unit, source: str | IO[bytes], filename: str | None = None) -> int:
    efforts = read_effort_sheet(source, filename)
    return set_efforts(actor=actor, unit=unit, efforts=efforts, note=f"Nhập công sức từ tệp {filename or ''}".strip())
