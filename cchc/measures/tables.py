"""Values of a measure per unit and period, as the command, the values table and exports show them.

A unit's own stored figure is shown with its review status (even before approval, so the unit and its
reviewer see what is pending); a unit without its own figure shows what `readings` computes for it —
the approved figures of its subtree aggregated by the measure's rule, or a provider's result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cchc.measures.models import Measure, MeasureValue
from cchc.measures.periods import Period
from cchc.measures.readings import read_many
from cchc.organisation.models import Unit

AGGREGATED = "aggregated"
MISSING = "missing"
STATUS_LABELS = {**dict(MeasureValue.Status.choices), AGGREGATED: "Tổng hợp từ cấp dưới", MISSING: "Chưa có số liệu"}


@dataclass(frozen=True)
class ValueRow:
    unit: Unit
    period: Period
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    status: str
    stored: MeasureValue | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def as_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit.code,
            "unit_name": self.unit.name,
            "period": self.period.key,
            "value": json_number(self.value),
            "numerator": json_number(self.numerator),
            "denominator": json_number(self.denominator),
            "status": self.status,
        }


def json_number(number: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number without binary noise (92.35, not 92.34999…)."""
    if number is None:
        return None
    normalised = number.normalize()
    if normalised == normalised.to_integral_value():
        return int(normalised)
    return float(str(normalised))


def value_rows(
    measure: Measure, units: Sequence[Unit], periods: Sequence[Period], as_of: dt.date | None = None
) -> list[ValueRow]:
    """One row per unit × period, units in the given order and periods oldest first."""
    if not units or not periods:
        return []
    stored = {
        (value.unit_id, value.period_key): value
        for value in MeasureValue.objects.filter(
            measure=measure, unit__in=units, period_key__in=[period.key for period in periods]
        ).select_related("entered_by", "reviewed_by")
    }
    rows: list[ValueRow] = []
    readings = {period.key: read_many(measure, units, period, as_of) for period in periods}
    for unit in units:
        for period in periods:
            own = stored.get((unit.pk, period.key))
            if own is not None:
                rows.append(
                    ValueRow(unit, period, own.computed_value(), own.numerator, own.denominator, own.status, own)
                )
                continue
            reading = readings[period.key].get(unit.pk)
            if reading is None or reading.value is None:
                rows.append(ValueRow(unit, period, None, None, None, MISSING))
                continue
            status = MeasureValue.Status.COMPUTED if not measure.is_reported else AGGREGATED
            rows.append(ValueRow(unit, period, reading.value, reading.numerator, reading.denominator, status))
    return rows


def reporting_units(measure: Measure, periods: Sequence[Period]) -> list[Unit]:
    """The units that have figures of `measure` in these periods; the top units for computed measures."""
    unit_ids = (
        MeasureValue.objects.filter(measure=measure, period_key__in=[period.key for period in periods])
        .values_list("unit_id", flat=True)
        .distinct()
    )
    units = list(Unit.objects.filter(pk__in=unit_ids).order_by("path"))
    if units or measure.is_reported:
        return units
    return list(Unit.objects.filter(parent__isnull=True).order_by("path"))
