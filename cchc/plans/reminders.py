"""Task reminders: a few working days before each due date (7, 3 and 1 by default, see
`ReminderSettings`) and once when a task is overdue.

Working days follow the dossier calendar (public holidays, announced swaps) when the dossiers app
offers one, else Monday–Friday. A reminder goes to the task's responsible official, else to the
focal officers of each lead unit whose part is not done. Each stage has its own key, so a person gets
it once even when the daily run is late or repeated; the notifications app mails one digest a day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.db.models import Exists, OuterRef
from django.urls import reverse

from cchc.core.formatting import date as vn_date
from cchc.notifications.models import Notification
from cchc.notifications.services import Reminder
from cchc.plans.models import Plan, ReminderSettings, Task, TaskAssignment
from cchc.plans.services import focal_officers

WorkingDaysBetween = Callable[[dt.date, dt.date], int]


@lru_cache(maxsize=8)
def _calendar_counter(first_year: int, last_year: int) -> WorkingDaysBetween:
    try:
        from cchc.dossiers.calendar import vietnam_calendar
    except ImportError:
        return weekdays_between
    calendar = vietnam_calendar(range(first_year, last_year + 1))
    return calendar.working_days_between


def weekdays_between(start: dt.date, end: dt.date) -> int:
    """Monday–Friday days after `start` up to and including `end`."""
    if end <= start:
        return 0
    full_weeks, extra = divmod((end - start).days, 7)
    count = full_weeks * 5
    for offset in range(1, extra + 1):
        count += (start + dt.timedelta(days=full_weeks * 7 + offset)).weekday() < 5
    return count


def working_days_between(start: dt.date, end: dt.date) -> int:
    counter = _calendar_counter(min(start.year, end.year) - 1, max(start.year, end.year) + 1)
    return counter(start, end)


def stage_for(today: dt.date, due: dt.date, days: list[int]) -> int | None:
    """The smallest configured mark (in working days) the due date is within, or None."""
    if due < today:
        return None
    remaining = working_days_between(today, due)
    reached = [day for day in days if remaining <= day]
    return min(reached) if reached else None


def collect(today: dt.date) -> Iterable[Reminder]:
    settings_row = ReminderSettings.current()
    days = settings_row.days()
    horizon = max(days, default=0)
    # Calendar days covering the largest mark in working days, with room for Tết.
    last_day = today + dt.timedelta(days=horizon * 2 + 14)
    yield from _upcoming(today, days, last_day)
    if settings_row.remind_overdue:
        yield from _overdue(today)


def _open_assignments(**task_filters: dt.date) -> list[TaskAssignment]:
    mirrored = Task.objects.filter(
        assigned_from=OuterRef("task_id"), plan__unit=OuterRef("unit_id"), plan__status=Plan.Status.ISSUED
    )
    return list(
        TaskAssignment.objects.lead()
        .open()
        .filter(**task_filters)
        .exclude(Exists(mirrored))
        .select_related("task", "task__plan", "unit")
        .order_by("task_id", "unit_id")
    )


def _recipients(assignments: list[TaskAssignment]) -> dict[int, list[int]]:
    """Per assignment id: the task's responsible official (for the issuing unit's own part), else the
    assigned unit's focal officers."""
    officers = focal_officers({assignment.unit_id for assignment in assignments})
    result = {}
    for assignment in assignments:
        task = assignment.task
        if task.responsible_id and assignment.unit_id == task.plan.unit_id:
            result[assignment.pk] = [task.responsible_id]
        else:
            result[assignment.pk] = officers.get(assignment.unit_id, [])
    return result


def _upcoming(today: dt.date, days: list[int], last_day: dt.date) -> Iterable[Reminder]:
    if not days:
        return
    candidates = [
        assignment
        for assignment in _open_assignments(task__due_date__gte=today)
        if any(today <= due <= last_day for due in assignment.task.due_date_list())
    ]
    recipients = _recipients(candidates)
    for assignment in candidates:
        task = assignment.task
        due = next((day for day in task.due_date_list() if day >= today), None)
        if due is None:
            continue
        stage = stage_for(today, due, days)
        if stage is None:
            continue
        url = reverse("plans:task", args=[task.pk])
        when = "hôm nay" if due == today else f"ngày {vn_date(due)}"
        title = f"Nhiệm vụ «{_short(task.title)}» ({assignment.unit.name}) đến hạn {when}"
        for user_id in recipients[assignment.pk]:
            yield Reminder(
                user_id=user_id,
                key=f"plans:due{stage}:{assignment.pk}:{due.isoformat()}",
                title=title,
                url=url,
                category=Notification.Category.DEADLINE,
                due_date=due,
                unit_id=assignment.unit_id,
            )


def _overdue(today: dt.date) -> Iterable[Reminder]:
    overdue = [assignment for assignment in _open_assignments(task__due_date__lt=today) if assignment.is_overdue(today)]
    recipients = _recipients(overdue)
    for assignment in overdue:
        task = assignment.task
        due = task.due_date
        assert due is not None
        for user_id in recipients[assignment.pk]:
            yield Reminder(
                user_id=user_id,
                key=f"plans:overdue:{assignment.pk}:{due.isoformat()}",
                title=f"Nhiệm vụ «{_short(task.title)}» ({assignment.unit.name}) đã quá hạn {vn_date(due)}",
                url=reverse("plans:task", args=[task.pk]),
                category=Notification.Category.OVERDUE,
                due_date=due,
                unit_id=assignment.unit_id,
            )


def _short(text: str, length: int = 120) -> str:
    single = " ".join(text.split())
    return single if len(single) <= length else single[: length - 1] + "…"
