"""A CSV register straight to SQLite's rows, facts included, for the rows it is sure of.

The record path (`fast_reading.read_records`, then `facts.facts_for_records` and `rows._sqlite_rows`)
builds datetimes, turns them into facts and formats them back into text: 23 s of reader time at a
million rows on the bench machine, the critical path of a SQLite import. Here a well-formed row
becomes its row tuple directly, as `copy_reading.py` does for PostgreSQL's COPY text: a timestamp is
its day part (ordinal, ISO day, month) and its clock part (the UTC clock and whether it falls on the
day before), looked up in caches filled only from the reference parser's answers, and the facts are
`classify.classify_batch` and `facts.facts_for_records` again on day ordinals and the calendar's
cumulative table. A row is exactly what the record path writes for it (tested). Any row it is not sure
of (a part never seen in a cacheable layout, a duplicate, an error, a year outside the calendar, a
date the calendar's table does not cover, a unit outside the scope) is handed over as `read_records`
would give it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from cchc.dossiers.calendar import WorkingCalendar
from cchc.dossiers.classify import EARLY, LATE, ON_TIME, DossierRules
from cchc.dossiers.copy_reading import CODE_LIMIT, CopyScope, names
from cchc.dossiers.facts import OPEN
from cchc.dossiers.fast_reading import (
    NeedsFullValidation,
    TextMemo,
    clock_iso_cache,
    day_iso_cache,
    fitted_cells,
    flags_from_cells,
    learn_datetime,
    row_layout,
)
from cchc.dossiers.parsing import (
    CACHE_LIMIT,
    DossierRecord,
    FileValidation,
    ImportProfile,
    RowError,
)
from cchc.dossiers.tables import Table, is_blank

_SEVEN_HOURS = timedelta(hours=7)


@dataclass
class SqliteBatch:
    """Up to a batch of rows: the row tuples of the rows read fast (and their row numbers), the others
    as read_records gives them."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    others: list[tuple[int, DossierRecord | None, list[RowError]]] = field(default_factory=list)
    # Procedures met for the first time on the fast path: code → (name, field).
    procedures: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def rows_read(self) -> int:
        return len(self.rows) + len(self.others)


class _Days(dict):  # type: ignore[type-arg]
    """A learnt day part (a cell's first ten characters) → (ordinal, ISO day, YYYYMM)."""

    def __missing__(self, text: str) -> tuple[int, str, int]:
        iso = day_iso_cache[text]  # KeyError while the reference parser has not accepted it
        day = date.fromisoformat(iso)
        parts = (day.toordinal(), iso, day.year * 100 + day.month)
        if len(self) < CACHE_LIMIT:
            self[text] = parts
        return parts


class _Clocks(dict):  # type: ignore[type-arg]
    """A learnt clock part ("" or " HH:MM[:SS]") → (" HH:MM:SS" in UTC, 1 if UTC is the day before)."""

    def __missing__(self, text: str) -> tuple[str, int]:
        local = clock_iso_cache[text]  # " HH:MM:SS+07"
        utc = datetime.combine(date(2000, 1, 2), time.fromisoformat(local[1:-3])) - _SEVEN_HOURS
        parts = (f" {utc.time().isoformat()}", 2 - utc.day)
        if len(self) < CACHE_LIMIT:
            self[text] = parts
        return parts


def _iso_of_ordinal(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


_days, _clocks, _iso_by_ordinal = _Days(), _Clocks(), TextMemo(_iso_of_ordinal)


def _parts(cell: str) -> tuple[tuple[int, str, int], tuple[str, int]]:
    """(day parts, clock parts) of a non-empty cell, learning them; NeedsFullValidation if it can't."""
    try:
        return _days[cell[:10]], _clocks[cell[10:]]
    except KeyError:
        learn_datetime(cell)
        try:
            return _days[cell[:10]], _clocks[cell[10:]]
        except KeyError:
            raise NeedsFullValidation from None


def _flags_row(converted: tuple[Any, ...]) -> tuple[Any, ...]:
    """(channel, level, the four flags as 0/1, supplement requests) and the status, as a row holds them."""
    channel, online_level, components, result, fee, paid, supplements, status = converted
    return (
        (channel, online_level or "", int(components), int(result), int(fee), int(paid), supplements),
        status[:100],
    )


def sqlite_batches(
    table: Table,
    profile: ImportProfile,
    scope: CopyScope,
    calendar: WorkingCalendar,
    rules: DossierRules,
    now: str,
    batch_size: int,
) -> Iterator[SqliteBatch]:
    """The table's rows in batches of `batch_size` (see the module); `now` is the rows' import time
    as SQLite stores it. Text cells only (CSV)."""
    layout = row_layout(table)
    timestamp_cells, unit_and_procedure, flag_cells = layout.timestamps, layout.unit_and_procedure, layout.flags
    name_and_field, to_dict, width, padded = layout.name_and_field, layout.to_dict, layout.width, layout.padded
    validation = FileValidation(scope.unit_ids.keys(), profile)
    first_row_by_code = validation.first_row_by_code
    descriptors: dict[tuple[Any, ...], tuple[int, str]] = {}
    flags: dict[tuple[Any, ...], tuple[tuple[Any, ...], str]] = {}
    procedures_seen: set[str] = set()
    descriptor_get, flag_get = descriptors.get, flags.get
    days, clocks, iso_by_ordinal = _days, _clocks, _iso_by_ordinal
    # The calendar's table bounds the years a row may touch; a date beyond them takes the long way.
    first_ordinal, cumulative = calendar.table
    lowest = max(date(scope.first_year, 1, 1).toordinal(), first_ordinal + 1)
    highest = min(date(scope.last_year, 12, 31).toordinal(), first_ordinal + len(cumulative) - 1)
    max_supplements = rules.max_supplement_requests_before_late
    apology_days = rules.apology_working_days_before_due

    def learn_descriptor(raw: tuple[Any, ...]) -> tuple[int, str]:
        learnt = scope.descriptor(raw)
        if len(descriptors) < CACHE_LIMIT:
            descriptors[raw] = learnt
        return learnt

    def learn_flags(raw: tuple[Any, ...]) -> tuple[tuple[Any, ...], str]:
        learnt = _flags_row(flags_from_cells(raw))
        if len(flags) < CACHE_LIMIT:
            flags[raw] = learnt
        return learnt

    batch = SqliteBatch()
    rows, row_numbers, others = batch.rows, batch.row_numbers, batch.others
    for row_number, cells in enumerate(table.rows, start=table.first_row):
        if len(rows) + len(others) >= batch_size:
            yield batch
            batch = SqliteBatch()
            rows, row_numbers, others = batch.rows, batch.row_numbers, batch.others
        try:
            row_cells = fitted_cells(cells, width, padded)
            if row_cells is None:
                continue
            code, received_cell, due_cell, finished_cell, returned_cell, apology_cell = timestamp_cells(row_cells)
            if not code.isascii():
                raise NeedsFullValidation
            code = code.strip()
            if not code:
                if is_blank(cells):
                    continue
                raise NeedsFullValidation
            if len(code) > CODE_LIMIT or first_row_by_code.setdefault(code, row_number) != row_number:
                raise NeedsFullValidation
            descriptor_key = unit_and_procedure(row_cells)
            unit_id, procedure = descriptor_get(descriptor_key) or learn_descriptor(descriptor_key)
            flag_key = flag_cells(row_cells)
            flag_values, status = flag_get(flag_key) or learn_flags(flag_key)
            if not received_cell:
                raise NeedsFullValidation
            # The parts inline, the learning call only for a part not seen yet (as in copy_reading.py).
            try:
                received_ordinal, received_day, received_month = days[received_cell[:10]]
                clock, before = clocks[received_cell[10:]]
            except KeyError:
                (received_ordinal, received_day, received_month), (clock, before) = _parts(received_cell)
            received = (iso_by_ordinal[received_ordinal - 1] if before else received_day) + clock
            if not lowest <= received_ordinal <= highest:
                raise NeedsFullValidation
            if due_cell:
                try:
                    due_ordinal, due_day, _month = days[due_cell[:10]]
                    clock, before = clocks[due_cell[10:]]
                except KeyError:
                    (due_ordinal, due_day, _month), (clock, before) = _parts(due_cell)
                if not received_ordinal <= due_ordinal <= highest:
                    raise NeedsFullValidation
                due = (iso_by_ordinal[due_ordinal - 1] if before else due_day) + clock
            else:
                due_ordinal = due_day = due = None
            end_ordinal: int | None = None
            end_day: str | None = None
            end_month: int | None = None
            if finished_cell:
                try:
                    end_ordinal, end_day, end_month = days[finished_cell[:10]]
                    clock, before = clocks[finished_cell[10:]]
                except KeyError:
                    (end_ordinal, end_day, end_month), (clock, before) = _parts(finished_cell)
                if not received_ordinal <= end_ordinal <= highest:
                    raise NeedsFullValidation
                finished = (iso_by_ordinal[end_ordinal - 1] if before else end_day) + clock
            else:
                finished = None
            if returned_cell == finished_cell:
                returned = finished
            elif returned_cell:
                (returned_ordinal, returned_day, returned_month), (clock, before) = _parts(returned_cell)
                if not received_ordinal <= returned_ordinal <= highest:
                    raise NeedsFullValidation
                returned = (iso_by_ordinal[returned_ordinal - 1] if before else returned_day) + clock
                if end_ordinal is None:
                    end_ordinal, end_day, end_month = returned_ordinal, returned_day, returned_month
            else:
                returned = None
            apology_ordinal: int | None = None
            apology: str | None = None
            if apology_cell:
                (apology_ordinal, apology, _month), _clock = _parts(apology_cell)
                if not lowest <= apology_ordinal <= highest:
                    raise NeedsFullValidation

            # The facts, as classify.classify_batch and facts.facts_for_records compute them.
            supplements = flag_values[6]
            overdue_from = overdue_apology_from = apology_in_time = processing = gap = None
            late_after_end = 0
            if end_ordinal is None:
                outcome = OPEN
            else:
                if supplements > max_supplements:
                    outcome = LATE
                elif due_ordinal is None or end_ordinal == due_ordinal:
                    outcome = ON_TIME
                elif end_ordinal < due_ordinal:
                    outcome = EARLY
                else:
                    outcome = LATE
                processing = cumulative[end_ordinal - first_ordinal] - cumulative[received_ordinal - first_ordinal]
                if apology_ordinal is not None and apology_ordinal > end_ordinal:
                    gap = apology_ordinal - end_ordinal
                    late_after_end = 1 if outcome == LATE else 0
            if due_ordinal is not None:
                if apology_ordinal is not None:
                    if apology_ordinal >= due_ordinal:
                        apology_in_time = 0
                    else:
                        # Working days in [apology, due − 1], as classify.is_apology_in_time counts them.
                        available = cumulative[due_ordinal - 1 - first_ordinal]
                        available -= cumulative[apology_ordinal - 1 - first_ordinal]
                        apology_in_time = int(available >= apology_days)
                if end_ordinal is None or end_ordinal > due_ordinal:
                    overdue_from = iso_by_ordinal[due_ordinal + 1]
                    if apology_ordinal is not None:
                        start = max(due_ordinal + 1, apology_ordinal)
                        if end_ordinal is None or end_ordinal > start:
                            overdue_apology_from = iso_by_ordinal[start]
            if procedure not in procedures_seen:  # announced only with a row that is written
                procedures_seen.add(procedure)
                batch.procedures[procedure] = names(name_and_field(row_cells))
            rows.append(
                (
                    code,
                    unit_id,
                    procedure,
                    received,
                    due,
                    finished,
                    returned,
                    *flag_values,
                    apology,
                    status,
                    received_day,
                    due_day,
                    end_day,
                    outcome,
                    apology_in_time,
                    processing,
                    received_month,
                    end_month,
                    overdue_from,
                    overdue_apology_from,
                    late_after_end,
                    gap,
                    now,
                )
            )
            row_numbers.append(row_number)
        except (NeedsFullValidation, TypeError, AttributeError):  # the last two: a cell that is not text
            record, errors = validation.validate(row_number, to_dict(cells))
            others.append((row_number, record, errors))
    if batch.rows_read:
        yield batch
