"""Task measures computed from plans: completion, on-time completion and overdue tasks.

A unit's work items are the tasks it leads in issued plans (its own plans' tasks, assigned to itself,
and tasks a superior plan has it lead). A superior task the unit carries out through its own
implementing plan counts once, as the implementing tasks. Items count in a period when their (last)
due date falls in it; rates are weighted by task weight and computed from summed numerators and
denominators, so a province's rate is that of all tasks below it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef

from cchc.measures.readings import rate
from cchc.measures.registry import MeasureDefinition, Reading, register
from cchc.plans.models import Plan, Task, TaskAssignment

if TYPE_CHECKING:
    from cchc.measures.periods import Period
    from cchc.organisation.models import Unit

COMPLETION = "plan.task_completion_rate"
ON_TIME = "plan.task_on_time_rate"
OVERDUE = "plan.task_overdue_count"
ISSUED_STATES = (Plan.Status.ISSUED, Plan.Status.CLOSED)

DEFINITIONS = [
    MeasureDefinition(
        code=COMPLETION,
        name="Tỷ lệ nhiệm vụ kế hoạch CCHC hoàn thành",
        kind="percentage",
        aggregation="weighted_rate",
        source="tasks",
        definition="Số nhiệm vụ đã hoàn thành trên số nhiệm vụ được giao chủ trì có hạn trong kỳ (theo trọng số).",
        numerator_label="Nhiệm vụ đã hoàn thành",
        denominator_label="Nhiệm vụ có hạn trong kỳ",
        reform_area=1,
        periodicity="quarter",
        order=10,
    ),
    MeasureDefinition(
        code=ON_TIME,
        name="Tỷ lệ nhiệm vụ kế hoạch CCHC hoàn thành đúng hạn",
        kind="percentage",
        aggregation="weighted_rate",
        source="tasks",
        definition="Số nhiệm vụ hoàn thành không muộn hơn hạn trên số nhiệm vụ có hạn trong kỳ (theo trọng số).",
        numerator_label="Nhiệm vụ hoàn thành đúng hạn",
        denominator_label="Nhiệm vụ có hạn trong kỳ",
        reform_area=1,
        periodicity="quarter",
        order=11,
    ),
    MeasureDefinition(
        code=OVERDUE,
        name="Số nhiệm vụ kế hoạch CCHC quá hạn",
        kind="count",
        aggregation="sum",
        source="tasks",
        definition="Số nhiệm vụ có hạn trong kỳ, đã qua hạn mà chưa hoàn thành (tính đến ngày xem).",
        higher_is_better=False,
        reform_area=1,
        periodicity="quarter",
        order=12,
    ),
]


def work_items(period_start: dt.date, period_end: dt.date) -> list[tuple[str, dt.date, dt.date | None, int]]:
    """(unit path, due date, completed on, weight) of every lead assignment due in the period."""
    mirrored = Task.objects.filter(
        assigned_from=OuterRef("task_id"), plan__unit=OuterRef("unit_id"), plan__status__in=ISSUED_STATES
    )
    rows = (
        TaskAssignment.objects.filter(
            role=TaskAssignment.Role.LEAD,
            task__plan__status__in=ISSUED_STATES,
            task__due_date__gte=period_start,
            task__due_date__lte=period_end,
        )
        .exclude(task__status=Task.Status.CANCELLED)
        .exclude(Exists(mirrored))
        .values_list("unit__path", "task__due_date", "completed_on", "task__weight")
    )
    return list(rows)


def provider(code: str, units: Sequence[Unit], period: Period, as_of: dt.date) -> dict[int, Reading]:
    items = work_items(period.start, period.end)
    result: dict[int, Reading] = {}
    for unit in units:
        inside = [item for item in items if item[0].startswith(unit.path)]
        result[unit.pk] = _reading(code, inside, as_of)
    return result


def _reading(code: str, items: list[tuple[str, dt.date, dt.date | None, int]], as_of: dt.date) -> Reading:
    denominator = Decimal(sum(weight for _path, _due, _done, weight in items))
    completed = [(due, done, weight) for _path, due, done, weight in items if done is not None and done <= as_of]
    if code == OVERDUE:
        overdue = sum(1 for _path, due, done, _weight in items if due < as_of and (done is None or done > as_of))
        return Reading(Decimal(overdue))
    if code == ON_TIME:
        numerator = Decimal(sum(weight for due, done, weight in completed if done <= due))
    else:
        numerator = Decimal(sum(weight for _due, _done, weight in completed))
    if not denominator:
        return Reading(None, numerator, denominator)
    return Reading(rate(numerator, denominator), numerator, denominator)


register(DEFINITIONS, provider)
