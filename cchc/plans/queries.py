"""Read-only questions the screens, the home cards and the reports ask about a unit's tasks."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef

from cchc.organisation.models import Unit
from cchc.plans.models import Plan, Task, TaskAssignment, TaskAssignmentQuerySet

ISSUED_STATES = (Plan.Status.ISSUED, Plan.Status.CLOSED)


def not_mirrored(queryset: TaskAssignmentQuerySet) -> TaskAssignmentQuerySet:
    """Leave out superior tasks the unit carries out through its own implementing plan's tasks."""
    mirrored = Task.objects.filter(
        assigned_from=OuterRef("task_id"), plan__unit=OuterRef("unit_id"), plan__status__in=ISSUED_STATES
    )
    return queryset.exclude(Exists(mirrored))


def unit_work(unit: Unit) -> TaskAssignmentQuerySet:
    """What the unit leads in issued plans, each piece of work once."""
    return not_mirrored(TaskAssignment.objects.lead().filter(unit=unit, task__plan__status__in=ISSUED_STATES))


def week_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=6)


def due_this_week(unit: Unit, today: dt.date) -> list[tuple[TaskAssignment, dt.date]]:
    """Open work with a due date (any of its periodic dates) from today to Sunday, soonest first."""
    _monday, sunday = week_bounds(today)
    found = []
    candidates = unit_work(unit).open().filter(task__due_date__gte=today).select_related("task", "task__plan")
    for assignment in candidates:
        due = next((day for day in assignment.task.due_date_list() if today <= day <= sunday), None)
        if due is not None:
            found.append((assignment, due))
    return sorted(found, key=lambda pair: (pair[1], pair[0].task.order))


def overdue_work(unit: Unit, today: dt.date) -> TaskAssignmentQuerySet:
    return unit_work(unit).overdue(today).select_related("task", "task__plan").order_by("task__due_date")


def current_annual_plan(unit: Unit, year: int) -> Plan | None:
    return (
        Plan.objects.filter(unit=unit, year=year, kind=Plan.Kind.ANNUAL)
        .exclude(status=Plan.Status.DRAFT)
        .order_by("-document_date", "-pk")
        .first()
    )
