"""Writing dossiers: upsert by code, facts computed once, aggregates adjusted by signed contributions.

A writer works inside its caller's transaction, batch after batch, and settles the aggregates in
`finish()`: the new rows' contributions minus the stored versions' contributions of re-imported
codes, so the aggregates never drift.

SQLite takes plain `executemany` inserts for new codes (an upsert's conflict check doubles the time
of a million rows) and updates for known ones, on its raw connection, with the facts computed in
Python by the reader; the writer counts the contributions in Python (`counters.Accumulator`), except
in a first big load, whose aggregates are rebuilt once at the end (`column_sums.py`).

PostgreSQL takes each batch as COPY text into a staging table and merges it in SQL: the facts from
`aggregates.stored_fact_expressions` and the working-day tally, one INSERT … ON CONFLICT, and the
batch's events (minus the replaced versions') summed into `aggregates.EventSums`. The database does
this while the reader process parses the next batches, so the two cores share the import.

Big loads drop the secondary indexes (and on PostgreSQL the foreign keys) and build them once at the
end, inside the same transaction. A first big load sums every aggregate at the end in NumPy
(column_sums.py): on PostgreSQL from the columns each merge hands back, summed in a thread while the
database builds the indexes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone as django_timezone

from cchc.dossiers import aggregates, calendar_store, column_sums, table_keys
from cchc.dossiers.calendar import WorkingCalendar
from cchc.dossiers.classify import DEFAULT_RULES, DossierRules
from cchc.dossiers.counters import CONTRIBUTION_COLUMNS, Accumulator, Totals
from cchc.dossiers.models import Dossier, Field, Procedure
from cchc.dossiers.parsing import CODE, DEFAULT_PROFILE, UNIT_CODE, DossierRecord, ImportProfile, RowError
from cchc.dossiers.rows import (
    COPY_COLUMNS,
    ROW_COLUMNS,
    STAGED_COLUMNS,
    STAMP_COLUMNS,
    UNKNOWN_FIELD,
    Prepared,
    RowMaker,
    contribution_of,
    field_name,
)

DOSSIER_TABLE = Dossier._meta.db_table
PROCEDURE_TABLE = Procedure._meta.db_table
SQLITE_CACHE_KIBIBYTES = 512 * 1024
BULK_ROWS = 100_000
# PostgreSQL merges staged rows by this many: each merge has a fixed cost, and its partial sums
# (see aggregates.EventSums) are grouped again at the end.
MERGE_ROWS = 10_000
_PROCEDURE_ID = f"(SELECT id FROM {PROCEDURE_TABLE} WHERE code = ?)"


def _staged_view_sql() -> str:
    """The staging table as `STAGED_COLUMNS`: timestamps and days from the numbers COPY gave (see
    rows.copy_text). A microsecond count stays exact through the interval's multiplication (done in
    double precision) up to 2^53 microseconds, about 285 years either side of 1970: the parser
    accepts years 1900 to 2100 only."""
    epoch, day_zero, local_offset = "TIMESTAMPTZ '1970-01-01 00:00:00+00'", "DATE '1970-01-01'", 7 * 3600 * 10**6
    expressions = {name: name for name in STAGED_COLUMNS if name in COPY_COLUMNS}
    for stamp in STAMP_COLUMNS:
        micros = f"{stamp}_days * CAST({86400 * 10**6} AS bigint) + {stamp}_micros - {local_offset}"
        expressions[f"{stamp}_at"] = f"{epoch} + ({micros}) * INTERVAL '1 microsecond'"
    expressions["apology_date"] = f"{day_zero} + apology_days"
    expressions["received_day"] = f"{day_zero} + received_days"
    expressions["due_day"] = f"{day_zero} + due_days"
    expressions["end_day"] = f"{day_zero} + COALESCE(finished_days, returned_days)"
    return "SELECT " + ", ".join(f"{expressions[name]} AS {name}" for name in STAGED_COLUMNS) + " FROM dossier_staging"


_STAGED_VIEW = _staged_view_sql()


def drop_secondary_indexes() -> list[str]:
    """Drop the dossier table's declared indexes (not the unique code); returns the SQL to recreate them."""
    editor = connection.schema_editor()
    statements = [str(index.create_sql(Dossier, editor)) for index in Dossier._meta.indexes]
    with connection.cursor() as cursor:
        for index in Dossier._meta.indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {index.name}")
    return statements


def drop_foreign_keys_postgresql() -> list[str]:
    """Drop the dossier table's foreign keys; returns the SQL to add them back.

    Adding a foreign key back checks all rows in one join, where a million inserted rows would each
    queue a deferred trigger (seconds of work at commit).
    """
    statements = []
    connection.check_constraints()  # pending deferred checks would forbid altering the table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, DOSSIER_TABLE)
        for name, details in constraints.items():
            if details.get("foreign_key"):
                table, column = details["foreign_key"]
                (own_column,) = details["columns"]
                cursor.execute(f'ALTER TABLE {DOSSIER_TABLE} DROP CONSTRAINT "{name}"')
                statements.append(
                    f'ALTER TABLE {DOSSIER_TABLE} ADD CONSTRAINT "{name}" FOREIGN KEY ({own_column}) '
                    f"REFERENCES {table} ({column}) DEFERRABLE INITIALLY DEFERRED"
                )
    return statements


class ProcedureResolver:
    """Procedure code → id and field, creating procedures (and fields) the first time a code is seen."""

    def __init__(self) -> None:
        if Procedure.objects.filter(field__isnull=True).exists():
            Procedure.objects.filter(field__isnull=True).update(
                field=Field.objects.get_or_create(name=UNKNOWN_FIELD)[0]
            )
        self.field_ids: dict[str, int] = dict(Field.objects.values_list("name", "id"))
        self.ids: dict[str, int] = {}
        self.field_by_code: dict[str, int] = {}
        self.field_by_id: dict[int, int] = {}
        self._learn(Procedure.objects.all())

    def _learn(self, procedures: Any) -> None:
        for code, pk, field_id in procedures.values_list("code", "id", "field_id"):
            self.ids[code] = pk
            self.field_by_code[code] = field_id
            self.field_by_id[pk] = field_id

    def ensure(self, procedures: dict[str, tuple[str, str]]) -> dict[str, int]:
        missing = {
            code: (name, field_name(field)) for code, (name, field) in procedures.items() if code not in self.ids
        }
        if missing:
            new_fields = {field for _name, field in missing.values()} - self.field_ids.keys()
            if new_fields:
                Field.objects.bulk_create([Field(name=name) for name in sorted(new_fields)], ignore_conflicts=True)
                self.field_ids = dict(Field.objects.values_list("name", "id"))
            Procedure.objects.bulk_create(
                [
                    Procedure(code=code, name=name[:500], field_id=self.field_ids[field])
                    for code, (name, field) in missing.items()
                ],
                ignore_conflicts=True,
            )
            self._learn(Procedure.objects.filter(code__in=list(missing)))
        return self.ids


@dataclass
class WriteSummary:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


class DossierWriter:
    """Upserts batches of valid records; `finish()` applies the aggregate changes."""

    def __init__(
        self,
        calendar: WorkingCalendar,
        rules: DossierRules = DEFAULT_RULES,
        *,
        unit_ids: dict[str, int],
        allowed_unit_ids: Collection[int] | None = None,
        profile: ImportProfile = DEFAULT_PROFILE,
        now: datetime | None = None,
        expected_rows: int | None = None,
        keep_aggregates: bool = True,
    ) -> None:
        self.unit_ids = unit_ids
        self.allowed_unit_ids = None if allowed_unit_ids is None else frozenset(allowed_unit_ids)
        self.profile = profile
        # A bulk loader that rebuilds every aggregate in SQL afterwards (the demo) skips the increments.
        self.keep_aggregates = keep_aggregates
        self.procedures = ProcedureResolver()
        self.postgresql = aggregates.is_postgresql()
        first, last = calendar_store.seeded_range()
        self.maker = RowMaker(
            unit_ids=unit_ids,
            calendar=calendar,
            rules=rules,
            postgresql=self.postgresql,
            now=now or django_timezone.now(),
            first_year=first,
            last_year=last,
            allowed_unit_ids=self.allowed_unit_ids,
            unit_label=profile.label(UNIT_CODE),
        )
        # SQLite: the contributions of the rows written, minus those of the stored versions they replace.
        self.totals = Totals()
        self.summary = WriteSummary()
        connection.ensure_connection()
        self._staging_ready = False
        self._staged_rows = 0
        self._sums: aggregates.EventSums | None = None
        self._unknown_field = aggregates.unknown_field_id() if self.postgresql else 0
        if self.postgresql:
            calendar_store.ensure_tally(calendar, first, last)  # the facts are computed from it in SQL
        else:
            # A million inserts touch pages of seven indexes; SQLite's default 2 MB page cache makes
            # nearly each one a page miss (an import took 3 minutes instead of 20 s).
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIBIBYTES}")
        stored = Dossier.objects.count()
        # Into an empty table (a first load) no stored version can exist: no need to look any up.
        self._table_was_empty = stored == 0
        # Building the secondary indexes once after a big load costs far less than updating them row
        # by row (a million rows into SQLite: 15 s with them, 6 s + 3.5 s to rebuild). Dropping them
        # is part of the transaction, so a failed import leaves them as they were.
        self._rebuild: list[str] = []
        if expected_rows is not None and expected_rows >= BULK_ROWS and expected_rows > stored:
            self._rebuild = drop_secondary_indexes()
            if self.postgresql:
                self._rebuild += drop_foreign_keys_postgresql()
                if self._table_was_empty:
                    # The file has no duplicate code, the ids come from the sequence and the table holds
                    # nothing to clash with: the unique code and the primary key (unless another table
                    # refers to it) are built at the end too. The primary key's index alone took 1.7 s
                    # of the database's time per million rows inserted, against 0.3 s to build it after.
                    self._rebuild[:0] = table_keys.drop_keys(DOSSIER_TABLE)
        # A first big load (on PostgreSQL the table locked by the dropped indexes) sums the events once
        # at the end, over the whole table, rather than batch by batch: the batches' partial sums would
        # be grouped again, and while the file is read the database (PostgreSQL) or the writer's
        # inserts (SQLite) are the busier side.
        self._sum_at_end = keep_aggregates and self._table_was_empty and bool(self._rebuild)
        # PostgreSQL's merges then hand back their rows' columns for those sums (see finish()).
        self._columns: list[column_sums.Columns] | None = [] if self._sum_at_end and self.postgresql else None
        self._largest_unit = max(unit_ids.values(), default=0)

    # Entry points.

    def write(self, items: Sequence[tuple[int, DossierRecord]]) -> list[RowError]:
        """Upsert valid (row number, record) pairs; returns rows refused (units outside the scope)."""
        prepared = self.maker.prepare(items)
        return prepared.errors + self.write_prepared(prepared)

    def write_prepared(self, prepared: Prepared) -> list[RowError]:
        """Upsert a prepared batch (see rows.py; its own `errors` are the caller's to report).

        Returns the rows refused while writing: codes already stored for a unit outside the scope.
        """
        errors: list[RowError] = []
        if prepared.deferred:
            self._cover_years(prepared.deferred)
            errors += self._write_batch(self.maker.prepare(prepared.deferred))
        return errors + self._write_batch(prepared)

    def _write_batch(self, prepared: Prepared) -> list[RowError]:
        if not prepared.rows_to_write:
            return []
        self.procedures.ensure(prepared.procedures)
        if self.postgresql:
            self._stage(prepared.copy_text, prepared.rows_to_write)
            return self._merge_staged() if self._staged_rows >= MERGE_ROWS else []
        return self._write_sqlite(prepared.rows, prepared.row_numbers)

    def _cover_years(self, items: Sequence[tuple[int, DossierRecord]]) -> None:
        years: set[int] = set()
        for _row, record in items:
            stamps = (record.received, record.due, record.finished, record.returned, record.apology_date)
            years.update(stamp.year for stamp in stamps if stamp)
        first, last = calendar_store.seeded_range()
        calendar_store.ensure_years(range(min(min(years) - 1, first), max(max(years) + 1, last) + 1))
        first, last = calendar_store.seeded_range()
        calendar = calendar_store.build_calendar(first, last)
        if self.postgresql:
            calendar_store.ensure_tally(calendar, first, last)
        self.maker = replace(self.maker, calendar=calendar, first_year=first, last_year=last)

    def _scope_error(self, row_number: int, code: str) -> RowError:
        return RowError(
            row_number,
            self.profile.label(CODE),
            code,
            f"hồ sơ «{code}» đã có trong hệ thống thuộc một đơn vị bạn không có quyền cập nhật",
        )

    def _old_contributions_sql(self, where: str) -> str:
        columns = ", ".join(f"d.{name}" for name in CONTRIBUTION_COLUMNS)
        return f"SELECT d.code, {columns} FROM {DOSSIER_TABLE} d {where}"

    def _subtract(self, contributions: Any) -> None:
        self._count(contributions, -1)

    def _count(self, contributions: Any, sign: int) -> None:
        """Fold contributions keyed by procedure id or code (both known once the batch is ensured)."""
        accumulator = Accumulator()
        accumulator.add(contributions, sign)
        self.totals.fields.update(self.procedures.field_by_code)
        self.totals.fields.update(self.procedures.field_by_id)
        self.totals.fold(accumulator)

    # SQLite: look up the stored versions, then insert the new codes and update the known ones.

    def _write_sqlite(self, rows: list[tuple[Any, ...]], row_numbers: list[int]) -> list[RowError]:
        raw = connection.connection
        assert raw is not None
        old: list[tuple[Any, ...]] = []
        if not self._table_was_empty:
            codes = [row[0] for row in rows]
            for start in range(0, len(codes), 30_000):
                chunk = codes[start : start + 30_000]
                sql = self._old_contributions_sql(f"WHERE d.code IN ({', '.join(['?'] * len(chunk))})")
                old.extend(raw.execute(sql, chunk).fetchall())
        errors: list[RowError] = []
        if old and self.allowed_unit_ids is not None:
            foreign = {row[0] for row in old if row[1] not in self.allowed_unit_ids}
            if foreign:
                errors = [
                    self._scope_error(number, row[0])
                    for row, number in zip(rows, row_numbers, strict=True)
                    if row[0] in foreign
                ]
                rows = [row for row in rows if row[0] not in foreign]
                old = [row for row in old if row[0] not in foreign]
        self._subtract(row[1:] for row in old)
        if self.keep_aggregates and not self._sum_at_end:
            self._count(map(contribution_of, rows), 1)
        existing = {row[0] for row in old}
        new_rows = [row for row in rows if row[0] not in existing] if existing else rows
        values = ", ".join(_PROCEDURE_ID if name == "procedure_id" else "?" for name in ROW_COLUMNS)
        raw.executemany(f"INSERT INTO {DOSSIER_TABLE} ({', '.join(ROW_COLUMNS)}) VALUES ({values})", new_rows)
        if existing:
            assignments = ", ".join(
                f"{name} = {_PROCEDURE_ID if name == 'procedure_id' else '?'}" for name in ROW_COLUMNS[1:]
            )
            raw.executemany(
                f"UPDATE {DOSSIER_TABLE} SET {assignments} WHERE code = ?",
                [(*row[1:], row[0]) for row in rows if row[0] in existing],
            )
        self.summary.created += len(new_rows)
        self.summary.updated += len(existing)
        return errors

    # PostgreSQL: each batch COPYed into a staging table, then merged with its facts in SQL.

    def _stage(self, copy_text: str, rows: int) -> None:
        with connection.cursor() as cursor:
            if self._staging_ready:
                if not self._staged_rows:
                    cursor.execute("TRUNCATE dossier_staging")
            else:
                stored = [name for name in COPY_COLUMNS if name in ROW_COLUMNS]
                cursor.execute("DROP TABLE IF EXISTS dossier_staging")
                cursor.execute(
                    f"CREATE TEMP TABLE dossier_staging ON COMMIT DROP AS SELECT {', '.join(stored)} "
                    f"FROM {DOSSIER_TABLE} WITH NO DATA"
                )
                added = ["procedure_code text", "source_row integer", "apology_days integer"]
                added += [f"{stamp}_{part}" for stamp in STAMP_COLUMNS for part in ("days integer", "micros bigint")]
                cursor.execute("ALTER TABLE dossier_staging " + ", ".join(f"ADD COLUMN {column}" for column in added))
                self._staging_ready = True
            with cursor.cursor.copy(f"COPY dossier_staging ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
                copy.write(copy_text)
        self._staged_rows += rows

    def _refuse_foreign_codes(self, cursor: Any) -> list[RowError]:
        """Staged codes already stored for a unit outside the scope: reported and left out."""
        cursor.execute(
            f"SELECT s.source_row, s.code FROM dossier_staging s JOIN {DOSSIER_TABLE} d ON d.code = s.code "
            "WHERE NOT (d.unit_id = ANY(%s))",
            [list(self.allowed_unit_ids or ())],
        )
        foreign = cursor.fetchall()
        if foreign:
            cursor.execute("DELETE FROM dossier_staging WHERE code = ANY(%s)", [[code for _row, code in foreign]])
        return [self._scope_error(row_number, code) for row_number, code in foreign]

    def _merge_staged(self) -> list[RowError]:
        """The staged rows into the table in one statement: their facts computed, the stored
        versions replaced, their events summed (after the stored versions' are subtracted)."""
        errors: list[RowError] = []
        known_codes = not self._table_was_empty
        facts = aggregates.stored_fact_expressions(self.maker.rules)
        staged = [name for name in STAGED_COLUMNS if name in ROW_COLUMNS]
        select = ", ".join(
            [f"s.{name}" for name in staged]
            + ["p.id AS procedure_id", f"COALESCE(p.field_id, {int(self._unknown_field)}) AS field_id"]
            + [f"{expression} AS {name}" for name, expression in facts.items()]
            + ["%s AS imported_at"]
        )
        columns = ", ".join(ROW_COLUMNS)
        insert = f"INSERT INTO {DOSSIER_TABLE} ({columns}) SELECT {columns} FROM batch"
        with connection.cursor() as cursor:
            replaced = 0
            if known_codes:
                cursor.execute("ANALYZE dossier_staging")
                if self.allowed_unit_ids is not None:
                    errors = self._refuse_foreign_codes(cursor)
                stored_versions = f"(SELECT d.* FROM {DOSSIER_TABLE} d JOIN dossier_staging s ON s.code = d.code)"
                cursor.execute(f"SELECT COUNT(*) FROM {stored_versions} AS stored")
                replaced = cursor.fetchone()[0]
                assignments = ", ".join(f"{name} = EXCLUDED.{name}" for name in ROW_COLUMNS[1:])
                insert += f" ON CONFLICT (code) DO UPDATE SET {assignments}"
            if self.keep_aggregates and not self._sum_at_end and self._sums is None:
                self._sums = aggregates.EventSums(self._unknown_field)
            sums = []
            if self._sums is not None:
                if replaced:
                    self._sums.add(stored_versions, -1)
                sums = self._sums.inserts("batch", fielded=True)
            # One statement: the batch with its facts is computed once, in memory, and read by the
            # insert and by the sums (a temporary table for it cost a tenth of the import).
            steps = [
                f"batch AS MATERIALIZED (SELECT {select} FROM ({_STAGED_VIEW}) s "
                f"JOIN {PROCEDURE_TABLE} p ON p.code = s.procedure_code, {aggregates.TALLY_ARRAYS})",
                f"written AS ({insert} RETURNING 1)",
            ]
            steps += [f"sums_{position} AS ({statement})" for position, statement in enumerate(sums)]
            if self._columns is None:
                cursor.execute(f"WITH {', '.join(steps)} SELECT COUNT(*) FROM written", [self.maker.now])
                written = cursor.fetchone()[0]
            else:
                written = self._merge_with_columns(steps)
        if written != self._staged_rows - len(errors):
            # A staged row whose procedure is unknown would be dropped by the join: never lose one quietly.
            raise RuntimeError(f"{self._staged_rows - len(errors)} dossiers staged, {written} written")
        self.summary.created += written - replaced
        self.summary.updated += replaced
        self._staged_rows = 0
        return errors

    def _merge_with_columns(self, steps: list[str]) -> int:
        """Run the merge's steps, keeping the batch's columns for the sums at the end: read from the
        batch in memory they cost the database a fraction of reading the table back after the load."""
        assert self._columns is not None
        paired = column_sums.pairable(self._largest_unit, max(self.procedures.ids.values(), default=0))
        steps = [*steps, f"columns AS (SELECT {column_sums.postgresql_columns_sql('batch', paired)})"]
        written, count, data = column_sums.fetch_binary(
            f"WITH {', '.join(steps)} SELECT (SELECT COUNT(*) FROM written), * FROM columns", [self.maker.now]
        )
        self._columns.append(column_sums.postgresql_columns(count, data, paired))
        return int(written)

    def finish(self) -> WriteSummary:
        """Merge what is still staged, build what was dropped and apply the aggregate changes; rows
        refused while merging are in `summary.errors`."""
        if self._staged_rows:
            self.summary.errors.extend(self._merge_staged())
        with ThreadPoolExecutor(max_workers=1) as pool:
            sums = None
            if self._columns is not None:
                # NumPy sums the merged rows' columns while the database builds the indexes.
                chunks, self._columns = self._columns, None
                field_of = aggregates.field_of_procedures()
                sums = pool.submit(lambda: column_sums.tables(column_sums.joined(chunks), field_of))
            self._build_dropped()
            if self._sum_at_end:
                aggregates.rebuild(sums=sums.result() if sums else None)
                self._sum_at_end = False
            elif self._sums is not None:
                self._sums.apply()
                self._sums = None
            elif self.keep_aggregates and not self.postgresql:
                resolved = self.totals.resolved(self.procedures.ids, self.procedures.field_ids)
                aggregates.apply_increments(*resolved.non_zero())
        self.totals = Totals()
        return self.summary

    def _build_dropped(self) -> None:
        """The indexes and keys dropped for a big load, then the table's statistics."""
        if self._rebuild:
            if self.postgresql:
                connection.check_constraints()
                # Index builds sort in memory and in parallel workers given room (64 MB by default).
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            with connection.cursor() as cursor:
                for statement in self._rebuild:
                    cursor.execute(statement)
            self._rebuild = []
        if self.postgresql and self.summary.created >= BULK_ROWS:
            # Before grouping the table (the sums of a big import that is not a first load): without
            # its statistics that took twice as long.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {DOSSIER_TABLE}")
