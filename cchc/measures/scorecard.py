"""A unit's scorecard: every active measure with its latest value, target, status and trend."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from cchc.core.formatting import number
from cchc.measures.catalogue import area_name, area_sort_key
from cchc.measures.models import Measure, MeasureValue
from cchc.measures.periods import Period, latest_complete
from cchc.measures.readings import read
from cchc.measures.registry import Reading
from cchc.measures.targets import TargetStatus, show, status_for, target_for
from cchc.organisation.models import Unit

# How many periods back to look for the latest value when the last period is not reported yet.
LOOK_BACK = 3
# A superior's figure for a reported measure is shown for the latest period in which at least this share
# of its reporting units have an approved figure: a sum over a third of the communes would mislead.
ENOUGH_COVERAGE = Decimal("0.8")


@dataclass(frozen=True)
class Coverage:
    approved: int
    expected: int

    @property
    def share(self) -> Decimal:
        return Decimal(self.approved) / self.expected if self.expected else Decimal(1)

    @property
    def text(self) -> str:
        return f"đã duyệt {self.approved}/{self.expected} đơn vị" if self.expected > 1 else ""


def coverage(measure: Measure, unit: Unit, period: Period, today: dt.date) -> Coverage:
    """How many of the unit's reporting units (itself included) have an approved figure for the period."""
    if not measure.is_reported:
        return Coverage(0, 0)
    expected = Unit.objects.subtree_of(unit).active_on(today)
    if measure.reporting_level:
        expected = expected.filter(kind__level=measure.reporting_level)
    approved = (
        MeasureValue.objects.approved()
        .filter(measure=measure, period_key=period.key, unit__path__startswith=unit.path)
        .values("unit_id")
        .distinct()
        .count()
    )
    return Coverage(approved, expected.count())


@dataclass
class ScorecardRow:
    measure: Measure
    period: Period
    reading: Reading
    previous: Reading
    coverage: Coverage = Coverage(0, 0)
    target_text: str = ""
    status: TargetStatus | None = None

    @property
    def shown(self) -> str:
        return show(self.measure, self.reading.value) if self.reading.value is not None else "—"

    @property
    def change(self) -> Decimal | None:
        if self.reading.value is None or self.previous.value is None:
            return None
        return self.reading.value - self.previous.value

    @property
    def trend(self) -> str:
        """«up», «down», «flat» or «» (no earlier value)."""
        change = self.change
        if change is None:
            return ""
        return "up" if change > 0 else "down" if change < 0 else "flat"

    @property
    def trend_is_good(self) -> bool | None:
        if self.trend in ("", "flat"):
            return None
        return (self.trend == "up") == self.measure.higher_is_better

    @property
    def trend_text(self) -> str:
        change = self.change
        if change is None:
            return "chưa có kỳ trước để so sánh"
        if change == 0:
            return "không đổi so với kỳ trước"
        unit = " điểm %" if self.measure.kind == Measure.Kind.PERCENTAGE else ""
        places = 2 if self.measure.kind == Measure.Kind.PERCENTAGE or change != change.to_integral_value() else 0
        verb = "tăng" if change > 0 else "giảm"
        return f"{verb} {number(abs(change), places)}{unit} so với kỳ trước"


@dataclass
class AreaGroup:
    name: str
    rows: list[ScorecardRow] = field(default_factory=list)


def latest_reading(measure: Measure, unit: Unit, today: dt.date) -> tuple[Period, Reading, Coverage]:
    """The most recent completed period with a value and enough of the units below approved; else the
    best covered of the last few periods (the last completed one if none has a value)."""
    candidate = latest_complete(measure.periodicity, today)
    found: list[tuple[Period, Reading, Coverage]] = []
    for _step in range(LOOK_BACK):
        reading = read(measure, unit, candidate, today)
        if reading.value is not None:
            covered = coverage(measure, unit, candidate, today)
            if covered.share >= ENOUGH_COVERAGE:
                return candidate, reading, covered
            found.append((candidate, reading, covered))
        candidate = candidate.previous()
    if not found:
        return latest_complete(measure.periodicity, today), Reading(None), Coverage(0, 0)
    return max(found, key=lambda item: item[2].share)


def build(unit: Unit, today: dt.date) -> list[AreaGroup]:
    measures = sorted(
        Measure.objects.filter(is_active=True),
        key=lambda measure: (area_sort_key(measure.reform_area), measure.order, measure.code),
    )
    groups: dict[str, AreaGroup] = {}
    for measure in measures:
        period, reading, covered = latest_reading(measure, unit, today)
        row = ScorecardRow(measure, period, reading, read(measure, unit, period.previous(), today), covered)
        target = target_for(measure, unit, period)
        if target is not None:
            row.target_text = f"{target.get_comparator_display()} {show(measure, target.value)}"
            row.status = status_for(target, reading, today)
        name = area_name(measure.reform_area)
        groups.setdefault(name, AreaGroup(name)).rows.append(row)
    return list(groups.values())
