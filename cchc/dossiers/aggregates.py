"""The aggregate tables in SQL: incremental upserts, full rebuilds and the recomputation of facts.

The same five event kinds (a dossier's contributions on its received day, end day, first overdue
day, late apology and first overdue-with-apology day; see counters.py) serve three purposes:
rebuilding every aggregate after a calendar or rule change, the demo's bulk load, and counting short
day ranges straight from the dossiers where no aggregate has the needed detail (a procedure
breakdown of a part of a month). Full rebuilds (a calendar or rule change, a first big load on
PostgreSQL, the demo) sum the events in NumPy (column_sums.py); other imports add their batches' sums
in SQL on PostgreSQL (`EventSums`) and in Python on SQLite (counters.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from django.db import connection, transaction

from cchc.dossiers import column_sums, table_keys
from cchc.dossiers.classify import DossierRules
from cchc.dossiers.counters import COUNTER_NAMES, WIDTH, Vector
from cchc.dossiers.models import (
    Dossier,
    Field,
    FieldDayCount,
    FieldMonthCount,
    Procedure,
    ProcedureMonthCount,
    UnitDayCount,
    UnitMonthCount,
    WorkingDayTally,
)
from cchc.dossiers.rows import UNKNOWN_FIELD
from cchc.organisation.models import Unit

DOSSIER = Dossier._meta.db_table
UNIT_DAY = UnitDayCount._meta.db_table
UNIT_MONTH = UnitMonthCount._meta.db_table
PROCEDURE_MONTH = ProcedureMonthCount._meta.db_table
FIELD_DAY = FieldDayCount._meta.db_table
FIELD_MONTH = FieldMonthCount._meta.db_table
PROCEDURE = Procedure._meta.db_table
AGGREGATE_TABLES = (UNIT_DAY, UNIT_MONTH, PROCEDURE_MONTH, FIELD_DAY, FIELD_MONTH)
TALLY = WorkingDayTally._meta.db_table
COUNTER_LIST = ", ".join(COUNTER_NAMES)


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def month_sql(column: str) -> str:
    if is_postgresql():
        # DATE_PART, not EXTRACT: EXTRACT computes in numeric, several times slower over millions of rows.
        return f"CAST(DATE_PART('year', {column}) * 100 + DATE_PART('month', {column}) AS INTEGER)"
    return f"CAST(strftime('%%Y%%m', {column}) AS INTEGER)"


def db_date(value: date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def _flag(condition: str, value: int = 1) -> str:
    return f"CASE WHEN {condition} THEN {value} ELSE 0 END"


def _branch(day: str, month: str, values: dict[str, str], condition: str) -> str:
    columns = ", ".join(f"{values.get(name, '0')} AS {name}" for name in COUNTER_NAMES)
    return f"SELECT unit_id, procedure_id, {day} AS day, {month} AS month, {columns} FROM {DOSSIER} WHERE {condition}"


_LATE_APOLOGY = "outcome = 'late' AND apology_date IS NOT NULL AND apology_date <= end_day"
_LATE_APOLOGY_AFTER_END = "outcome = 'late' AND apology_date IS NOT NULL AND apology_date > end_day"


@dataclass(frozen=True)
class EventKind:
    """One kind of event a dossier raises: the day it falls on, that day's YYYYMM, the counters it
    adds (counter → SQL of the dossier's contribution; the others are 0) and which dossiers raise it."""

    day: str
    month: str
    values: dict[str, str]
    condition: str


def event_kinds() -> list[EventKind]:
    """The five kinds: intake, end, first overdue day, apology issued after the end, first overdue
    day with an apology (see counters.py for what each adds)."""
    return [
        EventKind(
            "received_day",
            "received_month",
            {
                "received": "1",
                "online": _flag("channel = 2"),
                "online_full": _flag("channel = 2 AND online_level = 'full'"),
                "components_digitised": _flag("components_digitised"),
                "with_fee": _flag("has_fee"),
                "paid_online": _flag("has_fee AND paid_online"),
                "open_delta": "1",
            },
            "1 = 1",
        ),
        EventKind(
            "end_day",
            "end_month",
            {
                "settled": "1",
                "early": _flag("outcome = 'early'"),
                "on_time": _flag("outcome = 'on_time'"),
                "late": _flag("outcome = 'late'"),
                "results_digitised": _flag("result_digitised"),
                "late_apologised": _flag(_LATE_APOLOGY),
                "late_apologised_in_time": _flag(f"{_LATE_APOLOGY} AND apology_in_time"),
                "late_apologised_after_end": _flag(_LATE_APOLOGY_AFTER_END),
                "apology_pending_delta": _flag(_LATE_APOLOGY_AFTER_END),
                "apology_pending_in_time_delta": _flag(f"{_LATE_APOLOGY_AFTER_END} AND apology_in_time"),
                "late_apologised_after_end_in_time": _flag(f"{_LATE_APOLOGY_AFTER_END} AND apology_in_time"),
                "processing_days_total": "COALESCE(processing_working_days, 0)",
                "open_delta": "-1",
                "overdue_delta": _flag("overdue_from IS NOT NULL", -1),
                "overdue_apologised_delta": _flag("overdue_apology_from IS NOT NULL", -1),
                "overdue_apologised_in_time_delta": _flag("overdue_apology_from IS NOT NULL AND apology_in_time", -1),
            },
            "end_day IS NOT NULL",
        ),
        EventKind("overdue_from", month_sql("overdue_from"), {"overdue_delta": "1"}, "overdue_from IS NOT NULL"),
        EventKind(
            "apology_date",
            month_sql("apology_date"),
            {
                "apology_pending_delta": "-1",
                "apology_pending_in_time_delta": _flag("apology_in_time", -1),
            },
            "late_apology_after_end",
        ),
        EventKind(
            "overdue_apology_from",
            month_sql("overdue_apology_from"),
            {"overdue_apologised_delta": "1", "overdue_apologised_in_time_delta": _flag("apology_in_time")},
            "overdue_apology_from IS NOT NULL",
        ),
    ]


def events_sql(
    unit_ids: Sequence[int] | None = None, day_range: tuple[date, date] | None = None
) -> tuple[str, list[Any]]:
    """UNION ALL of the five event kinds: (unit_id, procedure_id, day, month, counters…)."""
    parts: list[str] = []
    params: list[Any] = []
    for kind in event_kinds():
        where = kind.condition
        if unit_ids is not None:
            where += f" AND unit_id IN ({', '.join(['%s'] * len(unit_ids))})"
            params.extend(unit_ids)
        if day_range is not None:
            where += f" AND {kind.day} BETWEEN %s AND %s"
            params.extend([db_date(day_range[0]), db_date(day_range[1])])
        parts.append(_branch(kind.day, kind.month, kind.values, where))
    return " UNION ALL ".join(parts), params


def _sums(prefix: str = "", alias: bool = False) -> str:
    # Integer sums: PostgreSQL sums bigints as numeric, several times slower than integers.
    return ", ".join(
        f"CAST(SUM({prefix}{name}) AS INTEGER)" + (f" AS {name}" if alias else "") for name in COUNTER_NAMES
    )


def unknown_field_id() -> int:
    return Field.objects.get_or_create(name=UNKNOWN_FIELD)[0].pk


def field_of_procedures() -> column_sums.FieldOf:
    return column_sums.FieldOf(list(Procedure.objects.values_list("pk", "field_id")), unknown_field_id())


@transaction.atomic
def rebuild(
    chunks: Sequence[column_sums.Columns] | None = None,
    *,
    analyze: bool = True,
    sums: column_sums.Tables | None = None,
) -> None:
    """Every aggregate from the stored facts (or from `chunks`, the dossiers already read, or from
    their `sums`), summed in NumPy (see column_sums.py), in key order. `analyze=False` leaves
    PostgreSQL's statistics of the tables to autovacuum (a recomputation hardly changes their sizes or
    distributions).

    Rows are written in key order, so that a unit's days lie together on disk: a province's screen
    then reads a few hundred pages of a day table, not one page per row. The tables are emptied only
    once every sum is ready, so readers (who see the new figures at the commit) wait for the writes
    only; PostgreSQL empties them by TRUNCATE, since inserting among a DELETE's dead index entries
    took twice as long.
    """
    if sums is None:
        if chunks is None:
            if is_postgresql():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL jit = off")  # compiling the read's expressions costs more than it saves
            sums = column_sums.read_tables(DOSSIER, Unit._meta.db_table, PROCEDURE, field_of_procedures())
        else:
            sums = column_sums.tables(chunks, field_of_procedures())
    with connection.cursor() as cursor:
        if is_postgresql():
            cursor.execute(f"TRUNCATE {', '.join(AGGREGATE_TABLES)}")
        else:
            for table in AGGREGATE_TABLES:
                cursor.execute(f"DELETE FROM {table}")
    with _keys_built_after(AGGREGATE_TABLES):
        column_sums.write(FIELD_DAY, ("unit_id", "day", "field_id"), sums.field_day)
        column_sums.write(PROCEDURE_MONTH, ("unit_id", "month", "procedure_id"), sums.procedure_month)
        column_sums.write(UNIT_DAY, ("unit_id", "day"), sums.unit_day)
        column_sums.write(FIELD_MONTH, ("unit_id", "month", "field_id"), sums.field_month)
        column_sums.write(UNIT_MONTH, ("unit_id", "month"), sums.unit_month)
    if is_postgresql() and analyze:
        with connection.cursor() as cursor:
            for table in AGGREGATE_TABLES:
                cursor.execute(f"ANALYZE {table}")


@contextmanager
def _keys_built_after(tables: Sequence[str]) -> Iterator[None]:
    """PostgreSQL, inside a transaction: the emptied tables' keys and indexes dropped while they are
    refilled and built once after. Building them sorted costs less than the rows' insertions (the unit
    × day × field table of 1M dossiers, 259 292 rows: its COPY took 0,79 s with them, 0,36 s without).
    On an error nothing is built back: the transaction's rollback restores what was dropped."""
    if not is_postgresql() or not connection.in_atomic_block:
        yield
        return
    statements = [statement for table in tables for statement in table_keys.drop_keys(table)]
    yield
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _coarse_sums(field_day: str, procedure_month: str, field_month: str, unknown: int) -> list[tuple[str, str, str]]:
    """(table, keys, SELECT) of the three coarse tables from the fine ones, or their increments from
    fine increments: unit × day from unit × day × field, unit × field × month from unit × month ×
    procedure, unit × month from unit × field × month (`field_month`, written before it is read)."""
    sums = _sums(alias=True)
    return [
        (UNIT_DAY, "unit_id, day", f"SELECT unit_id, day, {sums} FROM {field_day} GROUP BY unit_id, day"),
        (
            FIELD_MONTH,
            "unit_id, month, field_id",
            f"SELECT t.unit_id AS unit_id, t.month AS month, COALESCE(p.field_id, {int(unknown)}) AS field_id, "
            f"{_sums('t.', alias=True)} FROM {procedure_month} t JOIN {PROCEDURE} p ON p.id = t.procedure_id "
            f"GROUP BY t.unit_id, t.month, COALESCE(p.field_id, {int(unknown)})",
        ),
        (UNIT_MONTH, "unit_id, month", f"SELECT unit_id, month, {sums} FROM {field_month} GROUP BY unit_id, month"),
    ]


_FINE_GRAINS: Final = (
    (FIELD_DAY, "unit_id, day, field_id"),
    (PROCEDURE_MONTH, "unit_id, month, procedure_id"),
)


def _kind_grouped(
    kind: EventKind, keys: str, unknown: int, source: str = DOSSIER, sign: int = 1, fielded: bool = False
) -> str:
    """One kind's events summed by `keys` with only that kind's counters (the others are zeros).
    A `fielded` source carries each row's field_id; otherwise it is looked up by procedure."""
    contributions = ", ".join(f"{expression} AS {name}" for name, expression in kind.values.items())
    # Integer parts, so that summing them again stays in integers (see _sums).
    factor = "" if sign == 1 else f"{int(sign)} * "
    sums = ", ".join(
        f"CAST({factor}SUM({name}) AS INTEGER) AS {name}" if name in kind.values else f"0 AS {name}"
        for name in COUNTER_NAMES
    )
    if fielded or "field_id" not in keys:  # no field needed, or the source has it
        field_column = "d.field_id, " if fielded else ""
        rows = f"SELECT d.unit_id, d.procedure_id, {field_column}{kind.day} AS day, {kind.month} AS month"
        rows += f", {contributions} FROM {source} d"
    else:
        rows = f"SELECT d.unit_id, d.procedure_id, COALESCE(p.field_id, {int(unknown)}) AS field_id, "
        rows += f"{kind.day} AS day, {kind.month} AS month, {contributions} FROM {source} d "
        rows += f"JOIN {PROCEDURE} p ON p.id = d.procedure_id"
    return f"SELECT {keys}, {sums} FROM ({rows} WHERE {kind.condition}) AS events GROUP BY {keys}"


class EventSums:
    """Signed sums of dossiers' events at the two fine grains (PostgreSQL), gathered over several
    statements (an import adds each batch, and subtracts the stored versions it replaces), then
    written to the five aggregate tables, the coarse ones summed from the fine ones.

    Each kind of event is summed with only its own counters, hashed: summing all 22 counters over
    every event, most of them zeros, took three times as long. The sums live in temporary tables and
    are written in key order: asked for both in one INSERT, the planner sorted the half million parts
    to group them instead (twice the time).
    """

    def __init__(self, unknown_field: int | None = None) -> None:
        self.unknown = unknown_field if unknown_field is not None else unknown_field_id()
        self.additions = 0
        with connection.cursor() as cursor:
            # A large GROUP BY spills to disk under the stock 4 MB of working memory; compiling these
            # wide sums to machine code (JIT) costs more than it saves (a second at a million dossiers).
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL jit = off")
            for position, (_table, keys) in enumerate(_FINE_GRAINS):
                cursor.execute(f"DROP TABLE IF EXISTS dossier_event_parts_{position}")
                counters = ", ".join(f"{name} integer" for name in COUNTER_NAMES)
                key_columns = ", ".join(f"{key} {'date' if key == 'day' else 'integer'}" for key in keys.split(", "))
                cursor.execute(
                    f"CREATE TEMP TABLE dossier_event_parts_{position} ({key_columns}, {counters}) ON COMMIT DROP"
                )

    def add(self, source: str, sign: int = 1) -> None:
        """Add (sign 1) or subtract (−1) the events of the dossier rows in `source` (a table, or a
        parenthesised query, with the dossier table's columns)."""
        with connection.cursor() as cursor:
            for statement in self.inserts(source, sign):
                cursor.execute(statement)

    def inserts(self, source: str, sign: int = 1, *, fielded: bool = False) -> list[str]:
        """The statements `add` runs, for a caller to run them within its own (as CTEs, where
        `source` may name one); `fielded` as in _kind_grouped. Counted as run."""
        self.additions += 1
        statements = []
        for position, (_table, keys) in enumerate(_FINE_GRAINS):
            parts = " UNION ALL ".join(
                _kind_grouped(kind, keys, self.unknown, source, sign, fielded) for kind in event_kinds()
            )
            statements.append(
                f"INSERT INTO dossier_event_parts_{position} ({keys}, {COUNTER_LIST}) "
                f"SELECT {keys}, {_sums()} FROM ({parts}) AS parts GROUP BY {keys}"
            )
        return statements

    def apply(self) -> None:
        """Add the sums to the five tables (a full rebuild is column_sums.py's)."""
        ready: list[tuple[str, str, str]] = []
        with connection.cursor() as cursor:
            for position, (table, keys) in enumerate(_FINE_GRAINS):
                name = f"dossier_event_parts_{position}"
                if self.additions > 1:  # parts of several additions share keys
                    grouped = f"dossier_event_sums_{position}"
                    cursor.execute(
                        f"CREATE TEMP TABLE {grouped} ON COMMIT DROP AS "
                        f"SELECT {keys}, {_sums(alias=True)} FROM {name} GROUP BY {keys}"
                    )
                    cursor.execute(f"DROP TABLE {name}")
                    name = grouped
                ready.append((table, keys, name))
            field_month = "dossier_event_sums_field_month"
            coarse = _coarse_sums(ready[0][2], ready[1][2], field_month, self.unknown)
            for position, (table, keys, source) in enumerate(coarse, start=len(ready)):
                name = field_month if table == FIELD_MONTH else f"dossier_event_sums_{position}"
                cursor.execute(f"CREATE TEMP TABLE {name} ON COMMIT DROP AS {source}")
                ready.append((table, keys, name))
            nonzero = " OR ".join(f"{name} <> 0" for name in COUNTER_NAMES)
            for table, keys, name in ready:
                rows = f"SELECT {keys}, {COUNTER_LIST} FROM {name} WHERE {nonzero} ORDER BY {keys}"
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
                if not cursor.fetchone()[0]:
                    cursor.execute(f"INSERT INTO {table} ({keys}, {COUNTER_LIST}) {rows}")
                else:
                    cursor.execute(_increment_sql(table, keys.split(", "), rows))
                cursor.execute(f"DROP TABLE {name}")
            for table in AGGREGATE_TABLES:
                cursor.execute(f"ANALYZE {table}")


def _increment_sql(table: str, keys: Sequence[str], source: str) -> str:
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in COUNTER_NAMES)
    return (
        f"INSERT INTO {table} ({', '.join(keys)}, {COUNTER_LIST}) {source} "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    )


def _upsert_increments(table: str, keys: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    rows.sort(key=lambda row: row[: len(keys)])  # in key order on disk: see rebuild()
    with connection.cursor() as cursor:
        if is_postgresql():
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
            if not cursor.fetchone()[0]:  # a first load: nothing to add to, so plain COPY
                with cursor.cursor.copy(f"COPY {table} ({', '.join(keys)}, {COUNTER_LIST}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            staging = f"{table}_increments"
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {staging} AS SELECT {', '.join(keys)}, {COUNTER_LIST} "
                f"FROM {table} WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE {staging}")
            with cursor.cursor.copy(f"COPY {staging} ({', '.join(keys)}, {COUNTER_LIST}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                _increment_sql(table, keys, f"SELECT {', '.join(keys)}, {COUNTER_LIST} FROM {staging} WHERE TRUE")
            )
        else:
            placeholders = ", ".join(["?"] * (len(keys) + WIDTH))
            raw = connection.connection
            raw.executemany(  # type: ignore[union-attr]
                _increment_sql(table, keys, f"VALUES ({placeholders})").replace("%%", "%"), rows
            )


def apply_increments(
    by_day: dict[tuple[int, date], Vector],
    by_month: dict[tuple[int, int], Vector],
    by_procedure_month: dict[tuple[int, int, int], Vector],
    by_field_day: dict[tuple[int, date, int], Vector],
    by_field_month: dict[tuple[int, int, int], Vector],
) -> None:
    """Add signed counter vectors to the five tables (inside the caller's transaction)."""
    connection.ensure_connection()
    _upsert_increments(
        UNIT_DAY, ("unit_id", "day"), [(unit, db_date(day), *vector) for (unit, day), vector in by_day.items()]
    )
    _upsert_increments(
        UNIT_MONTH, ("unit_id", "month"), [(unit, month, *vector) for (unit, month), vector in by_month.items()]
    )
    _upsert_increments(
        PROCEDURE_MONTH,
        ("unit_id", "month", "procedure_id"),
        [(unit, month, procedure, *vector) for (unit, month, procedure), vector in by_procedure_month.items()],
    )
    _upsert_increments(
        FIELD_DAY,
        ("unit_id", "day", "field_id"),
        [(unit, db_date(day), field, *vector) for (unit, day, field), vector in by_field_day.items()],
    )
    _upsert_increments(
        FIELD_MONTH,
        ("unit_id", "month", "field_id"),
        [(unit, month, field, *vector) for (unit, month, field), vector in by_field_month.items()],
    )


def _outcome_sql(max_supplements: int) -> str:
    return (
        "CASE WHEN end_day IS NULL THEN 'open' "
        f"WHEN supplement_requests > {int(max_supplements)} THEN 'late' "
        "WHEN due_day IS NULL OR end_day = due_day THEN 'on_time' "
        "WHEN end_day < due_day THEN 'early' ELSE 'late' END"
    )


# PostgreSQL reads the tally as two arrays indexed by day (the FROM item below): the tally holds every
# day of its range (see calendar_store.sync_tally), so a day's position is its distance from the
# first, and a day outside the range reads NULL, as a missing row would.
TALLY_ARRAYS = (
    "(SELECT MIN(day) AS origin, ARRAY_AGG(through ORDER BY day) AS through_days, "
    f"ARRAY_AGG(before ORDER BY day) AS before_days FROM {TALLY}) AS t"
)


def fact_expressions(rules: DossierRules) -> dict[str, str]:
    """SQL for the calendar- and rule-dependent facts, reading WorkingDayTally (as classify.py computes
    them): on SQLite by a lookup per day, on PostgreSQL from `TALLY_ARRAYS` (a lookup per row there
    cost five times as much)."""
    outcome = _outcome_sql(rules.max_supplement_requests_before_late)
    apology_days = int(rules.apology_working_days_before_due)
    if is_postgresql():

        def cumulative(column: str, day: str) -> str:
            return f"t.{column}_days[{day} - t.origin + 1]"

        # Outside the tally the comparison stays NULL, as it always has on PostgreSQL.
        apology_in_time = (
            f"ELSE {cumulative('before', 'due_day')} - {cumulative('before', 'apology_date')} >= {apology_days} END"
        )
        true, false = "TRUE", "FALSE"
    else:

        def cumulative(column: str, day: str) -> str:
            return f"(SELECT {column} FROM {TALLY} WHERE day = {day})"

        apology_in_time = (
            f"WHEN {cumulative('before', 'due_day')} - {cumulative('before', 'apology_date')} >= {apology_days} "
            "THEN 1 ELSE 0 END"
        )
        true, false = "1", "0"
    return {
        "outcome": outcome,
        "processing_working_days": (
            "CASE WHEN end_day IS NULL THEN NULL WHEN end_day <= received_day THEN 0 ELSE "
            f"{cumulative('through', 'end_day')} - {cumulative('through', 'received_day')} END"
        ),
        "apology_in_time": (
            f"CASE WHEN apology_date IS NULL OR due_day IS NULL THEN NULL WHEN apology_date >= due_day THEN {false} "
            + apology_in_time
        ),
        "late_apology_after_end": (
            f"CASE WHEN ({outcome}) = 'late' AND apology_date IS NOT NULL AND apology_date > end_day "
            f"THEN {true} ELSE {false} END"
        ),
    }


def stored_fact_expressions(rules: DossierRules) -> dict[str, str]:
    """SQL for every stored fact beyond the three days (received, due, end), as facts.py computes
    them: what PostgreSQL adds to an imported row. The calendar- and rule-dependent ones read
    `TALLY_ARRAYS` as `t`."""
    overdue = "due_day IS NOT NULL AND (end_day IS NULL OR end_day > due_day)"
    apology_start = "GREATEST(due_day + 1, apology_date)"
    return {
        **fact_expressions(rules),
        "received_month": month_sql("received_day"),
        "end_month": month_sql("end_day"),
        "overdue_from": f"CASE WHEN {overdue} THEN due_day + 1 END",
        "overdue_apology_from": (
            f"CASE WHEN {overdue} AND apology_date IS NOT NULL "
            f"AND (end_day IS NULL OR end_day > {apology_start}) THEN {apology_start} END"
        ),
        "apology_gap_days": "CASE WHEN apology_date > end_day THEN apology_date - end_day END",
    }


def affected_condition(days: Sequence[date]) -> tuple[str, list[Any]]:
    """SQL (and its parameters) selecting the dossiers whose working-day arithmetic spans one of `days`:
    received before it and ended on or after it, or apologised on or before it and due after it."""
    condition = "(received_day < %s AND end_day >= %s) OR (apology_date <= %s AND due_day > %s)"
    params: list[Any] = []
    for day in days:
        params.extend([db_date(day)] * 4)
    return " OR ".join([condition] * len(days)), params


def recompute_facts(rules: DossierRules, changed_days: Iterable[date] | None = None) -> int:
    """Rewrite the facts that depend on the calendar or the rules; only rows whose facts change are written.

    With `changed_days`, only dossiers whose working-day arithmetic spans one of those days are looked
    at (received before and ended on or after it, or apologised before and due after it).
    """
    affected = ""
    params: list[Any] = []
    if changed_days is not None:
        days = sorted(set(changed_days))
        if not days:
            return 0
        affected, params = affected_condition(days)
    expressions = fact_expressions(rules)
    assignments = ", ".join(f"{column} = {expression}" for column, expression in expressions.items())
    if is_postgresql():
        # One pass: the row of old facts against the row of new ones.
        source = f" FROM {TALLY_ARRAYS}"
        changed = f"({', '.join(expressions)}) IS DISTINCT FROM ({', '.join(expressions.values())})"
    else:
        source = ""
        changed = " OR ".join(f"{column} IS NOT ({expression})" for column, expression in expressions.items())
    where = f"({changed})" + (f" AND ({affected})" if affected else "")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {DOSSIER} SET {assignments}{source} WHERE {where}", params)
        return cursor.rowcount
