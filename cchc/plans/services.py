"""Every write on plans: drafting, issuing (which assigns tasks), cascading to lower units, progress.

All functions are atomic, check access with `require` and record an audit entry. `actor` is the
user; the command line and the demo pass `SYSTEM`, which is allowed everything and audited as «no
user». Lower-level helpers recompute progress: an assignment's progress is its unit's own (reported
directly or rolled up from the unit's implementing tasks), a task's the mean of its lead units'.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.access import Action, can, is_system_administrator, require
from cchc.accounts.models import Membership, Role
from cchc.audit.services import record, snapshot
from cchc.core.formatting import date as vn_date
from cchc.organisation.models import Unit
from cchc.plans.deadlines import interpret_deadline
from cchc.plans.documents.official import to_roman
from cchc.plans.entries import BudgetEntry, DraftContents, ObjectiveEntry, TaskEntry, split_area_label
from cchc.plans.evidence import check_evidence
from cchc.plans.models import (
    Area,
    BudgetLine,
    Objective,
    Plan,
    ProgressUpdate,
    ReminderSettings,
    Report,
    Task,
    TaskAssignment,
    weighted_progress,
)
from cchc.plans.resolution import resolve_units

HUNDRED = Decimal(100)
ISSUED_STATES = (Plan.Status.ISSUED, Plan.Status.CLOSED)
PLAN_FIELDS = frozenset(
    {
        "kind",
        "year",
        "number",
        "code_suffix",
        "place",
        "document_date",
        "title",
        "legal_bases",
        "theme",
        "purpose",
        "implementation",
        "closing",
        "recipients",
        "signer_name",
        "signer_authority",
        "signer_position",
        "issue_by",
        "with_decision",
        "decision_number",
        "decision_code_suffix",
        "decision_date",
        "decision_articles",
        "source_round_code",
        "source_criteria",
    }
)
FIELDS_EDITABLE_AFTER_ISSUE = frozenset({"issue_by"})
TASK_FIELDS = frozenset(
    {"title", "number", "output", "lead_text", "coordinating_text", "deadline_text", "criterion_code", "weight"}
)
NOT_DRAFT = "Kế hoạch đã ban hành; không sửa được nội dung. Hãy ban hành kế hoạch điều chỉnh nếu cần."


class SystemActor:
    """The command line and the demo loader: allowed everything, audited without a user."""

    is_authenticated = False
    is_active = True
    pk = None

    def __str__(self) -> str:
        return "Hệ thống"


SYSTEM = SystemActor()


def _require(actor: Any, action: Action, unit: Unit) -> None:
    if actor is SYSTEM:
        return
    require(actor, action, unit)


def _require_any(actor: Any, actions: Sequence[Action], unit: Unit) -> None:
    if actor is SYSTEM or any(can(actor, action, unit) for action in actions):
        return
    raise PermissionDenied("Bạn không có quyền thực hiện thao tác này cho đơn vị này.")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _today(today: dt.date | None = None) -> dt.date:
    return today or timezone.localdate()


def _require_draft(plan: Plan) -> None:
    if not plan.is_draft:
        raise ValidationError(NOT_DRAFT)


# Plans ------------------------------------------------------------------------------------------


@transaction.atomic
def create_plan(
    *,
    actor: Any,
    unit: Unit,
    title: str,
    kind: str = Plan.Kind.ANNUAL,
    year: int | None = None,
    superior_plan: Plan | None = None,
    **fields: Any,
) -> Plan:
    """A draft plan of `unit`. `fields` are any of the plan's document fields (see PLAN_FIELDS)."""
    _require(actor, Action.MANAGE_PLANS, unit)
    _check_fields(fields, PLAN_FIELDS)
    if superior_plan is not None and not (
        unit.path.startswith(superior_plan.unit.path) and unit.pk != superior_plan.unit_id
    ):
        raise ValidationError({"superior_plan": "Kế hoạch cấp trên phải do một đơn vị cấp trên của đơn vị ban hành."})
    plan = Plan(
        unit=unit,
        kind=kind,
        title=title.strip(),
        year=year or _today().year,
        superior_plan=superior_plan,
        place=unit.place_name or unit.name,
        created_by=_user(actor),
    )
    for name, value in fields.items():
        setattr(plan, name, value)
    _validate_plan(plan)
    plan.save()
    record(actor=actor, action="create", instance=plan, after=snapshot(plan), unit=unit)
    return plan


def _check_fields(fields: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _validate_plan(plan: Plan) -> None:
    errors: dict[str, str] = {}
    if not plan.title:
        errors["title"] = "Chưa nhập trích yếu (tên) kế hoạch."
    if plan.kind not in Plan.Kind.values:
        errors["kind"] = f"Loại kế hoạch «{plan.kind}» không hợp lệ."
    if not 1990 <= int(plan.year) <= 2100:
        errors["year"] = f"Năm kế hoạch {plan.year} không hợp lệ."
    if not isinstance(plan.recipients, list):
        errors["recipients"] = "Nơi nhận phải là danh sách."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def update_plan(*, actor: Any, plan: Plan, **fields: Any) -> Plan:
    """Change document fields of a draft; once issued only the deadline for lower units may change."""
    _require(actor, Action.MANAGE_PLANS, plan.unit)
    _check_fields(fields, PLAN_FIELDS)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_draft and set(fields) - FIELDS_EDITABLE_AFTER_ISSUE:
        raise ValidationError(NOT_DRAFT)
    before = snapshot(plan)
    for name, value in fields.items():
        setattr(plan, name, value)
    _validate_plan(plan)
    plan.save()
    record(actor=actor, action="update", instance=plan, before=before, after=snapshot(plan), unit=plan.unit)
    return plan


@transaction.atomic
def delete_plan(*, actor: Any, plan: Plan) -> None:
    _require(actor, Action.MANAGE_PLANS, plan.unit)
    _require_draft(plan)
    record(actor=actor, action="delete", instance=plan, before=snapshot(plan), unit=plan.unit)
    plan.delete()


# Objectives, areas, tasks, budget ------------------------------------------------------------------


@transaction.atomic
def add_objective(
    *,
    actor: Any,
    plan: Plan,
    text: str,
    measure: Any = None,
    comparator: str = "",
    target_value: Decimal | None = None,
    target_date: dt.date | None = None,
) -> Objective:
    _require(actor, Action.MANAGE_PLANS, plan.unit)
    _require_draft(plan)
    entry = ObjectiveEntry(text, measure.pk if measure is not None else None, comparator, target_value, target_date)
    objective = _objective_from(plan, entry, order=plan.objectives.count() + 1)
    objective.save()
    record(actor=actor, action="create", instance=objective, after=snapshot(objective), unit=plan.unit)
    return objective


def _objective_from(plan: Plan, entry: ObjectiveEntry, order: int) -> Objective:
    if not entry.text.strip():
        raise ValidationError({"text": "Chưa nhập nội dung mục tiêu."})
    bound = entry.measure_id is not None
    if bound and (entry.target_value is None or not entry.comparator):
        raise ValidationError({"target_value": "Mục tiêu gắn với chỉ số cần có phép so sánh và chỉ tiêu."})
    if entry.comparator and entry.comparator not in {">=", ">", "<=", "<", "="}:
        raise ValidationError({"comparator": f"Phép so sánh «{entry.comparator}» không hợp lệ."})
    return Objective(
        plan=plan,
        order=order,
        text=entry.text.strip(),
        measure_id=entry.measure_id,
        comparator=entry.comparator if bound else "",
        target_value=entry.target_value if bound else None,
        target_date=entry.target_date,
    )


@transaction.atomic
def replace_objectives(*, actor: Any, plan: Plan, objectives: Sequence[ObjectiveEntry]) -> list[Objective]:
    _require(actor, Action.MANAGE_PLANS, plan.unit)
    _require_draft(plan)
    before = [snapshot(objective) for objective in plan.objectives.all()]
    created = [_objective_from(plan, entry, order) for order, entry in enumerate(objectives, start=1)]
    plan.objectives.all().delete()
    Objective.objects.bulk_create(created)
    record(
        actor=actor,
        action="update",
        instance=plan,
        before={"objectives": before},
        after={"objectives": [entry.text for entry in objectives]},
        unit=plan.unit,
        note="Cập nhật mục tiêu",
    )
    return list(plan.objectives.all())


def area_for(plan: Plan, label: str, reform_area: int | None = None) -> Area | None:
    """The plan's area with this title (created if new); «III. TITLE» keeps its numeral."""
    numeral, title = split_area_label(label)
    if not title:
        return None
    area = plan.areas.filter(title__iexact=title).first()
    if area is None:
        order = plan.areas.count() + 1
        area = Area.objects.create(
            plan=plan, order=order, numeral=numeral or to_roman(order), title=title, reform_area=reform_area
        )
    return area


@transaction.atomic
def add_task(
    *,
    actor: Any,
    plan: Plan,
    title: str,
    area: Area | str | None = None,
    number: str = "",
    output: str = "",
    lead_text: str = "",
    coordinating_text: str = "",
    lead_units: Iterable[Unit] | None = None,
    coordinating_units: Iterable[Unit] | None = None,
    responsible: Any = None,
    deadline_text: str = "",
    criterion_code: str = "",
    weight: int = 1,
    assigned_from: Task | None = None,
) -> Task:
    """A task of a draft plan. Lead and coordinating units default to those the texts name."""
    _require(actor, Action.MANAGE_PLANS, plan.unit)
    _require_draft(plan)
    if isinstance(area, str):
        area = area_for(plan, area)
    task = Task(
        plan=plan,
        area=area,
        order=(plan.tasks.aggregate(last=Max("order"))["last"] or 0) + 1,
        title=title.strip(),
        number=number.strip(),
        output=output.strip(),
        lead_text=lead_text.strip(),
        coordinating_text=coordinating_text.strip(),
        deadline_text=deadline_text.strip(),
        criterion_code=criterion_code.strip(),
        weight=weight,
        assigned_from=assigned_from,
    )
    if responsible is not None:
        _check_responsible(plan, responsible)
        task.responsible = responsible
    if not task.number:
        task.number = str((area.tasks.count() if area else plan.tasks.count()) + 1)
    _validate_task(task)
    derive_due_dates(task)
    task.save()
    _set_units(task, lead_units, coordinating_units)
    record(actor=actor, action="create", instance=task, after=snapshot(task), unit=plan.unit)
    return task


def _validate_task(task: Task) -> None:
    if not task.title:
        raise ValidationError({"title": "Chưa nhập nội dung nhiệm vụ."})
    if not 1 <= int(task.weight) <= 100:
        raise ValidationError({"weight": "Trọng số phải từ 1 đến 100."})


def derive_due_dates(task: Task) -> None:
    """Due dates and recurrence from the deadline as written, in the plan's year."""
    interpretation = interpret_deadline(task.deadline_text, task.plan.year) if task.deadline_text else None
    dates = interpretation.due_dates if interpretation else []
    task.due_dates = [day.isoformat() for day in dates]
    task.recurrence = (interpretation.recurrence or "") if interpretation else ""
    task.due_date = dates[-1] if dates else None


def _set_units(task: Task, lead_units: Iterable[Unit] | None, coordinating_units: Iterable[Unit] | None) -> None:
    plan_unit = task.plan.unit
    leads = list(lead_units) if lead_units is not None else resolve_units(task.lead_text, plan_unit)
    coordinating = (
        list(coordinating_units) if coordinating_units is not None else resolve_units(task.coordinating_text, plan_unit)
    )
    for unit in [*leads, *coordinating]:
        if not unit.path.startswith(plan_unit.path):
            raise ValidationError(
                {"lead_units": f"{unit.name} không thuộc {plan_unit.name}; không giao nhiệm vụ được."}
            )
    lead_ids = {unit.pk for unit in leads}
    task.lead_units.set(leads)
    task.coordinating_units.set([unit for unit in coordinating if unit.pk not in lead_ids])


def _check_responsible(plan: Plan, user: Any) -> None:
    in_unit = Membership.objects.current().filter(user=user, unit__path__startswith=plan.unit.path).exists()
    if not in_unit:
        raise ValidationError({"responsible": f"{user} không phải là cán bộ, công chức của {plan.unit.name}."})


@transaction.atomic
def set_responsible(*, actor: Any, task: Task, user: Any) -> Task:
    """Name (or clear, with None) the official responsible for a task; allowed until the plan closes."""
    _require(actor, Action.MANAGE_PLANS, task.plan.unit)
    if task.plan.status == Plan.Status.CLOSED:
        raise ValidationError("Kế hoạch đã kết thúc.")
    if user is not None:
        _check_responsible(task.plan, user)
    before = snapshot(task)
    task.responsible = user
    task.save(update_fields=["responsible", "updated_at"])
    record(actor=actor, action="update", instance=task, before=before, after=snapshot(task), unit=task.plan.unit)
    if user is not None and task.plan.is_open:
        _notify_after_commit([(user.pk, task.plan.unit_id, task)], _responsible_title)
    return task


@transaction.atomic
def add_budget_line(
    *,
    actor: Any,
    plan: Plan,
    item: str,
    total: Decimal,
    own: Decimal | None = None,
    support: Decimal | None = None,
    number: str = "",
) -> BudgetLine:
    _require(actor, Action.MANAGE_PLANS, plan.unit)
    _require_draft(plan)
    line = _budget_line(plan, BudgetEntry(item, total, own, support, number), plan.budget_lines.count() + 1)
    line.save()
    record(actor=actor, action="create", instance=line, after=snapshot(line), unit=plan.unit)
    return line


def _budget_line(plan: Plan, entry: BudgetEntry, order: int) -> BudgetLine:
    if not entry.item.strip():
        raise ValidationError({"item": f"Dòng kinh phí {order}: chưa nhập nội dung."})
    for amount in (entry.total, entry.own, entry.support):
        if amount is not None and amount < 0:
            raise ValidationError({"total": f"Dòng kinh phí {order}: số tiền không được âm."})
    return BudgetLine(
        plan=plan,
        order=order,
        number=entry.number or str(order),
        item=entry.item.strip(),
        total=entry.total,
        own=entry.own,
        support=entry.support,
    )


@transaction.atomic
def replace_contents(
    *, actor: Any, plan: Plan, tasks: Sequence[TaskEntry], budget: Sequence[BudgetEntry] | None = None
) -> Plan:
    """Save the editable table of a draft: tasks (updated in place by id, added, removed) and budget."""
    _require(actor, Action.MANAGE_PLANS, plan.unit)
    _require_draft(plan)
    existing = {task.pk: task for task in plan.tasks.all()}
    kept: set[int] = set()
    responsible_users = _users_by_id({entry.responsible_id for entry in tasks if entry.responsible_id})
    for order, entry in enumerate(tasks, start=1):
        task = existing.get(entry.task_id) if entry.task_id else None
        before = snapshot(task) if task else None
        task = task or Task(plan=plan)
        task.order = order
        task.area = area_for(plan, entry.area)
        task.number = entry.number.strip()
        task.title = entry.title.strip()
        task.output = entry.output.strip()
        task.lead_text = entry.lead.strip()
        task.coordinating_text = entry.coordinating.strip()
        task.deadline_text = entry.deadline_text.strip()
        task.criterion_code = entry.criterion_code.strip()
        task.weight = entry.weight
        responsible = responsible_users.get(entry.responsible_id) if entry.responsible_id else None
        if responsible is not None:
            _check_responsible(plan, responsible)
        task.responsible = responsible
        try:
            _validate_task(task)
        except ValidationError as error:
            raise ValidationError(f"Dòng {order}: {'; '.join(error.messages)}") from error
        derive_due_dates(task)
        task.save()
        _set_units(task, None, None)
        kept.add(task.pk)
        action = "update" if before else "create"
        record(actor=actor, action=action, instance=task, before=before, after=snapshot(task), unit=plan.unit)
    for task_id, task in existing.items():
        if task_id not in kept:
            record(actor=actor, action="delete", instance=task, before=snapshot(task), unit=plan.unit)
            task.delete()
    plan.areas.filter(tasks__isnull=True).delete()
    if budget is not None:
        before_lines = [snapshot(line) for line in plan.budget_lines.all()]
        lines = [_budget_line(plan, entry, order) for order, entry in enumerate(budget, start=1)]
        plan.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(lines)
        record(
            actor=actor,
            action="update",
            instance=plan,
            before={"budget": before_lines},
            after={"budget": [snapshot(line) for line in lines]},
            unit=plan.unit,
            note="Cập nhật dự toán kinh phí",
        )
    return plan


def _users_by_id(ids: set[int]) -> dict[int, Any]:
    from cchc.accounts.models import User

    return {user.pk: user for user in User.objects.filter(pk__in=ids)}


@transaction.atomic
def save_imported_plan(
    *, actor: Any, unit: Unit, contents: DraftContents, kind: str = Plan.Kind.ANNUAL, title: str = ""
) -> Plan:
    """A draft plan of `unit` from an imported file (after the user fixed the preview)."""
    metadata = contents.metadata
    fields: dict[str, Any] = {}
    number = str(metadata.get("number") or "")
    code = str(metadata.get("code") or "")
    if "/" in code:
        fields["code_suffix"] = code.split("/", 1)[1] or "KH-UBND"
    if number:
        fields["number"] = number
    if metadata.get("place"):
        fields["place"] = metadata["place"]
    if isinstance(metadata.get("date"), dt.date):
        fields["document_date"] = metadata["date"]
    year = metadata.get("year") or _today().year
    plan = create_plan(
        actor=actor,
        unit=unit,
        title=title or str(metadata.get("title") or "") or "Kế hoạch nhập từ tệp",
        kind=kind,
        year=int(year),
        **fields,
    )
    replace_contents(actor=actor, plan=plan, tasks=contents.tasks, budget=contents.budget)
    record(
        actor=actor,
        action="import",
        instance=plan,
        after={"tasks": len(contents.tasks), "budget_lines": len(contents.budget)},
        unit=unit,
        note="Nhập kế hoạch từ tệp",
    )
    return plan


# Issuing and closing --------------------------------------------------------------------------------


@transaction.atomic
def issue_plan(
    *,
    actor: Any,
    plan: Plan,
    number: str | None = None,
    document_date: dt.date | None = None,
) -> Plan:
    """Issue a draft: the plan gets its number and date, each task is assigned to its lead units (the
    issuing unit itself when none is named) and coordinating units, and they are notified.

    `number` is the number of the document that issues the plan: the decision's when the plan is issued
    as the attachment of a decision (QĐ), else the plan's own."""
    _require_any(actor, [Action.MANAGE_PLANS, Action.SUBMIT], plan.unit)
    plan = Plan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
    _require_draft(plan)
    tasks = list(plan.tasks.prefetch_related("lead_units", "coordinating_units").select_related("responsible"))
    errors = []
    number_field = "decision_number" if plan.with_decision else "number"
    if number is not None:
        setattr(plan, number_field, number.strip())
    if not getattr(plan, number_field):
        errors.append("Cần nhập số quyết định ban hành kế hoạch." if plan.with_decision else "Cần nhập số văn bản.")
    if not tasks:
        errors.append("Kế hoạch chưa có nhiệm vụ nào.")
    if errors:
        raise ValidationError(errors)
    before = snapshot(plan)
    plan.document_date = document_date or plan.document_date or _today()
    if plan.with_decision:
        plan.decision_date = document_date or plan.decision_date or plan.document_date
    plan.status = Plan.Status.ISSUED
    plan.issued_at = timezone.now()
    plan.issued_by = _user(actor)
    plan.save()
    assignments = _assignments_for(plan, tasks)
    TaskAssignment.objects.bulk_create(assignments)
    record(
        actor=actor,
        action="state",
        instance=plan,
        before=before,
        after=snapshot(plan),
        unit=plan.unit,
        note=f"Ban hành; giao {len(assignments)} lượt nhiệm vụ",
    )
    _refresh_superior_assignments(tasks)
    _publish_objective_targets(actor, plan)
    _notify_assignments(plan, assignments, tasks)
    return plan


def _assignments_for(plan: Plan, tasks: Sequence[Task]) -> list[TaskAssignment]:
    assignments: list[TaskAssignment] = []
    for task in tasks:
        leads = list(task.lead_units.all()) or [plan.unit]
        lead_ids = {unit.pk for unit in leads}
        assignments += [TaskAssignment(task=task, unit=unit, role=TaskAssignment.Role.LEAD) for unit in leads]
        assignments += [
            TaskAssignment(task=task, unit=unit, role=TaskAssignment.Role.COORDINATING)
            for unit in task.coordinating_units.all()
            if unit.pk not in lead_ids
        ]
    return assignments


def _publish_objective_targets(actor: Any, plan: Plan) -> None:
    """Bound objectives become targets on their measures, so scorecards show them too."""
    if actor is SYSTEM:
        return
    try:
        from cchc.measures.services import set_target
    except ImportError:  # the measures app may not offer targets yet
        return
    for objective in plan.objectives.filter(measure__isnull=False).select_related("measure"):
        if objective.measure is None or not objective.is_bound or not can(actor, Action.MANAGE_PLANS, plan.unit):
            continue
        set_target(
            actor=actor,
            measure=objective.measure,
            unit=plan.unit,
            value=objective.target_value,  # type: ignore[arg-type]
            period_key=str(plan.year),
            comparator=objective.comparator,
            due_date=objective.target_date,
            source_label=f"{plan.code_display}: {objective.text}"[:255],
            source_object=objective,
        )


@transaction.atomic
def close_plan(*, actor: Any, plan: Plan) -> Plan:
    _require_any(actor, [Action.MANAGE_PLANS, Action.SUBMIT], plan.unit)
    if plan.status != Plan.Status.ISSUED:
        raise ValidationError("Chỉ kết thúc được kế hoạch đã ban hành.")
    before = snapshot(plan)
    plan.status = Plan.Status.CLOSED
    plan.closed_at = timezone.now()
    plan.save(update_fields=["status", "closed_at", "updated_at"])
    record(actor=actor, action="state", instance=plan, before=before, after=snapshot(plan), unit=plan.unit)
    return plan


# Cascade --------------------------------------------------------------------------------------------


@transaction.atomic
def create_implementing_plan(*, actor: Any, superior_plan: Plan, unit: Unit, title: str = "") -> Plan:
    """The lower unit's own draft plan, pre-filled with the tasks the superior plan has it lead."""
    _require(actor, Action.MANAGE_PLANS, unit)
    if superior_plan.status not in ISSUED_STATES:
        raise ValidationError("Kế hoạch cấp trên chưa ban hành.")
    assigned = list(
        TaskAssignment.objects.filter(task__plan=superior_plan, unit=unit, role=TaskAssignment.Role.LEAD)
        .select_related("task", "task__area")
        .order_by("task__order")
    )
    if not assigned:
        raise ValidationError(f"{superior_plan.code_display} không giao nhiệm vụ chủ trì nào cho {unit.name}.")
    if Plan.objects.filter(superior_plan=superior_plan, unit=unit).exists():
        raise ValidationError(f"{unit.name} đã có kế hoạch thực hiện {superior_plan.code_display}.")
    plan = create_plan(
        actor=actor,
        unit=unit,
        title=title or implementing_title(superior_plan, unit),
        kind=superior_plan.kind,
        year=superior_plan.year,
        superior_plan=superior_plan,
        **implementing_fields(superior_plan, unit),
    )
    copied = [
        Objective(
            plan=plan,
            order=objective.order,
            text=objective.text,
            measure_id=objective.measure_id,
            comparator=objective.comparator,
            target_value=objective.target_value,
            target_date=objective.target_date,
        )
        for objective in superior_plan.objectives.all()
    ]
    Objective.objects.bulk_create(copied)
    areas: dict[int | None, Area | None] = {}
    tasks: list[Task] = []
    for order, assignment in enumerate(assigned, start=1):
        source = assignment.task
        if source.area_id not in areas:
            areas[source.area_id] = area_for(plan, source.area.title) if source.area else None
        area = areas[source.area_id]
        tasks.append(
            Task(
                plan=plan,
                area=area,
                order=order,
                number=str(sum(1 for task in tasks if task.area == area) + 1),
                title=source.title,
                output=source.output,
                deadline_text=source.deadline_text,
                due_dates=list(source.due_dates),
                recurrence=source.recurrence,
                due_date=source.due_date,
                criterion_code=source.criterion_code,
                weight=source.weight,
                assigned_from=source,
            )
        )
    Task.objects.bulk_create(tasks)
    record(
        actor=actor,
        action="create",
        instance=plan,
        after={"from": superior_plan.pk, "tasks": len(tasks)},
        unit=unit,
        note=f"Lập kế hoạch thực hiện {superior_plan.code_display}",
    )
    return plan


def implementing_title(superior_plan: Plan, unit: Unit) -> str:
    if superior_plan.kind == Plan.Kind.ANNUAL:
        return f"Cải cách hành chính năm {superior_plan.year} của {committee_name(unit)}"
    return f"Thực hiện {superior_plan.code_display} về {lower_first(superior_plan.title)}"


def implementing_fields(superior_plan: Plan, unit: Unit) -> dict[str, Any]:
    issued = f" ngày {vn_date(superior_plan.document_date)}" if superior_plan.document_date else ""
    basis = (
        f"Thực hiện {superior_plan.code_display}{issued} của {committee_name(superior_plan.unit)} "
        f"về {lower_first(superior_plan.title)};"
    )
    return {
        "legal_bases": basis,
        "theme": superior_plan.theme,
        "purpose": superior_plan.purpose,
        "recipients": [committee_name(superior_plan.unit), "Các bộ phận chuyên môn", "Trang thông tin điện tử"],
        "signer_position": "Chủ tịch",
    }


def committee_name(unit: Unit) -> str:
    """«UBND xã Hoàng Việt» for an administrative unit, the unit's name otherwise."""
    if unit.kind.is_administrative:
        return f"UBND {lower_first(unit.name)}"
    return unit.name


def lower_first(text: str) -> str:
    """Lower the first letter unless the first word is an acronym («CCHC», «UBND»)."""
    first_word = text.split(" ", 1)[0]
    if len(first_word) > 1 and first_word.isupper():
        return text
    return text[:1].lower() + text[1:]


# Progress -------------------------------------------------------------------------------------------


def units_for(actor: Any, task: Task, role: str) -> list[Unit]:
    """The task's assigned units (in `role`) on which the actor may enter data."""
    assignments = TaskAssignment.objects.filter(task=task, role=role).select_related("unit")
    return [
        assignment.unit for assignment in assignments if actor is SYSTEM or can(actor, Action.EDIT, assignment.unit)
    ]


def _assignment(actor: Any, task: Task, role: str, unit: Unit | None) -> TaskAssignment:
    # The plan's status is read afresh: the caller's copy may predate the plan's issue.
    if Plan.objects.filter(pk=task.plan_id).values_list("status", flat=True).first() != Plan.Status.ISSUED:
        raise ValidationError("Chỉ cập nhật được nhiệm vụ của kế hoạch đang thực hiện (đã ban hành).")
    allowed = units_for(actor, task, role)
    if unit is not None:
        allowed = [candidate for candidate in allowed if candidate.pk == unit.pk]
    if not allowed:
        raise PermissionDenied(
            "Bạn không thuộc đơn vị chủ trì nhiệm vụ này."
            if role == TaskAssignment.Role.LEAD
            else "Bạn không thuộc đơn vị phối hợp thực hiện nhiệm vụ này."
        )
    if len(allowed) > 1:
        raise ValidationError("Hãy chọn đơn vị báo cáo.")
    return TaskAssignment.objects.select_for_update().get(task=task, unit=allowed[0], role=role)


def _check_report_date(reported_on: dt.date, today: dt.date) -> None:
    if reported_on > today:
        raise ValidationError({"reported_on": "Ngày báo cáo không được sau hôm nay."})


@transaction.atomic
def record_progress(
    *,
    actor: Any,
    task: Task,
    percent: Decimal,
    note: str = "",
    reported_on: dt.date | None = None,
    evidence: File | None = None,
    unit: Unit | None = None,
    today: dt.date | None = None,
) -> ProgressUpdate:
    """A lead unit reports its progress on a task (EDIT on that unit); 100% completes its part."""
    assignment = _assignment(actor, task, TaskAssignment.Role.LEAD, unit)
    today = _today(today)
    reported_on = reported_on or today
    _check_report_date(reported_on, today)
    percent = Decimal(percent)
    if not Decimal(0) <= percent <= HUNDRED:
        raise ValidationError({"percent": "Tiến độ phải từ 0 đến 100%."})
    update = _new_update(actor, task, assignment.unit, ProgressUpdate.Kind.PROGRESS, reported_on, note, evidence)
    update.percent = percent
    update.save()
    record(actor=actor, action="create", instance=update, after=snapshot(update), unit=assignment.unit)
    _set_assignment_progress(assignment, percent, reported_on)
    return update


@transaction.atomic
def add_contribution(
    *,
    actor: Any,
    task: Task,
    note: str,
    reported_on: dt.date | None = None,
    evidence: File | None = None,
    unit: Unit | None = None,
    today: dt.date | None = None,
) -> ProgressUpdate:
    """A coordinating unit records what it did; it does not change the lead's progress."""
    assignment = _assignment(actor, task, TaskAssignment.Role.COORDINATING, unit)
    today = _today(today)
    reported_on = reported_on or today
    _check_report_date(reported_on, today)
    if not note.strip():
        raise ValidationError({"note": "Hãy ghi nội dung đã phối hợp thực hiện."})
    update = _new_update(actor, task, assignment.unit, ProgressUpdate.Kind.CONTRIBUTION, reported_on, note, evidence)
    update.save()
    record(actor=actor, action="create", instance=update, after=snapshot(update), unit=assignment.unit)
    return update


def _new_update(
    actor: Any,
    task: Task,
    unit: Unit,
    kind: str,
    reported_on: dt.date,
    note: str,
    evidence: File | None,
) -> ProgressUpdate:
    update = ProgressUpdate(
        task=task, unit=unit, kind=kind, reported_on=reported_on, note=note.strip(), created_by=_user(actor)
    )
    if evidence is not None:
        check_evidence(evidence)
        update.evidence_name = (evidence.name or "").rsplit("/", 1)[-1][:255]
        update.evidence.save(update.evidence_name, evidence, save=False)
    return update


def _set_assignment_progress(assignment: TaskAssignment, percent: Decimal, day: dt.date | None) -> None:
    assignment.progress = percent
    assignment.completed_on = day if percent >= HUNDRED else None
    if day is not None:
        assignment.last_reported_on = day
    assignment.save(update_fields=["progress", "completed_on", "last_reported_on"])
    refresh_task(assignment.task)


def refresh_task(task: Task) -> None:
    """Recompute a task's progress from its lead units, then the superior assignment it implements."""
    leads = list(TaskAssignment.objects.filter(task=task, role=TaskAssignment.Role.LEAD))
    if leads:
        task.progress = weighted_progress([(1, lead.progress) for lead in leads])
        done = all(lead.completed_on for lead in leads)
        task.completed_on = max(lead.completed_on for lead in leads if lead.completed_on) if done else None
        if task.status != Task.Status.CANCELLED:
            task.status = _status_for(task.progress, done)
        task.save(update_fields=["progress", "completed_on", "status", "updated_at"])
    _refresh_superior_assignments([task])


def _status_for(progress: Decimal, done: bool) -> str:
    if done:
        return Task.Status.COMPLETED
    return Task.Status.IN_PROGRESS if progress > 0 else Task.Status.NOT_STARTED


def _refresh_superior_assignments(tasks: Iterable[Task]) -> None:
    """A unit's part of a superior task is the weighted progress of its implementing tasks."""
    targets = {(task.assigned_from_id, task.plan.unit_id) for task in tasks if task.assigned_from_id}
    for superior_id, unit_id in targets:
        implementing = list(
            Task.objects.filter(assigned_from_id=superior_id, plan__unit_id=unit_id, plan__status__in=ISSUED_STATES)
        )
        assignment = (
            TaskAssignment.objects.filter(task_id=superior_id, unit_id=unit_id, role=TaskAssignment.Role.LEAD)
            .select_related("task")
            .first()
        )
        if assignment is None or not implementing:
            continue
        done = all(task.completed_on for task in implementing)
        completed = max(task.completed_on for task in implementing if task.completed_on) if done else None
        last = max((task.updated_at.date() for task in implementing), default=None)
        progress = weighted_progress([(task.weight, task.progress) for task in implementing])
        assignment.progress = progress
        assignment.completed_on = completed
        assignment.last_reported_on = last
        assignment.save(update_fields=["progress", "completed_on", "last_reported_on"])
        refresh_task(assignment.task)


# Notifications --------------------------------------------------------------------------------------


def focal_officers(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each unit's reform focal officers; its leaders where it has none."""
    found: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for unit_id, user_id, role in (
        Membership.objects.current()
        .filter(unit_id__in=set(unit_ids), role__in=[Role.FOCAL, Role.LEADER])
        .values_list("unit_id", "user_id", "role")
    ):
        found[unit_id][role].append(user_id)
    return {unit_id: roles.get(Role.FOCAL) or roles.get(Role.LEADER, []) for unit_id, roles in found.items()}


def _notify_assignments(plan: Plan, assignments: Sequence[TaskAssignment], tasks: Sequence[Task]) -> None:
    from cchc.notifications.models import Notification
    from cchc.notifications.services import Reminder, notify

    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for assignment in assignments:
        if assignment.unit_id != plan.unit_id:
            counts[assignment.unit_id][assignment.role] += 1
    officers = focal_officers(counts)
    inbox = reverse("plans:inbox")
    reminders = []
    for unit_id, roles in counts.items():
        lead, coordinating = roles.get(TaskAssignment.Role.LEAD, 0), roles.get(TaskAssignment.Role.COORDINATING, 0)
        title = (
            f"{committee_name(plan.unit)} giao {lead} nhiệm vụ chủ trì, {coordinating} nhiệm vụ phối hợp "
            f"theo {plan.code_display}"
        )
        reminders += [
            Reminder(
                user_id,
                f"plans:assigned:{plan.pk}:{unit_id}",
                title,
                inbox,
                Notification.Category.ASSIGNMENT,
                unit_id=unit_id,
            )
            for user_id in officers.get(unit_id, [])
        ]
    reminders += [
        Reminder(
            task.responsible_id,
            f"plans:responsible:{task.pk}:{task.responsible_id}",
            _responsible_title(task),
            reverse("plans:task", args=[task.pk]),
            Notification.Category.ASSIGNMENT,
            task.due_date,
            plan.unit_id,
        )
        for task in tasks
        if task.responsible_id
    ]
    transaction.on_commit(lambda: [notify(reminder) for reminder in reminders])


def _responsible_title(task: Task) -> str:
    return f"Bạn được giao phụ trách nhiệm vụ «{task.title[:150]}» ({task.plan.code_display})"


def _notify_after_commit(items: Sequence[tuple[int, int, Task]], title: Any) -> None:
    from cchc.notifications.models import Notification
    from cchc.notifications.services import Reminder, notify

    reminders = [
        Reminder(
            user_id,
            f"plans:responsible:{task.pk}:{user_id}",
            title(task),
            reverse("plans:task", args=[task.pk]),
            Notification.Category.ASSIGNMENT,
            task.due_date,
            unit_id,
        )
        for user_id, unit_id, task in items
    ]
    transaction.on_commit(lambda: [notify(reminder) for reminder in reminders])


# Reports and settings -------------------------------------------------------------------------------


@transaction.atomic
def record_report(
    *,
    actor: Any,
    unit: Unit,
    period_key: str,
    period_kind: str,
    plan: Plan | None = None,
    number: str = "",
    sent_on: dt.date | None = None,
    document: File | None = None,
    note: str = "",
) -> Report:
    """Record that `unit` sent its report for a period upward (a leader signs, the focal officer records)."""
    _require_any(actor, [Action.MANAGE_PLANS, Action.SUBMIT], unit)
    sent_on = sent_on or _today()
    if sent_on > _today():
        raise ValidationError({"sent_on": "Ngày gửi không được sau hôm nay."})
    report = Report.objects.select_for_update().filter(unit=unit, period_key=period_key).first()
    before = snapshot(report) if report else None
    report = report or Report(unit=unit, period_key=period_key)
    report.period_kind = period_kind
    report.plan = plan
    report.number = number.strip()
    report.note = note.strip()
    report.status = Report.Status.SENT
    report.sent_on = sent_on
    report.sent_by = _user(actor)
    if document is not None:
        check_evidence(document)
        report.document_name = (document.name or "").rsplit("/", 1)[-1][:255]
        report.document.save(report.document_name, document, save=False)
    report.save()
    record(
        actor=actor,
        action="update" if before else "create",
        instance=report,
        before=before,
        after=snapshot(report),
        unit=unit,
    )
    return report


def can_edit_reminder_settings(user: Any) -> bool:
    if is_system_administrator(user):
        return True
    return any(can(user, Action.ADMINISTER, unit) for unit in Unit.objects.filter(parent__isnull=True))


@transaction.atomic
def update_reminder_settings(*, actor: Any, days_before: Sequence[int], remind_overdue: bool) -> ReminderSettings:
    if actor is not SYSTEM and not can_edit_reminder_settings(actor):
        raise PermissionDenied("Chỉ quản trị hệ thống được sửa cấu hình nhắc việc.")
    days = sorted({int(day) for day in days_before}, reverse=True)
    if not days or any(not 1 <= day <= 60 for day in days) or len(days) > 6:
        raise ValidationError({"days_before": "Nhập từ 1 đến 6 mốc, mỗi mốc từ 1 đến 60 ngày làm việc."})
    settings_row = ReminderSettings.objects.select_for_update().order_by("pk").first()
    before = snapshot(settings_row) if settings_row else None
    settings_row = settings_row or ReminderSettings()
    settings_row.days_before = days
    settings_row.remind_overdue = remind_overdue
    settings_row.updated_by = _user(actor)
    settings_row.save()
    record(
        actor=actor,
        action="update" if before else "create",
        instance=settings_row,
        before=before,
        after=snapshot(settings_row),
    )
    return settings_row
