"""The current value and status of objectives bound to a measure, read through cchc.measures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from cchc.core.formatting import number, percent
from cchc.plans.models import Objective, Plan

COMPARATOR_SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}


@dataclass(frozen=True)
class ObjectiveStatus:
    objective: Objective
    value: Decimal | None
    value_text: str
    target_text: str
    label: str
    badge: str
    explanation: str


def _shown(objective: Objective, value: Decimal | None) -> str:
    if value is None:
        return "—"
    measure = objective.measure
    if measure is not None and measure.kind == "percentage":
        return percent(value)
    return number(value, 0 if value == value.to_integral_value() else 2)


def target_text(objective: Objective) -> str:
    if not objective.is_bound:
        return ""
    sign = COMPARATOR_SIGNS.get(objective.comparator, objective.comparator)
    by = f" (đến {objective.target_date:%d/%m/%Y})" if objective.target_date else ""
    return f"{sign} {_shown(objective, objective.target_value)}{by}"


def objective_statuses(plan: Plan, today: dt.date) -> list[ObjectiveStatus]:
    """Every objective of the plan; bound ones with the measure's value for the plan's year so far."""
    result = []
    for objective in plan.objectives.select_related("measure"):
        if not objective.is_bound:
            result.append(ObjectiveStatus(objective, None, "", "", "", "", ""))
            continue
        result.append(_bound_status(plan, objective, today))
    return result


def _bound_status(plan: Plan, objective: Objective, today: dt.date) -> ObjectiveStatus:
    from cchc.measures.models import Target
    from cchc.measures.periods import custom, year
    from cchc.measures.readings import read

    period = year(plan.year)
    if period.end > today >= period.start:
        period = custom(period.start, today)
    reading = read(objective.measure, plan.unit, period, today)  # type: ignore[arg-type]
    target = Target(
        measure=objective.measure,
        unit=plan.unit,
        comparator=objective.comparator,
        value=objective.target_value or Decimal(0),
        period_key=str(plan.year),
        due_date=objective.target_date,
    )
    try:
        from cchc.measures.targets import status_for
    except ImportError:
        label, badge, explanation = _plain_status(objective, reading.value)
    else:
        status = status_for(target, reading, today)
        label, badge, explanation = status.label, status.badge, status.explanation
    return ObjectiveStatus(
        objective=objective,
        value=reading.value,
        value_text=_shown(objective, reading.value),
        target_text=target_text(objective),
        label=label,
        badge=badge,
        explanation=explanation,
    )


def _plain_status(objective: Objective, value: Decimal | None) -> tuple[str, str, str]:
    """Met or not, when the measures app offers no target statuses."""
    if value is None:
        return "Chưa có số liệu", "", "Chưa có số liệu để so với chỉ tiêu."
    goal = objective.target_value or Decimal(0)
    met = {
        ">=": value >= goal,
        ">": value > goal,
        "<=": value <= goal,
        "<": value < goal,
        "=": value == goal,
    }.get(objective.comparator, False)
    return ("Đạt", "badge-good", "") if met else ("Chưa đạt", "badge-warn", "")
