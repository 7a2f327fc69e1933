"""What the superior sees of a plan: per lower unit, whether its implementing plan was issued on time
and how far each assigned task has got, rolled up as a weighted average of the tasks."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from cchc.organisation.models import Unit, UnitKind
from cchc.plans.models import Plan, Task, TaskAssignment, weighted_progress

ROLLUP_FIELDS = (
    "role", "progress", "completed_on", "last_reported_on", "unit__name", "unit__path", "unit__code", "unit__kind_id",
    "task__title", "task__due_date", "task__status", "task__weight", "task__order", "task__plan_id",
)  # fmt: skip


@dataclass
class AssignmentRow:
    assignment: TaskAssignment
    overdue: bool


@dataclass
class UnitRollup:
    unit: Unit
    implementing_plan: Plan | None
    issue_state: str  # "on_time", "late", "not_issued", "pending", "draft", "not_required"
    issue_label: str
    assigned: int = 0
    completed: int = 0
    overdue: int = 0
    progress: Decimal = Decimal(0)
    rows: list[AssignmentRow] = field(default_factory=list)

    @property
    def badge(self) -> str:
        return {"on_time": "badge-good", "late": "badge-warn", "not_issued": "badge-bad"}.get(self.issue_state, "")


def plan_progress(plan: Plan) -> Decimal:
    """The weighted average progress of the plan's tasks (cancelled ones left out)."""
    pairs = [
        (weight, progress)
        for weight, progress in plan.tasks.exclude(status=Task.Status.CANCELLED).values_list("weight", "progress")
    ]
    return weighted_progress(pairs)


def issue_state(plan: Plan, implementing: Plan | None, today: dt.date) -> tuple[str, str]:
    """Whether a lower unit issued its implementing plan by the superior plan's deadline."""
    deadline = plan.issue_by
    issued_on = implementing.issued_on() if implementing and not implementing.is_draft else None
    if issued_on is not None:
        if deadline is None or issued_on <= deadline:
            return "on_time", "Ban hành đúng hạn"
        return "late", f"Ban hành chậm {(issued_on - deadline).days} ngày"
    if deadline is not None and today > deadline:
        return "not_issued", "Quá hạn, chưa ban hành" if implementing is None else "Quá hạn, còn dự thảo"
    if implementing is not None:
        return "draft", "Đang dự thảo"
    return ("pending", "Chưa ban hành") if deadline else ("not_required", "Không yêu cầu")


def rollup(plan: Plan, today: dt.date) -> list[UnitRollup]:
    """One row per unit the plan assigns tasks to (other than the issuing unit), in tree order."""
    assignments = list(
        TaskAssignment.objects.filter(task__plan=plan)
        .exclude(unit=plan.unit)
        .select_related("unit", "task")
        .only(*ROLLUP_FIELDS)
        .order_by("unit__path", "task__order")
    )
    administrative = set(UnitKind.objects.filter(is_administrative=True).values_list("pk", flat=True))
    implementing = {
        candidate.unit_id: candidate
        for candidate in Plan.objects.filter(superior_plan=plan).order_by("pk").select_related("unit")
    }
    by_unit: dict[int, list[TaskAssignment]] = defaultdict(list)
    units: dict[int, Unit] = {}
    for assignment in assignments:
        by_unit[assignment.unit_id].append(assignment)
        units[assignment.unit_id] = assignment.unit
    result = []
    for unit_id, unit_assignments in by_unit.items():
        own_plan = implementing.get(unit_id)
        if own_plan is None and units[unit_id].kind_id not in administrative:
            state, label = "not_required", "Không yêu cầu"  # departments carry out tasks without a plan of their own
        else:
            state, label = issue_state(plan, own_plan, today)
        leads = [item for item in unit_assignments if item.role == TaskAssignment.Role.LEAD]
        rows = [AssignmentRow(item, item.is_overdue(today)) for item in unit_assignments]
        result.append(
            UnitRollup(
                unit=units[unit_id],
                implementing_plan=own_plan,
                issue_state=state,
                issue_label=label,
                assigned=len(leads),
                completed=sum(1 for item in leads if item.completed_on),
                overdue=sum(1 for item in leads if item.is_overdue(today)),
                progress=weighted_progress([(item.task.weight, item.progress) for item in leads]),
                rows=rows,
            )
        )
    return result


@dataclass
class RollupSummary:
    units: int
    issued_on_time: int
    issued_late: int
    not_issued: int
    progress: Decimal


def summarise(rows: list[UnitRollup]) -> RollupSummary:
    """Counts of implementing plans over the units expected to issue one; progress over all units."""
    return RollupSummary(
        units=sum(1 for row in rows if row.issue_state != "not_required"),
        issued_on_time=sum(1 for row in rows if row.issue_state == "on_time"),
        issued_late=sum(1 for row in rows if row.issue_state == "late"),
        not_issued=sum(1 for row in rows if row.issue_state in ("not_issued", "pending", "draft")),
        progress=weighted_progress([(1, row.progress) for row in rows if row.assigned]),
    )
