"""Reference definitions of the dossier KPIs: plain loops, written to be checked by eye.

The fast SQL aggregates are tested against `count_period`. Attribution rules, with
cut = min(period end, as_of):

- intake figures (received, online, online_full, components_digitised, with_fee, paid_online) count
  dossiers whose received date lies in [start, cut];
- settlement figures (settled, early, on_time, late, results_digitised, processing days) count
  dossiers whose end date lies in [start, cut];
- overdue and in_progress are a snapshot at the cut: received on or before it and not ended by it,
  overdue when the cut is after the due date; dossiers received before the period count too;
- apologised counts the late dossiers settled in the period plus the overdue ones at the cut whose
  apology is dated on or before the cut; apologised_in_time those among them whose apology was in time;
- a period that starts after `as_of` has not begun: every count is 0.

online_full needs both channel 2 and the full-process level, because some exports write the level
the procedure is offered at, not how this dossier came in. paid_online counts only dossiers with a
financial obligation, so its rate never exceeds 100%.
"""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final, NamedTuple, TypeVar

from cchc.dossiers.calendar import WorkingCalendar
from cchc.dossiers.classify import (
    DEFAULT_RULES,
    EARLY,
    LATE,
    ON_TIME,
    DossierRules,
    dossier_end,
    is_apology_in_time,
    settlement_class,
)
from cchc.dossiers.parsing import CHANNEL_ONLINE, ONLINE_FULL, DossierRecord

_HUNDREDTH: Final = Decimal("0.01")
_HUNDRED: Final = Decimal(100)


class ClassifiedDossier(NamedTuple):
    """What the counting needs of one dossier, with the as-of-independent facts already derived."""

    code: str
    unit_code: str
    procedure_code: str
    field: str
    received_date: date
    due_date: date | None
    end_date: date | None
    settled_class: str | None  # early / on_time / late once ended, else None
    apology_date: date | None
    apology_in_time: bool | None
    processing_working_days: int | None
    channel: int | None
    online_level: str | None
    components_digitised: bool
    result_digitised: bool
    has_fee: bool
    paid_online: bool


def classify_record(
    record: DossierRecord, calendar: WorkingCalendar, rules: DossierRules = DEFAULT_RULES
) -> ClassifiedDossier:
    received_date = record.received.date()
    due_date = record.due.date() if record.due is not None else None
    end = dossier_end(record.finished, record.returned)
    end_date = end.date() if end is not None else None
    settled = None
    processing = None
    if end_date is not None:
        settled = settlement_class(end_date, due_date, record.supplement_requests, rules)
        processing = calendar.working_days_between(received_date, end_date)
    apology_in_time = None
    if record.apology_date is not None and due_date is not None:
        apology_in_time = is_apology_in_time(record.apology_date, due_date, calendar, rules)
    return ClassifiedDossier(
        record.code,
        record.unit_code,
        record.procedure_code,
        record.field,
        received_date,
        due_date,
        end_date,
        settled,
        record.apology_date,
        apology_in_time,
        processing,
        record.channel,
        record.online_level,
        record.components_digitised,
        record.result_digitised,
        record.has_fee,
        record.paid_online,
    )


# Each rate as (numerator counts, denominator counts): data, so SQL and screens can share it.
RATE_DEFINITIONS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "settled_on_time_rate": (("early", "on_time"), ("settled",)),
    "early_rate": (("early",), ("settled",)),
    "on_time_rate": (("on_time",), ("settled",)),
    "late_rate": (("late",), ("settled",)),
    "apologised_rate": (("apologised",), ("late", "overdue")),
    "apologised_in_time_rate": (("apologised_in_time",), ("late", "overdue")),
    "online_rate": (("online",), ("received",)),
    "online_full_rate": (("online_full",), ("received",)),
    "components_digitised_rate": (("components_digitised",), ("received",)),
    "results_digitised_rate": (("results_digitised",), ("settled",)),
    "paid_online_rate": (("paid_online",), ("with_fee",)),
}
AVERAGE_PROCESSING_DAYS: Final = "average_processing_days"


@dataclass(slots=True)
class KpiCounts:
    received: int = 0
    settled: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    in_progress: int = 0
    apologised: int = 0
    apologised_in_time: int = 0
    online: int = 0
    online_full: int = 0
    components_digitised: int = 0
    results_digitised: int = 0
    with_fee: int = 0
    paid_online: int = 0
    processing_days_total: int = 0

    def __add__(self, other: KpiCounts) -> KpiCounts:
        if not isinstance(other, KpiCounts):
            return NotImplemented
        return KpiCounts(*(getattr(self, name) + getattr(other, name) for name in _COUNT_NAMES))

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in _COUNT_NAMES}

    def ratio(self, rate_name: str) -> tuple[int, int]:
        """(numerator, denominator) behind a rate, or behind the average processing time."""
        if rate_name == AVERAGE_PROCESSING_DAYS:
            return self.processing_days_total, self.settled
        numerator_names, denominator_names = RATE_DEFINITIONS[rate_name]
        return (
            sum(getattr(self, name) for name in numerator_names),
            sum(getattr(self, name) for name in denominator_names),
        )

    def rates(self) -> dict[str, Decimal | None]:
        """Percentages with 2 decimals (half up) and the average in working days; None over 0."""
        result: dict[str, Decimal | None] = {}
        for rate_name in RATE_DEFINITIONS:
            numerator, denominator = self.ratio(rate_name)
            result[rate_name] = _rounded(Decimal(numerator) * _HUNDRED / denominator) if denominator else None
        total, settled = self.ratio(AVERAGE_PROCESSING_DAYS)
        result[AVERAGE_PROCESSING_DAYS] = _rounded(Decimal(total) / settled) if settled else None
        return result


_COUNT_NAMES: Final = tuple(item.name for item in fields(KpiCounts))


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


def count_period(records: Iterable[ClassifiedDossier], start: date, end: date, as_of: date) -> KpiCounts:
    """The figures of [start, end] as known on `as_of` (see the module's attribution rules)."""
    counts = KpiCounts()
    cut = min(end, as_of)
    if cut < start:
        return counts
    for record in records:
        if start <= record.received_date <= cut:
            counts.received += 1
            if record.channel == CHANNEL_ONLINE:
                counts.online += 1
                if record.online_level == ONLINE_FULL:
                    counts.online_full += 1
            if record.components_digitised:
                counts.components_digitised += 1
            if record.has_fee:
                counts.with_fee += 1
                if record.paid_online:
                    counts.paid_online += 1

        apology_known = record.apology_date is not None and record.apology_date <= cut
        ended_by_cut = record.end_date is not None and record.end_date <= cut
        if ended_by_cut and record.end_date is not None and record.end_date >= start:
            counts.settled += 1
            if record.settled_class == EARLY:
                counts.early += 1
            elif record.settled_class == ON_TIME:
                counts.on_time += 1
            elif record.settled_class == LATE:
                counts.late += 1
                if apology_known:
                    counts.apologised += 1
                    if record.apology_in_time:
                        counts.apologised_in_time += 1
            if record.result_digitised:
                counts.results_digitised += 1
            counts.processing_days_total += record.processing_working_days or 0
        elif not ended_by_cut and record.received_date <= cut:
            if record.due_date is not None and cut > record.due_date:
                counts.overdue += 1
                if apology_known:
                    counts.apologised += 1
                    if record.apology_in_time:
                        counts.apologised_in_time += 1
            else:
                counts.in_progress += 1
    return counts


GroupKey = TypeVar("GroupKey", bound=Hashable)


def count_grouped(
    records: Iterable[ClassifiedDossier],
    start: date,
    end: date,
    as_of: date,
    key: Callable[[ClassifiedDossier], GroupKey],
) -> dict[GroupKey, KpiCounts]:
    """count_period per group (unit, field, procedure …); groups with nothing to count are left out."""
    by_group: dict[GroupKey, list[ClassifiedDossier]] = {}
    for record in records:
        by_group.setdefault(key(record), []).append(record)
    result = {group: count_period(members, start, end, as_of) for group, members in by_group.items()}
    return {group: counts for group, counts in result.items() if counts != KpiCounts()}


def month_periods(start: date, end: date) -> Iterator[tuple[str, date, date]]:
    """("YYYY-MM", first day, last day) of each month touching [start, end], clipped to it."""
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        last_day = date(year, month, month_calendar.monthrange(year, month)[1])
        yield f"{year:04d}-{month:02d}", max(start, date(year, month, 1)), min(end, last_day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


# The national real-time service index (decision 766/QĐ-TTg), as data.

# Reconstructed by third parties from the national portal (unverified): keep it editable.
DEFAULT_766_FORMULAS: Final[dict[str, Any]] = {
    "source": "Quyết định 766/QĐ-TTg năm 2022 (tái dựng từ Cổng Dịch vụ công quốc gia, chưa kiểm chứng)",
    "groups": {
        "progress": {
            "label": "Tiến độ giải quyết hồ sơ",
            "parts": [{"measure": "settled_on_time_rate", "points": "20", "full_marks_at": "100"}],
        },
        "online_service": {
            "label": "Cung cấp dịch vụ công trực tuyến",
            "parts": [{"measure": "online_rate", "points": "12", "full_marks_at": "50"}],
        },
        "online_payment": {
            "label": "Thanh toán trực tuyến",
            "parts": [{"measure": "paid_online_rate", "points": "10", "full_marks_at": "50"}],
        },
        "digitisation": {
            "label": "Số hóa hồ sơ, kết quả giải quyết",
            "parts": [
                {"measure": "components_digitised_rate", "points": "11", "full_marks_at": "80"},
                {"measure": "results_digitised_rate", "points": "11", "full_marks_at": "80"},
            ],
        },
    },
}


def _part_points(part: Mapping[str, Any], rate: Decimal) -> Decimal:
    """A part's points for an exact percentage: proportional up to a threshold, or tiers."""
    tiers = part.get("tiers")
    if tiers is not None:
        for tier in sorted(tiers, key=lambda item: Decimal(str(item["at_least"])), reverse=True):
            if rate >= Decimal(str(tier["at_least"])):
                return Decimal(str(tier["points"]))
        return Decimal(0)
    points = Decimal(str(part["points"]))
    full_marks_at = Decimal(str(part.get("full_marks_at", "100")))
    if full_marks_at <= 0 or rate >= full_marks_at:
        return points
    return points * rate / full_marks_at


def score_766(counts: KpiCounts, formula_config: Mapping[str, Any] | None = None) -> dict[str, Decimal | None]:
    """Points per group and "total", rounded to 0.01; a group without data (0 denominator) is None.

    Rates are taken exactly from the counts, not from the rounded percentages, so rounding happens
    once, on the points.
    """
    config = DEFAULT_766_FORMULAS if formula_config is None else formula_config
    scores: dict[str, Decimal | None] = {}
    for group_name, group in config["groups"].items():
        total: Decimal | None = None
        for part in group["parts"]:
            measure = part["measure"]
            if measure not in RATE_DEFINITIONS:
                raise ValueError(f"Công thức nhóm «{group_name}» dùng chỉ số không tồn tại: «{measure}»")
            numerator, denominator = counts.ratio(measure)
            if not denominator:
                continue
            points = _part_points(part, Decimal(numerator) * _HUNDRED / denominator)
            total = points if total is None else total + points
        scores[group_name] = _rounded(total) if total is not None else None
    known = [score for score in scores.values() if score is not None]
    scores["total"] = sum(known, Decimal(0)) if known else None
    return scores
