"""Data for the measure page's charts (read by static/measures/measures.js through json_script)
and the ranked table that accompanies the bar chart for readers who cannot see it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cchc.measures.models import Measure
from cchc.measures.periods import Period
from cchc.measures.readings import read_many
from cchc.measures.tables import json_number
from cchc.measures.targets import TargetStatus, show, status_for, target_for, target_per_unit
from cchc.organisation.models import Unit


def trend(measure: Measure, units: Sequence[Unit], periods: Sequence[Period], today: dt.date) -> dict[str, Any]:
    readings = [read_many(measure, units, period, today) for period in periods]
    last = periods[-1]
    target = target_for(measure, units[0], last) if units else None
    return {
        "labels": [period.label for period in periods],
        "datasets": [
            {"label": unit.name, "data": [json_number(by_unit[unit.pk].value) for by_unit in readings]}
            for unit in units
        ],
        "target": json_number(target.value) if target else None,
        "percentage": measure.kind == Measure.Kind.PERCENTAGE,
        "yLabel": measure.get_kind_display(),
    }


def trend_rows(measure: Measure, data: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The trend chart as table rows (period, one shown value per unit), for screen readers and print."""
    columns = [dataset["data"] for dataset in data["datasets"]]
    return [
        (
            label,
            [show(measure, Decimal(str(column[index]))) if column[index] is not None else "—" for column in columns],
        )
        for index, label in enumerate(data["labels"])
    ]


@dataclass(frozen=True)
class RankedUnit:
    rank: int | None
    unit: Unit
    value: Decimal | None
    shown: str
    status: TargetStatus | None


def ranking(measure: Measure, units: Sequence[Unit], period: Period, today: dt.date) -> list[RankedUnit]:
    """Units best first in the measure's direction; equal values share a rank; units without a value last."""
    readings = read_many(measure, units, period, today)
    with_value = [unit for unit in units if readings[unit.pk].value is not None]
    without = [unit for unit in units if readings[unit.pk].value is None]
    with_value.sort(key=lambda unit: readings[unit.pk].value or Decimal(0), reverse=measure.higher_is_better)
    targets = target_per_unit(measure, with_value, period)
    ranked: list[RankedUnit] = []
    previous: Decimal | None = None
    rank = 0
    for position, unit in enumerate(with_value, start=1):
        value = readings[unit.pk].value
        assert value is not None
        if value != previous:
            rank, previous = position, value
        target = targets[unit.pk]
        status = status_for(target, value, today) if target else None
        ranked.append(RankedUnit(rank, unit, value, show(measure, value), status))
    ranked.extend(RankedUnit(None, unit, None, "—", None) for unit in without)
    return ranked


def ranking_chart(measure: Measure, ranked: Sequence[RankedUnit], period: Period) -> dict[str, Any]:
    shown = [row for row in ranked if row.value is not None]
    return {
        "labels": [row.unit.name for row in shown],
        "values": [json_number(row.value) for row in shown],
        "percentage": measure.kind == Measure.Kind.PERCENTAGE,
        "title": f"{measure.name} – {period.label}",
    }
