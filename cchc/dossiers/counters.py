"""The aggregate counters and how one dossier contributes to them.

Counters, by the day they are attributed to:

- received day: received, online, online_full, components_digitised, with_fee, paid_online, and
  open_delta +1;
- end day: settled, early, on_time, late, results_digitised, late_apologised(_in_time) (late ones
  whose apology is dated on or before the end), processing_days_total, open_delta −1, and −1 on each
  overdue delta the dossier had raised;
- overdue_from (the day after the due date): overdue_delta +1;
- overdue_apology_from (overdue and apologised): overdue_apologised(_in_time)_delta +1.

Flow figures of [start, cut] are sums over its days; snapshot figures at `cut` are sums of the deltas
over every day up to `cut`. `Accumulator` computes the same contributions in Python for incremental
imports (subtracting a re-imported dossier's old facts, adding its new ones); `aggregates.py` computes
them in SQL for full rebuilds. Both are tested against `kpi_math.count_period`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Final, NamedTuple

from cchc.dossiers.kpi_math import KpiCounts

COUNTER_NAMES: Final = (
    "received",
    "online",
    "online_full",
    "components_digitised",
    "with_fee",
    "paid_online",
    "settled",
    "early",
    "on_time",
    "late",
    "results_digitised",
    "late_apologised",
    "late_apologised_in_time",
    "processing_days_total",
    "open_delta",
    "overdue_delta",
    "overdue_apologised_delta",
    "overdue_apologised_in_time_delta",
)
WIDTH: Final = len(COUNTER_NAMES)
(
    RECEIVED,
    ONLINE,
    ONLINE_FULL,
    COMPONENTS_DIGITISED,
    WITH_FEE,
    PAID_ONLINE,
    SETTLED,
    EARLY,
    ON_TIME,
    LATE,
    RESULTS_DIGITISED,
    LATE_APOLOGISED,
    LATE_APOLOGISED_IN_TIME,
    PROCESSING_DAYS_TOTAL,
    OPEN_DELTA,
    OVERDUE_DELTA,
    OVERDUE_APOLOGISED_DELTA,
    OVERDUE_APOLOGISED_IN_TIME_DELTA,
) = range(WIDTH)
DELTA_INDEXES: Final = (OPEN_DELTA, OVERDUE_DELTA, OVERDUE_APOLOGISED_DELTA, OVERDUE_APOLOGISED_IN_TIME_DELTA)

CHANNEL_ONLINE: Final = 2
ONLINE_FULL_LEVEL: Final = "full"


class ContributionRow(NamedTuple):
    """What a dossier's contributions depend on; `CONTRIBUTION_COLUMNS` selects it from the table."""

    unit_id: int
    procedure_id: int
    received_day: date
    channel: int | None
    online_level: str
    components_digitised: bool
    has_fee: bool
    paid_online: bool
    end_day: date | None
    outcome: str
    result_digitised: bool
    apology_date: date | None
    apology_in_time: bool | None
    processing_working_days: int | None
    overdue_from: date | None
    overdue_apology_from: date | None


CONTRIBUTION_COLUMNS: Final = ContributionRow._fields

# Bits of the end event's flags.
_EARLY, _ON_TIME, _LATE, _RESULT, _LATE_APOLOGY, _LATE_APOLOGY_IN_TIME = 1, 2, 4, 8, 16, 32
_OVERDUE_RAISED, _OVERDUE_APOLOGY_RAISED, _OVERDUE_APOLOGY_IN_TIME_RAISED = 64, 128, 256
_OUTCOME_BITS: Final = {"early": _EARLY, "on_time": _ON_TIME, "late": _LATE}

Vector = list[int]


def empty() -> Vector:
    return [0] * WIDTH


def month_of(day: date | str) -> int:
    """YYYYMM of a date or of an ISO date text (SQLite rows carry dates as text)."""
    if isinstance(day, str):
        return int(day[:4]) * 100 + int(day[5:7])
    return day.year * 100 + day.month


class Accumulator:
    """Signed contributions of many dossiers, per (unit, day), (unit, month) and (unit, month, procedure).

    Days may be dates or ISO texts, flags bools or 0/1, as long as one accumulator sees one form.
    """

    def __init__(self) -> None:
        self._intake: Counter[tuple[int, int, date, int]] = Counter()
        self._ends: Counter[tuple[int, int, date, int, int]] = Counter()
        self._overdue: Counter[tuple[int, int, date]] = Counter()
        self._overdue_apology: Counter[tuple[int, int, date, bool]] = Counter()

    def add(self, rows: Iterable[Sequence[object]], sign: int = 1) -> None:
        """Add (sign 1) or remove (sign −1) the contributions of rows shaped like ContributionRow."""
        intake, ends, overdue, overdue_apology = self._intake, self._ends, self._overdue, self._overdue_apology
        outcome_bits = _OUTCOME_BITS
        for (
            unit_id,
            procedure_id,
            received_day,
            channel,
            online_level,
            components,
            has_fee,
            paid_online,
            end_day,
            outcome,
            result_digitised,
            apology_date,
            apology_in_time,
            processing_days,
            overdue_from,
            overdue_apology_from,
        ) in rows:  # type: ignore[misc]
            online = channel == CHANNEL_ONLINE
            mask = (
                (1 if online else 0)
                | (2 if online and online_level == ONLINE_FULL_LEVEL else 0)
                | (4 if components else 0)
                | (8 if has_fee else 0)
                | (16 if has_fee and paid_online else 0)
            )
            intake[(unit_id, procedure_id, received_day, mask)] += sign  # type: ignore[index]
            if end_day is not None:
                flags = outcome_bits.get(outcome, 0)  # type: ignore[call-overload]
                if result_digitised:
                    flags |= _RESULT
                if flags & _LATE and apology_date is not None and apology_date <= end_day:  # type: ignore[operator]
                    flags |= _LATE_APOLOGY
                    if apology_in_time:
                        flags |= _LATE_APOLOGY_IN_TIME
                if overdue_from is not None:
                    flags |= _OVERDUE_RAISED
                if overdue_apology_from is not None:
                    flags |= _OVERDUE_APOLOGY_RAISED
                    if apology_in_time:
                        flags |= _OVERDUE_APOLOGY_IN_TIME_RAISED
                ends[(unit_id, procedure_id, end_day, flags, processing_days or 0)] += sign  # type: ignore[index]
            if overdue_from is not None:
                overdue[(unit_id, procedure_id, overdue_from)] += sign  # type: ignore[index]
            if overdue_apology_from is not None:
                overdue_apology[(unit_id, procedure_id, overdue_apology_from, bool(apology_in_time))] += sign  # type: ignore[index]

    def vectors(
        self,
    ) -> tuple[dict[tuple[int, date], Vector], dict[tuple[int, int], Vector], dict[tuple[int, int, int], Vector]]:
        """Per-(unit, day), per-(unit, month) and per-(unit, month, procedure) counter vectors (non-zero keys)."""
        totals = Totals()
        self.add_to(totals)
        return totals.non_zero()

    def add_to(self, totals: Totals) -> None:
        """Add the contributions into running totals (cheaper than merging vectors)."""
        by_day = totals.by_day
        by_procedure_month = totals.by_procedure_month
        months = totals.months

        def vectors_for(unit_id: int, procedure_id: int, day: date | str) -> tuple[Vector, Vector]:
            day_vector = by_day.get((unit_id, day))
            if day_vector is None:
                day_vector = by_day[(unit_id, day)] = empty()
            month = months.get(day)
            if month is None:
                month = months[day] = month_of(day)
            key = (unit_id, month, procedure_id)
            month_vector = by_procedure_month.get(key)
            if month_vector is None:
                month_vector = by_procedure_month[key] = empty()
            return day_vector, month_vector

        for (unit_id, procedure_id, day, mask), count in self._intake.items():
            if not count:
                continue
            for vector in vectors_for(unit_id, procedure_id, day):
                vector[RECEIVED] += count
                vector[OPEN_DELTA] += count
                if mask & 1:
                    vector[ONLINE] += count
                if mask & 2:
                    vector[ONLINE_FULL] += count
                if mask & 4:
                    vector[COMPONENTS_DIGITISED] += count
                if mask & 8:
                    vector[WITH_FEE] += count
                if mask & 16:
                    vector[PAID_ONLINE] += count
        for (unit_id, procedure_id, day, flags, processing_days), count in self._ends.items():
            if not count:
                continue
            for vector in vectors_for(unit_id, procedure_id, day):
                vector[SETTLED] += count
                vector[OPEN_DELTA] -= count
                vector[PROCESSING_DAYS_TOTAL] += count * processing_days
                if flags & _EARLY:
                    vector[EARLY] += count
                elif flags & _ON_TIME:
                    vector[ON_TIME] += count
                elif flags & _LATE:
                    vector[LATE] += count
                if flags & _RESULT:
                    vector[RESULTS_DIGITISED] += count
                if flags & _LATE_APOLOGY:
                    vector[LATE_APOLOGISED] += count
                if flags & _LATE_APOLOGY_IN_TIME:
                    vector[LATE_APOLOGISED_IN_TIME] += count
                if flags & _OVERDUE_RAISED:
                    vector[OVERDUE_DELTA] -= count
                if flags & _OVERDUE_APOLOGY_RAISED:
                    vector[OVERDUE_APOLOGISED_DELTA] -= count
                if flags & _OVERDUE_APOLOGY_IN_TIME_RAISED:
                    vector[OVERDUE_APOLOGISED_IN_TIME_DELTA] -= count
        for (unit_id, procedure_id, day), count in self._overdue.items():
            if count:
                for vector in vectors_for(unit_id, procedure_id, day):
                    vector[OVERDUE_DELTA] += count
        for (unit_id, procedure_id, day, in_time), count in self._overdue_apology.items():
            if count:
                for vector in vectors_for(unit_id, procedure_id, day):
                    vector[OVERDUE_APOLOGISED_DELTA] += count
                    if in_time:
                        vector[OVERDUE_APOLOGISED_IN_TIME_DELTA] += count


class Totals:
    """Running sums of many accumulators' vectors: a writer folds each batch in while it waits for the next."""

    def __init__(self) -> None:
        self.by_day: dict[tuple[int, object], Vector] = {}
        self.by_procedure_month: dict[tuple[int, int, int], Vector] = {}
        self.months: dict[object, int] = {}  # day → YYYYMM, days repeat

    def fold(self, accumulator: Accumulator) -> None:
        accumulator.add_to(self)

    def non_zero(self) -> tuple[dict, dict, dict]:  # type: ignore[type-arg]
        """(by unit and day, by unit and month, by unit, month and procedure), zero vectors left out."""
        by_month: dict[tuple[int, int], Vector] = {}
        for (unit_id, day), vector in self.by_day.items():
            key = (unit_id, self.months[day])
            total = by_month.get(key)
            if total is None:
                by_month[key] = list(vector)
            else:
                for index, value in enumerate(vector):
                    total[index] += value
        return tuple(  # type: ignore[return-value]
            {key: vector for key, vector in table.items() if any(vector)}
            for table in (self.by_day, by_month, self.by_procedure_month)
        )


def kpi_counts(
    flows: Sequence[int], deltas: Sequence[int], extra_apologised: int = 0, extra_in_time: int = 0
) -> KpiCounts:
    """KpiCounts from a window's flow sums and the delta sums up to its cut (both full-width vectors).

    `extra_*` are the late dossiers apologised after their end that the window counts (see facts.py).
    """
    open_count = deltas[OPEN_DELTA]
    overdue = deltas[OVERDUE_DELTA]
    return KpiCounts(
        received=flows[RECEIVED],
        settled=flows[SETTLED],
        early=flows[EARLY],
        on_time=flows[ON_TIME],
        late=flows[LATE],
        overdue=overdue,
        in_progress=open_count - overdue,
        apologised=flows[LATE_APOLOGISED] + deltas[OVERDUE_APOLOGISED_DELTA] + extra_apologised,
        apologised_in_time=flows[LATE_APOLOGISED_IN_TIME] + deltas[OVERDUE_APOLOGISED_IN_TIME_DELTA] + extra_in_time,
        online=flows[ONLINE],
        online_full=flows[ONLINE_FULL],
        components_digitised=flows[COMPONENTS_DIGITISED],
        results_digitised=flows[RESULTS_DIGITISED],
        with_fee=flows[WITH_FEE],
        paid_online=flows[PAID_ONLINE],
        processing_days_total=flows[PROCESSING_DAYS_TOTAL],
    )
