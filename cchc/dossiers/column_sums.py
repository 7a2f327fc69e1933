"""Every aggregate table rebuilt from the dossiers' columns, summed with NumPy.

A full rebuild (after a calendar or rule change, after a first big import, for the demo) sums about
two events per dossier into a few hundred thousand groups. The databases do that slowly: SQLite
groups only by sorting (about 2.4 µs a row, 17 s for the events of a million dossiers on the bench
machine), PostgreSQL hashes 22 counters through five event kinds in a single backend. Here each
chunk of dossiers is read as a few integer arrays (SQLite: one value per query, concatenated as text;
PostgreSQL: one binary COPY), every counter of every kind is summed by `numpy.bincount` over the
events' group numbers, and the five tables are written back in key order. The events are those of
`aggregates.event_kinds()`; the tests check a rebuild against the rows the import's increments give
and the KPI figures against the reference count.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from typing import Any, Final

import numpy as np
import psycopg
from django.db import connection

from cchc.dossiers.counters import (
    APOLOGY_PENDING_DELTA,
    APOLOGY_PENDING_IN_TIME_DELTA,
    COMPONENTS_DIGITISED,
    COUNTER_NAMES,
    EARLY,
    LATE,
    LATE_APOLOGISED,
    LATE_APOLOGISED_AFTER_END,
    LATE_APOLOGISED_AFTER_END_IN_TIME,
    LATE_APOLOGISED_IN_TIME,
    ON_TIME,
    ONLINE,
    ONLINE_FULL,
    OPEN_DELTA,
    OVERDUE_APOLOGISED_DELTA,
    OVERDUE_APOLOGISED_IN_TIME_DELTA,
    OVERDUE_DELTA,
    PAID_ONLINE,
    PROCESSING_DAYS_TOTAL,
    RECEIVED,
    RESULTS_DIGITISED,
    SETTLED,
    WIDTH,
    WITH_FEE,
)

# Dossiers read at once: a chunk's columns and events take about 150 bytes a dossier.
CHUNK_DOSSIERS: Final = 2_000_000
# A missing day (no end, never overdue, …): 9999-12-31, later than any real one.
NO_DAY: Final = int(np.datetime64("9999-12-31", "D").astype(np.int64))
_NO_DAY_TEXT: Final = "'9999-12-31'"
# PostgreSQL's binary dates count days from 2000-01-01.
_POSTGRESQL_EPOCH: Final = int(np.datetime64("2000-01-01", "D").astype(np.int64))

# The bits of a dossier's `flags` column, as read.
_ONLINE, _ONLINE_FULL, _COMPONENTS, _FEE, _PAID = 1, 2, 4, 8, 16
_RESULT, _EARLY, _ON_TIME, _LATE, _IN_TIME, _LATE_AFTER_END = 32, 64, 128, 256, 512, 1024
_OVERDUE, _OVERDUE_APOLOGY = 2048, 4096
_FLAG_BITS: Final = 13
_FLAG_CONDITIONS: Final = (
    (_ONLINE, "channel = 2"),
    (_ONLINE_FULL, "channel = 2 AND online_level = 'full'"),
    (_COMPONENTS, "components_digitised"),
    (_FEE, "has_fee"),
    (_PAID, "has_fee AND paid_online"),
    (_RESULT, "result_digitised"),
    (_EARLY, "outcome = 'early'"),
    (_ON_TIME, "outcome = 'on_time'"),
    (_LATE, "outcome = 'late'"),
    (_IN_TIME, "apology_in_time"),
    (_LATE_AFTER_END, "late_apology_after_end"),
    (_OVERDUE, "overdue_from IS NOT NULL"),
    (_OVERDUE_APOLOGY, "overdue_apology_from IS NOT NULL"),
)
FLAGS_SQL: Final = " + ".join(f"CASE WHEN {condition} THEN {bit} ELSE 0 END" for bit, condition in _FLAG_CONDITIONS)
# The flags and the processing days as one number: one value to read instead of two.
_FLAGS_AND_PROCESSING_SQL: Final = (
    f"({FLAGS_SQL}) + CAST(COALESCE(processing_working_days, 0) AS bigint) * {1 << _FLAG_BITS}"
)
# A unit and a procedure id in one number, when the ids fit (they do but in theory).
_PAIR_SQL: Final = "unit_id * 4294967296 + procedure_id"


@dataclass
class Events:
    """The dossiers raising a kind of event few raise (overdue; overdue with an apology): for each,
    its unit, procedure, the event's day and whether the apology was in time."""

    unit: np.ndarray
    procedure: np.ndarray
    day: np.ndarray
    in_time: np.ndarray  # bool


@dataclass
class Columns:
    """One chunk of dossiers as arrays: ids, days (counted from 1970-01-01, NO_DAY if none), flags,
    processing days; and the two rarer kinds of events (on SQLite read on their own, over the few rows
    that raise them)."""

    unit: np.ndarray
    procedure: np.ndarray
    received_day: np.ndarray
    end_day: np.ndarray
    apology_date: np.ndarray
    flags: np.ndarray
    processing: np.ndarray
    overdue: Events
    overdue_apology: Events

    def check(self) -> None:
        lengths = {len(self.unit), len(self.procedure), len(self.received_day), len(self.end_day)}
        lengths |= {len(self.apology_date), len(self.flags), len(self.processing)}
        for events in (self.overdue, self.overdue_apology):
            if len({len(events.unit), len(events.procedure), len(events.day), len(events.in_time)}) != 1:
                raise RuntimeError("dossier events read with different lengths")
        if len(lengths) != 1:
            raise RuntimeError(f"dossier columns read with different lengths: {sorted(lengths)}")


@dataclass
class Sums:
    """Counter sums per distinct key: `keys` holds one array per key column, `counters` one row per key."""

    keys: list[np.ndarray]
    counters: np.ndarray  # int64, (groups, WIDTH)


# Reading.


def ids_pair(unit_table: str, procedure_table: str) -> bool:
    """Whether every unit and procedure id fits `_PAIR_SQL`'s one number."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT MAX(id) FROM {unit_table}), (SELECT MAX(id) FROM {procedure_table})")
        largest_unit, largest_procedure = cursor.fetchone()
    return pairable(largest_unit or 0, largest_procedure or 0)


def pairable(largest_unit: int, largest_procedure: int) -> bool:
    """Whether unit and procedure ids up to these fit `_PAIR_SQL`'s one number."""
    return largest_unit < 1 << 30 and largest_procedure < 1 << 32


def read_chunks(table: str, unit_table: str, procedure_table: str) -> Iterator[Columns]:
    """The dossiers of `table` in chunks of at most CHUNK_DOSSIERS ids (only those that exist are read)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {table}")
        first, last = cursor.fetchone()
    if first is None:
        return
    paired = ids_pair(unit_table, procedure_table)
    reader = _read_postgresql if connection.vendor == "postgresql" else _read_sqlite
    for start in range(first - 1, last, CHUNK_DOSSIERS):
        yield reader(table, start, start + CHUNK_DOSSIERS, paired)


def read_tables(table: str, unit_table: str, procedure_table: str, field_of: FieldOf) -> Tables:
    """`tables` of `read_chunks`, each chunk summed in a thread while this one reads the next: the
    database reads on one core and NumPy sums on the other (at 10M rows on PostgreSQL the reads took
    14 s and the sums 4.4 s one after the other)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        parts = [
            pool.submit(chunk_sums, columns, field_of) for columns in read_chunks(table, unit_table, procedure_table)
        ]
        return _tables([part.result() for part in parts], field_of)


def _unpaired(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return pairs >> 32, pairs & 0xFFFFFFFF


def _flags_and_processing(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return values & ((1 << _FLAG_BITS) - 1), values >> _FLAG_BITS


def integers(text: str | None) -> np.ndarray:
    """A concatenation of integers separated by commas."""
    return np.fromstring(text, dtype=np.int64, sep=",") if text else np.zeros(0, dtype=np.int64)


def days(text: str | None) -> np.ndarray:
    """A concatenation of ISO days (fixed width, so NumPy parses it in one call), counted from 1970-01-01."""
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.frombuffer(text.encode("ascii"), dtype="S10").astype("datetime64[D]").astype(np.int64)


def _read_sqlite(table: str, after: int, through: int, paired: bool) -> Columns:
    """Each value by a query concatenating it over the chunk as text, which costs a fraction of
    fetching rows (each value read costs about as much as scanning the table once, so few are read).

    NOT INDEXED keeps every query on the table itself, in id order, so that the columns line up.
    """
    raw = connection.connection
    assert raw is not None
    source = f"FROM {table} NOT INDEXED WHERE id > ? AND id <= ?"

    def query(select: str, condition: str = "") -> tuple[str | None, ...]:
        return tuple(raw.execute(f"SELECT {select} {source}{condition}", (after, through)).fetchone())

    def day_column(column: str) -> np.ndarray:
        return days(query(f"group_concat(COALESCE({column}, {_NO_DAY_TEXT}), '')")[0])

    if paired:
        unit, procedure = _unpaired(integers(query(f"group_concat({_PAIR_SQL})")[0]))
    else:
        unit, procedure = integers(query("group_concat(unit_id)")[0]), integers(query("group_concat(procedure_id)")[0])
    flags, processing = _flags_and_processing(integers(query(f"group_concat({_FLAGS_AND_PROCESSING_SQL})")[0]))

    def events(day: str) -> Events:
        # Aggregates of one query over the same rows line up; few rows hold the day.
        units, procedures, event_days, in_time = query(
            f"group_concat(unit_id), group_concat(procedure_id), group_concat({day}, ''), "
            "group_concat(COALESCE(apology_in_time, 0))",
            f" AND {day} IS NOT NULL",
        )
        return Events(integers(units), integers(procedures), days(event_days), integers(in_time) != 0)

    columns = Columns(
        unit=unit,
        procedure=procedure,
        received_day=day_column("received_day"),
        end_day=day_column("end_day"),
        apology_date=day_column("apology_date"),
        flags=flags,
        processing=processing,
        overdue=events("overdue_from"),
        overdue_apology=events("overdue_apology_from"),
    )
    columns.check()
    return columns


def _postgresql_values(paired: bool) -> list[str]:
    """A row's values as `postgresql_columns_sql` sends them, in order."""
    day_columns = ("received_day", "end_day", "apology_date", "overdue_from", "overdue_apology_from")
    ids = [_PAIR_SQL] if paired else ["unit_id", "procedure_id"]
    return [
        *ids,
        *(f"COALESCE({column} - DATE '1970-01-01', {NO_DAY})" for column in day_columns),
        _FLAGS_AND_PROCESSING_SQL,
    ]


def postgresql_columns_sql(source: str, paired: bool) -> str:
    """`COUNT(*), string_agg(…)` of a chunk's values over `source` (a table or a query's rows, such as
    an import batch's): one bytea of big-endian bigints, which `postgresql_columns` reads.

    `string_agg` of each row's `int8send`s hands the whole chunk over as one value: a binary COPY sends
    a message per row, and receiving a million of them cost Python about as much again as the query
    (1.5 against 0.9-1.1 s at 1M on the bench machine). A row's values travel together, so the columns
    line up whatever order the rows come in; the count checks no row was left out (by a NULL).
    A value costs about a tenth of its row's cost, so the rare events' days come with the rest.
    """
    row = " || ".join(f"int8send(CAST({expression} AS bigint))" for expression in _postgresql_values(paired))
    return f"COUNT(*), string_agg({row}, ''::bytea) FROM {source}"


def postgresql_columns(count: int, data: bytes | None, paired: bool) -> Columns:
    """The Columns of what `postgresql_columns_sql` selected."""
    values = _bigint_rows(data or b"", len(_postgresql_values(paired)), count)
    unit, procedure = _unpaired(values[0]) if paired else (values[0], values[1])
    received, end, apology, overdue_from, overdue_apology_from, flags_and_processing = values[-6:]
    flags, processing = _flags_and_processing(flags_and_processing)
    in_time = (flags & _IN_TIME) != 0

    def events(day: np.ndarray) -> Events:
        raised = day != NO_DAY
        return Events(unit[raised], procedure[raised], day[raised], in_time[raised])

    columns = Columns(
        unit, procedure, received, end, apology, flags, processing, events(overdue_from), events(overdue_apology_from)
    )
    columns.check()
    return columns


def fetch_binary(sql: str, parameters: Sequence[Any]) -> tuple[Any, ...]:
    """The one row of a PostgreSQL query, received in binary. Django's cursors bind on the client
    side, which cannot receive a result in binary."""
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, parameters, binary=True)
        row = cursor.fetchone()
    if row is None:
        raise RuntimeError("the query returned no row")
    return tuple(row)


def _read_postgresql(table: str, after: int, through: int, paired: bool) -> Columns:
    sql = f"SELECT {postgresql_columns_sql(table, paired)} WHERE id > %s AND id <= %s"
    count, data = fetch_binary(sql, [after, through])
    return postgresql_columns(count, data, paired)


def joined(chunks: Sequence[Columns]) -> list[Columns]:
    """Small chunks (an import's batches) joined into chunks of at most CHUNK_DOSSIERS dossiers:
    summing costs a fixed part per chunk."""
    groups: list[list[Columns]] = []
    size = 0
    for columns in chunks:
        if not groups or size + len(columns.unit) > CHUNK_DOSSIERS:
            groups.append([])
            size = 0
        groups[-1].append(columns)
        size += len(columns.unit)
    return [_joined(group) for group in groups]


def _joined(parts: Sequence[Any]) -> Any:
    """Columns or Events: each of their arrays concatenated over the parts."""
    if len(parts) == 1:
        return parts[0]
    kind = type(parts[0])
    values = {}
    for item in fields(kind):
        pieces = [getattr(part, item.name) for part in parts]
        values[item.name] = np.concatenate(pieces) if isinstance(pieces[0], np.ndarray) else _joined(pieces)
    return kind(**values)


def _bigint_rows(data: bytes, width: int, rows: int) -> list[np.ndarray]:
    """`rows` rows of `width` big-endian bigints, as one int64 array per column."""
    if len(data) != rows * width * 8:
        raise RuntimeError(f"{rows} dossiers read as {len(data)} bytes: a value was NULL or not a bigint")
    values = np.frombuffer(data, dtype=">i8").reshape(rows, width)
    return [values[:, position].astype(np.int64) for position in range(width)]  # contiguous: summed faster


_BINARY_SIGNATURE: Final = b"PGCOPY\n\xff\r\n\x00"
# The signature, then no flags and no header extension (two 32-bit zeros); a 16-bit −1 ends the data.
_BINARY_HEADER: Final = _BINARY_SIGNATURE + b"\x00" * 8
_BINARY_TRAILER: Final = b"\xff\xff"


def _binary_record(types: Sequence[str]) -> np.dtype:
    """One row of a binary COPY whose values are all non-null: its field count, then each value's
    length and the value, big-endian (`types` in NumPy's notation, such as '>i8')."""
    layout: list[tuple[str, str]] = [("fields", ">i2")]
    for position, kind in enumerate(types):
        layout += [(f"length{position}", ">i4"), (f"value{position}", kind)]
    return np.dtype(layout)


# Summing.


@dataclass
class _Contribution:
    """What one kind of event adds to one counter: `sign` for each event, or for each one `where` holds,
    or its `weights` (processing days)."""

    counter: int
    sign: int = 1
    where: np.ndarray | None = None
    weights: np.ndarray | None = None


@dataclass
class _Kind:
    """One kind of event: for each, its unit, procedure and day, and what it adds to which counters."""

    unit: np.ndarray
    procedure: np.ndarray
    day: np.ndarray
    contributions: list[_Contribution]


def _kinds(columns: Columns) -> list[_Kind]:
    """The five kinds of aggregates.event_kinds(), as arrays (see there and counters.py)."""
    flags, unit, procedure = columns.flags, columns.unit, columns.procedure

    def has(values: np.ndarray, bit: int) -> np.ndarray:
        return (values & bit) != 0

    ended = np.flatnonzero(columns.end_day != NO_DAY)
    end_flags, end_day, apology = flags[ended], columns.end_day[ended], columns.apology_date[ended]
    apologised_late = has(end_flags, _LATE) & (apology != NO_DAY)
    late_apology, late_after_end = apologised_late & (apology <= end_day), apologised_late & (apology > end_day)
    end_in_time = has(end_flags, _IN_TIME)
    end_overdue_apology = has(end_flags, _OVERDUE_APOLOGY)
    issued = np.flatnonzero(has(flags, _LATE_AFTER_END))
    overdue, overdue_apology = columns.overdue, columns.overdue_apology
    return [
        _Kind(
            unit,
            procedure,
            columns.received_day,
            [
                _Contribution(RECEIVED),
                _Contribution(OPEN_DELTA),
                _Contribution(ONLINE, where=has(flags, _ONLINE)),
                _Contribution(ONLINE_FULL, where=has(flags, _ONLINE_FULL)),
                _Contribution(COMPONENTS_DIGITISED, where=has(flags, _COMPONENTS)),
                _Contribution(WITH_FEE, where=has(flags, _FEE)),
                _Contribution(PAID_ONLINE, where=has(flags, _PAID)),
            ],
        ),
        _Kind(
            unit[ended],
            procedure[ended],
            end_day,
            [
                _Contribution(SETTLED),
                _Contribution(OPEN_DELTA, -1),
                _Contribution(EARLY, where=has(end_flags, _EARLY)),
                _Contribution(ON_TIME, where=has(end_flags, _ON_TIME)),
                _Contribution(LATE, where=has(end_flags, _LATE)),
                _Contribution(RESULTS_DIGITISED, where=has(end_flags, _RESULT)),
                _Contribution(LATE_APOLOGISED, where=late_apology),
                _Contribution(LATE_APOLOGISED_IN_TIME, where=late_apology & end_in_time),
                _Contribution(LATE_APOLOGISED_AFTER_END, where=late_after_end),
                _Contribution(APOLOGY_PENDING_DELTA, where=late_after_end),
                _Contribution(APOLOGY_PENDING_IN_TIME_DELTA, where=late_after_end & end_in_time),
                _Contribution(LATE_APOLOGISED_AFTER_END_IN_TIME, where=late_after_end & end_in_time),
                _Contribution(PROCESSING_DAYS_TOTAL, weights=columns.processing[ended]),
                _Contribution(OVERDUE_DELTA, -1, where=has(end_flags, _OVERDUE)),
                _Contribution(OVERDUE_APOLOGISED_DELTA, -1, where=end_overdue_apology),
                _Contribution(OVERDUE_APOLOGISED_IN_TIME_DELTA, -1, where=end_overdue_apology & end_in_time),
            ],
        ),
        _Kind(overdue.unit, overdue.procedure, overdue.day, [_Contribution(OVERDUE_DELTA)]),
        _Kind(
            unit[issued],
            procedure[issued],
            columns.apology_date[issued],
            [
                _Contribution(APOLOGY_PENDING_DELTA, -1),
                _Contribution(APOLOGY_PENDING_IN_TIME_DELTA, -1, where=has(flags[issued], _IN_TIME)),
            ],
        ),
        _Kind(
            overdue_apology.unit,
            overdue_apology.procedure,
            overdue_apology.day,
            [
                _Contribution(OVERDUE_APOLOGISED_DELTA),
                _Contribution(OVERDUE_APOLOGISED_IN_TIME_DELTA, where=overdue_apology.in_time),
            ],
        ),
    ]


def _group(keys: Sequence[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct combinations of the key columns, in key order, and each row's group number.

    The keys are combined into one integer (each column offset by its smallest value, or numbered
    by its distinct values when sparse) and grouped by counting, or by sorting when too sparse;
    keys too wide to combine into 62 bits are sorted column by column instead.
    """
    size = len(keys[0])
    if size == 0:
        return [np.zeros(0, dtype=np.int64) for _ in keys], np.zeros(0, dtype=np.int64)
    composite = np.zeros(size, dtype=np.int64)
    # Per column: its span, and its smallest value or its distinct values (numbered).
    decoders: list[tuple[int, int | np.ndarray]] = []
    room = 1
    for key in keys:
        low = int(key.min())
        span = int(key.max()) - low + 1
        if room * span < 2**62:
            offsets = key - low
            decoders.append((span, low))
        else:  # sparse values (huge ids): number the distinct ones instead
            distinct, offsets = np.unique(key, return_inverse=True)
            span = len(distinct)
            if room * span >= 2**62:
                return _group_by_sorting(keys)
            decoders.append((span, distinct))
        room *= span
        composite = composite * span + offsets
    if room <= max(4 * size, 1 << 20):  # dense enough to number the groups without sorting
        present = np.zeros(room, dtype=bool)
        present[composite] = True
        unique = np.flatnonzero(present)
        inverse = (np.cumsum(present) - 1)[composite]
    else:
        unique, inverse = np.unique(composite, return_inverse=True)
    columns: list[np.ndarray] = []
    for span, base in reversed(decoders):
        offset = unique % span
        columns.append(offset + base if isinstance(base, int) else base[offset])
        unique = unique // span
    return columns[::-1], inverse


def _group_by_sorting(keys: Sequence[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
    order = np.lexsort(list(reversed(keys)))  # lexsort's last key is its first
    ordered = [key[order] for key in keys]
    starts = np.zeros(len(order), dtype=bool)
    starts[0] = True
    for key in ordered:
        starts[1:] |= key[1:] != key[:-1]
    inverse = np.empty(len(order), dtype=np.int64)
    inverse[order] = np.cumsum(starts) - 1
    return [key[starts] for key in ordered], inverse


def _fine_sums(kinds: list[_Kind], keys: list[np.ndarray]) -> Sums:
    """Every kind's contributions summed by `keys` (one array per key column over the kinds' events,
    kind after kind)."""
    distinct, group = _group(keys)
    groups = len(distinct[0])
    counters = np.zeros((groups, WIDTH), dtype=np.int64)
    start = 0
    for kind in kinds:
        events = group[start : start + len(kind.day)]
        start += len(kind.day)
        every: np.ndarray | None = None
        for contribution in kind.contributions:
            if contribution.weights is not None:
                sums = np.rint(np.bincount(events, weights=contribution.weights, minlength=groups)).astype(np.int64)
            elif contribution.where is not None:
                sums = np.bincount(events[contribution.where], minlength=groups)
            else:
                every = np.bincount(events, minlength=groups) if every is None else every
                sums = every
            counters[:, contribution.counter] += contribution.sign * sums
    return Sums(distinct, counters)


def regroup(parts: Sequence[Sums], keys: Callable[[list[np.ndarray]], list[np.ndarray]]) -> Sums:
    """Sums of several parts (chunks, or a finer table) by new key columns computed from the old ones."""
    columns = [np.concatenate(column) for column in zip(*(part.keys for part in parts), strict=True)]
    counters = np.concatenate([part.counters for part in parts])
    distinct, group = _group(keys(columns))
    order = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.diff(group[order], prepend=-1))
    summed = np.add.reduceat(counters[order], starts, axis=0) if len(order) else counters
    return Sums(distinct, summed)


def month_of(days: np.ndarray) -> np.ndarray:
    """YYYYMM of days counted from 1970-01-01."""
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return (months // 12 + 1970) * 100 + months % 12 + 1


class FieldOf:
    """The field of each procedure id (its field, or the unknown field's id)."""

    def __init__(self, procedures: Sequence[tuple[int, int | None]], unknown: int) -> None:
        pairs = sorted(procedures)
        self.ids = np.array([pk for pk, _field in pairs], dtype=np.int64)
        self.fields = np.array([unknown if field is None else field for _pk, field in pairs], dtype=np.int64)

    def __call__(self, procedure: np.ndarray) -> np.ndarray:
        if not len(procedure):
            return procedure
        positions = np.searchsorted(self.ids, procedure).clip(0, max(len(self.ids) - 1, 0))
        if not len(self.ids) or np.any(self.ids[positions] != procedure):
            raise RuntimeError("a dossier refers to a procedure that does not exist")
        return self.fields[positions]


@dataclass
class Tables:
    """The five aggregate tables' sums, by their key columns."""

    field_day: Sums  # unit, day, field
    procedure_month: Sums  # unit, month, procedure
    unit_day: Sums  # unit, day
    field_month: Sums  # unit, month, field
    unit_month: Sums  # unit, month


def tables(chunks: Sequence[Columns], field_of: FieldOf) -> Tables:
    """The five tables from the dossiers' columns: the two fine ones from the events, chunk by chunk,
    the three coarse ones from the fine ones."""
    return _tables([chunk_sums(columns, field_of) for columns in chunks], field_of)


def chunk_sums(columns: Columns, field_of: FieldOf) -> tuple[Sums, Sums]:
    """The two fine tables' sums (unit × day × field, unit × month × procedure) of one chunk."""
    kinds = _kinds(columns)
    unit = np.concatenate([kind.unit for kind in kinds])
    procedure = np.concatenate([kind.procedure for kind in kinds])
    day = np.concatenate([kind.day for kind in kinds])
    return _fine_sums(kinds, [unit, day, field_of(procedure)]), _fine_sums(kinds, [unit, month_of(day), procedure])


def _tables(parts: Sequence[tuple[Sums, Sums]], field_of: FieldOf) -> Tables:
    field_days = [field_day for field_day, _procedure_month in parts]
    procedure_months = [procedure_month for _field_day, procedure_month in parts]
    if not parts:
        empty = Sums([np.zeros(0, dtype=np.int64)] * 3, np.zeros((0, WIDTH), dtype=np.int64))
        field_days, procedure_months = [empty], [empty]
    field_day = regroup(field_days, lambda keys: keys) if len(field_days) > 1 else field_days[0]
    procedure_month = regroup(procedure_months, lambda keys: keys) if len(procedure_months) > 1 else procedure_months[0]
    field_month = regroup([procedure_month], lambda keys: [keys[0], keys[1], field_of(keys[2])])
    return Tables(
        field_day=field_day,
        procedure_month=procedure_month,
        unit_day=regroup([field_day], lambda keys: keys[:2]),
        field_month=field_month,
        unit_month=regroup([field_month], lambda keys: keys[:2]),
    )


# Writing.


def write(table: str, key_names: Sequence[str], sums: Sums, *, day_keys: Collection[str] = ("day",)) -> None:
    """Insert the non-zero sums into an emptied table, in key order."""
    nonzero = np.flatnonzero(np.any(sums.counters != 0, axis=1))
    keys = [column[nonzero] for column in sums.keys]
    counters = sums.counters[nonzero]
    if connection.vendor == "postgresql":
        _copy_binary(table, key_names, keys, counters, day_keys)
        return
    # One statement for as many rows as the bound values allow: cheaper than a statement per row.
    width = len(key_names) + WIDTH
    values = np.empty((len(counters), width), dtype=object)
    for position, (name, column) in enumerate(zip(key_names, keys, strict=True)):
        values[:, position] = np.datetime_as_string(column.astype("datetime64[D]")) if name in day_keys else column
    values[:, len(key_names) :] = counters
    raw = connection.connection
    assert raw is not None
    rows_per_statement = max(1, raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width)
    row = f"({', '.join(['?'] * width)})"
    insert = f"INSERT INTO {table} ({', '.join([*key_names, *COUNTER_NAMES])}) VALUES "
    for start in range(0, len(values), rows_per_statement):
        part = values[start : start + rows_per_statement]
        raw.execute(insert + ", ".join([row] * len(part)), part.ravel().tolist())


_BINARY_TYPES: Final = {"integer": ">i4", "bigint": ">i8", "date": ">i4", "smallint": ">i2"}


def _copy_binary(
    table: str, key_names: Sequence[str], keys: list[np.ndarray], counters: np.ndarray, day_keys: Collection[str]
) -> None:
    """The rows as one binary COPY built by NumPy: no value is formatted as text."""
    names = [*key_names, *COUNTER_NAMES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [table],
        )
        types = dict(cursor.fetchall())
    rows = np.zeros(len(counters), dtype=_binary_record([_BINARY_TYPES[types[name]] for name in names]))
    values = [*keys, *counters.T]
    rows["fields"] = len(names)
    for position, (name, column) in enumerate(zip(names, values, strict=True)):
        stored = column - _POSTGRESQL_EPOCH if name in day_keys else column
        kind = rows.dtype[f"value{position}"]
        if len(stored) and (stored.min() < np.iinfo(kind).min or stored.max() > np.iinfo(kind).max):
            raise OverflowError(f"{table}.{name} does not hold the sums")
        rows[f"length{position}"] = kind.itemsize
        rows[f"value{position}"] = stored
    data = _BINARY_HEADER + rows.tobytes() + _BINARY_TRAILER
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN (FORMAT binary)") as copy,
    ):
        copy.write(data)
