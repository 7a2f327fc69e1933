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
over every day up to `cut`. `Accumulator` computes the same contributions in Python for SQLite imports
and the recomputation after a calendar edit (subtracting a dossier's old facts, adding its new ones);
`aggregates.py` computes them in SQL for PostgreSQL imports and full rebuilds. Both are tested against
`kpi_math.count_period`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Final, NamedTuple

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
    "late_apologised_after_end",
    "late_apologised_after_end_in_time",
    "processing_days_total",
    "open_delta",
    "overdue_delta",
    "overdue_apologised_delta",
    "overdue_apologised_in_time_delta",
    "apology_pending_delta",
    "apology_pending_in_time_delta",
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
    LATE_APOLOGISED_AFTER_END,
    LATE_APOLOGISED_AFTER_END_IN_TIME,
    PROCESSING_DAYS_TOTAL,
    OPEN_DELTA,
    OVERDUE_DELTA,
    OVERDUE_APOLOGISED_DELTA,
    OVERDUE_APOLOGISED_IN_TIME_DELTA,
    APOLOGY_PENDING_DELTA,
    APOLOGY_PENDING_IN_TIME_DELTA,
) = range(WIDTH)
DELTA_INDEXES: Final = (
    OPEN_DELTA,
    OVERDUE_DELTA,
    OVERDUE_APOLOGISED_DELTA,
    OVERDUE_APOLOGISED_IN_TIME_DELTA,
    APOLOGY_PENDING_DELTA,
    APOLOGY_PENDING_IN_TIME_DELTA,
)

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
_LATE_APOLOGY_AFTER_END, _LATE_APOLOGY_AFTER_END_IN_TIME = 512, 1024
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
        self._apology_issued: Counter[tuple[int, int, date, bool]] = Counter()

    def add(self, rows: Iterable[Sequence[object]], sign: int = 1) -> None:
        """Add (sign 1) or remove (sign −1) the contributions of rows shaped like ContributionRow."""
        intake, ends, overdue, overdue_apology = self._intake, self._ends, self._overdue, self._overdue_apology
        apology_issued = self._apology_issued
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
                if flags & _LATE and apology_date is not None:
                    if apology_date <= end_day:  # type: ignore[operator]
                        flags |= _LATE_APOLOGY | (_LATE_APOLOGY_IN_TIME if apology_in_time else 0)
                    else:
                        flags |= _LATE_APOLOGY_AFTER_END | (_LATE_APOLOGY_AFTER_END_IN_TIME if apology_in_time else 0)
                        # Pending from its end until the apology: a snapshot, +1 at the end, −1 here.
                        apology_issued[(unit_id, procedure_id, apology_date, bool(apology_in_time))] += sign  # type: ignore[index]
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

    def vectors(self, fields: Mapping[Any, Any]) -> tuple[dict, dict, dict, dict, dict]:  # type: ignore[type-arg]
        """The five tables' vectors (see Totals.non_zero); `fields` maps each procedure to its field."""
        totals = Totals()
        totals.fields.update(fields)
        self.add_to(totals)
        return totals.non_zero()

    def add_to(self, totals: Totals) -> None:
        """Add the contributions into running totals (cheaper than merging vectors).

        `totals.fields` must map every procedure key met here to its field key.
        """
        by_day = totals.by_day
        by_procedure_month = totals.by_procedure_month
        by_field_day = totals.by_field_day
        months = totals.months
        fields = totals.fields

        def vectors_for(unit_id: int, procedure: Any, day: Any) -> tuple[Vector, Vector, Vector]:
            day_vector = by_day.get((unit_id, day))
            if day_vector is None:
                day_vector = by_day[(unit_id, day)] = empty()
            month = months.get(day)
            if month is None:
                month = months[day] = month_of(day)
            key = (unit_id, month, procedure)
            month_vector = by_procedure_month.get(key)
            if month_vector is None:
                month_vector = by_procedure_month[key] = empty()
            field_key = (unit_id, day, fields[procedure])
            field_vector = by_field_day.get(field_key)
            if field_vector is None:
                field_vector = by_field_day[field_key] = empty()
            return day_vector, month_vector, field_vector

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
                if flags & _LATE_APOLOGY_AFTER_END:
                    vector[LATE_APOLOGISED_AFTER_END] += count
                    vector[APOLOGY_PENDING_DELTA] += count
                if flags & _LATE_APOLOGY_AFTER_END_IN_TIME:
                    vector[LATE_APOLOGISED_AFTER_END_IN_TIME] += count
                    vector[APOLOGY_PENDING_IN_TIME_DELTA] += count
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
        for (unit_id, procedure_id, day, in_time), count in self._apology_issued.items():
            if count:
                for vector in vectors_for(unit_id, procedure_id, day):
                    vector[APOLOGY_PENDING_DELTA] -= count
                    if in_time:
                        vector[APOLOGY_PENDING_IN_TIME_DELTA] -= count
        for (unit_id, procedure_id, day, in_time), count in self._overdue_apology.items():
            if count:
                for vector in vectors_for(unit_id, procedure_id, day):
                    vector[OVERDUE_APOLOGISED_DELTA] += count
                    if in_time:
                        vector[OVERDUE_APOLOGISED_IN_TIME_DELTA] += count


def _add_vectors(target: dict[Any, Vector], source: Iterable[tuple[Any, Vector]]) -> None:
    """Add (key, vector) pairs into `target`; keys may repeat."""
    for key, vector in source:
        total = target.get(key)
        if total is None:
            target[key] = list(vector)
        else:
            for index, value in enumerate(vector):
                total[index] += value


class Totals:
    """Running sums of many accumulators' vectors: a writer folds each batch in as it goes.

    Keys may name procedures by code or id and fields by name or id (rows carry procedure codes,
    stored versions ids); `resolved()` turns them all into ids. `fields` maps procedure → field for folding.
    """

    def __init__(self) -> None:
        self.by_day: dict[tuple[int, Any], Vector] = {}
        self.by_procedure_month: dict[tuple[int, int, Any], Vector] = {}
        self.by_field_day: dict[tuple[int, Any, Any], Vector] = {}
        self.months: dict[Any, int] = {}  # day → YYYYMM, days repeat
        self.fields: dict[Any, Any] = {}

    def fold(self, accumulator: Accumulator) -> None:
        accumulator.add_to(self)

    def resolved(self, procedure_ids: Mapping[str, int], field_ids: Mapping[str, int]) -> Totals:
        """The same sums keyed by date, procedure id and field id (rows may carry ISO days, codes, names)."""
        result = Totals()
        days: dict[Any, date] = {}

        def as_day(day: Any) -> date:
            value = days.get(day)
            if value is None:
                value = days[day] = day if isinstance(day, date) else date.fromisoformat(str(day))
            return value

        _add_vectors(result.by_day, (((unit, as_day(day)), vector) for (unit, day), vector in self.by_day.items()))
        _add_vectors(
            result.by_procedure_month,
            (
                ((unit, month, procedure_ids[procedure] if isinstance(procedure, str) else procedure), vector)
                for (unit, month, procedure), vector in self.by_procedure_month.items()
            ),
        )
        _add_vectors(
            result.by_field_day,
            (
                ((unit, as_day(day), field_ids[field] if isinstance(field, str) else field), vector)
                for (unit, day, field), vector in self.by_field_day.items()
            ),
        )
        result.months = {as_day(day): month for day, month in self.months.items()}
        return result

    def non_zero(self) -> tuple[dict, dict, dict, dict, dict]:  # type: ignore[type-arg]
        """By (unit, day), (unit, month), (unit, month, procedure), (unit, day, field), (unit, month, field)."""
        by_month: dict[tuple[int, int], Vector] = {}
        _add_vectors(by_month, (((unit, self.months[day]), vector) for (unit, day), vector in self.by_day.items()))
        by_field_month: dict[tuple[int, int, Any], Vector] = {}
        _add_vectors(
            by_field_month,
            (((unit, self.months[day], field), vector) for (unit, day, field), vector in self.by_field_day.items()),
        )
        return tuple(  # type: ignore[return-value]
            {key: vector for key, vector in table.items() if any(vector)}
            for table in (self.by_day, by_month, self.by_procedure_month, self.by_field_day, by_field_month)
        )


def kpi_counts(flows: Sequence[int], deltas: Sequence[int], spanning: int = 0, spanning_in_time: int = 0) -> KpiCounts:
    """KpiCounts from a window's flow sums and the delta sums up to its cut (both full-width vectors).

    Late dossiers apologised after their end count when the apology is dated by the cut. The flows
    hold all of those ended in the window; the ones still waiting for their apology at the cut are
    the ones pending then (a snapshot) less those that ended before the window (`spanning*`).
    """
    waiting = deltas[APOLOGY_PENDING_DELTA] - spanning
    waiting_in_time = deltas[APOLOGY_PENDING_IN_TIME_DELTA] - spanning_in_time
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
        apologised=flows[LATE_APOLOGISED]
        + flows[LATE_APOLOGISED_AFTER_END]
        - waiting
        + deltas[OVERDUE_APOLOGISED_DELTA],
        apologised_in_time=flows[LATE_APOLOGISED_IN_TIME]
        + flows[LATE_APOLOGISED_AFTER_END_IN_TIME]
        - waiting_in_time
        + deltas[OVERDUE_APOLOGISED_IN_TIME_DELTA],
        online=flows[ONLINE],
        online_full=flows[ONLINE_FULL],
        components_digitised=flows[COMPONENTS_DIGITISED],
        results_digitised=flows[RESULTS_DIGITISED],
        with_fee=flows[WITH_FEE],
        paid_online=flows[PAID_ONLINE],
        processing_days_total=flows[PROCESSING_DAYS_TOTAL],
    )
