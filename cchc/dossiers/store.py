"""Writing dossiers: upsert by code, facts computed once, aggregates adjusted by signed contributions.

A writer works inside its caller's transaction, batch after batch, and settles the aggregates in
`finish()`: the new rows' contributions (counted by the row maker, possibly in a reader process),
minus the stored versions' contributions of re-imported codes, so the aggregates never drift.
Fast paths: SQLite takes plain `executemany` inserts for new codes (an upsert's conflict check doubles
the time of a million rows) and updates for known ones, on its raw connection; PostgreSQL takes COPY
text into a staging table, then one INSERT … ON CONFLICT. Big loads drop the secondary indexes (and
on PostgreSQL the foreign keys) and build them once at the end, inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone as django_timezone

from cchc.dossiers import aggregates, calendar_store
from cchc.dossiers.calendar import WorkingCalendar
from cchc.dossiers.classify import DEFAULT_RULES, DossierRules
from cchc.dossiers.counters import CONTRIBUTION_COLUMNS, Accumulator, Totals
from cchc.dossiers.models import Dossier, Field, Procedure
from cchc.dossiers.parsing import CODE, DEFAULT_PROFILE, UNIT_CODE, DossierRecord, ImportProfile, RowError
from cchc.dossiers.rows import (
    COPY_COLUMNS,
    ROW_COLUMNS,
    UNKNOWN_FIELD,
    Prepared,
    RowMaker,
    contribution_of,
    copy_unescape,
    field_name,
)

DOSSIER_TABLE = Dossier._meta.db_table
PROCEDURE_TABLE = Procedure._meta.db_table
SQLITE_CACHE_KIBIBYTES = 512 * 1024
BULK_ROWS = 100_000
_PROCEDURE_ID = f"(SELECT id FROM {PROCEDURE_TABLE} WHERE code = ?)"


def drop_secondary_indexes() -> list[str]:
    """Drop the dossier table's declared indexes (not the unique code); returns the SQL to recreate them."""
    editor = connection.schema_editor()
    statements = [str(index.create_sql(Dossier, editor)) for index in Dossier._meta.indexes]
    with connection.cursor() as cursor:
        for index in Dossier._meta.indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {index.name}")
    return statements


def drop_code_indexes_postgresql() -> list[str]:
    """Drop the unique constraint on the code and Django's pattern index on it; returns the SQL to
    build them back (one sorted build each instead of a million random insertions)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, DOSSIER_TABLE)
        (name,) = [
            name
            for name, details in constraints.items()
            if details.get("unique") and not details.get("primary_key") and details["columns"] == ["code"]
        ]
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname LIKE %s",
            [DOSSIER_TABLE, "%code%like"],
        )
        patterns = cursor.fetchall()
        for index_name, _definition in patterns:
            cursor.execute(f'DROP INDEX "{index_name}"')
        cursor.execute(f'ALTER TABLE {DOSSIER_TABLE} DROP CONSTRAINT "{name}"')
    return [f'ALTER TABLE {DOSSIER_TABLE} ADD CONSTRAINT "{name}" UNIQUE (code)'] + [
        definition for _index_name, definition in patterns
    ]


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

    def field_names(self) -> dict[str, str]:
        """Procedure code → field name, for row makers."""
        names = {pk: name for name, pk in self.field_ids.items()}
        return {code: names[field_id] for code, field_id in self.field_by_code.items()}

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
            # On PostgreSQL the writer only streams COPY text, so the reader counts; SQLite's reader is
            # the busier process (parsing), so there the writer counts from the rows it inserts.
            counts=self.postgresql and keep_aggregates,
            procedure_fields=self.procedures.field_names(),
        )
        # Contributions counted elsewhere (a reader process) and those of stored versions, subtracted.
        self.totals = Totals()
        self.summary = WriteSummary()
        connection.ensure_connection()
        self._staging_ready = False
        if not self.postgresql:
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
        # On PostgreSQL a first big load goes straight into the table by COPY, without the unique index
        # on the code (the file has no duplicate code and the table nothing to clash with).
        self._copy_direct = False
        if expected_rows is not None and expected_rows >= BULK_ROWS and expected_rows > stored:
            self._rebuild = drop_secondary_indexes()
            if self.postgresql:
                self._rebuild += drop_foreign_keys_postgresql()
                if self._table_was_empty:
                    self._rebuild[:0] = drop_code_indexes_postgresql()
                    self._copy_direct = True

    # Entry points.

    def write(self, items: Sequence[tuple[int, DossierRecord]]) -> list[RowError]:
        """Upsert valid (row number, record) pairs; returns rows refused (units outside the scope)."""
        prepared = self.maker.prepare(items)
        return prepared.errors + self.write_prepared(prepared)

    def write_prepared(self, prepared: Prepared) -> list[RowError]:
        """Upsert a prepared batch (see rows.py; its own `errors` are the caller's to report).

        Returns the rows refused while writing: codes already stored for a unit outside the scope.
        """
        if prepared.totals is not None:
            self.totals.merge(prepared.totals)
        errors: list[RowError] = []
        if prepared.deferred:
            self._cover_years(prepared.deferred)
            errors += self._write_batch(self.maker.prepare(prepared.deferred))
        return errors + self._write_batch(prepared)

    def _write_batch(self, prepared: Prepared) -> list[RowError]:
        if not prepared.row_numbers:
            return []
        self.procedures.ensure(prepared.procedures)
        if self.postgresql:
            self._stage(prepared.copy_text)
            return []
        return self._write_sqlite(prepared.rows, prepared.row_numbers)

    def _cover_years(self, items: Sequence[tuple[int, DossierRecord]]) -> None:
        years = {record.received.year for _row, record in items}
        years.update(record.due.year for _row, record in items if record.due is not None)
        first, last = calendar_store.seeded_range()
        calendar_store.ensure_years(range(min(min(years) - 1, first), max(max(years) + 1, last) + 1))
        first, last = calendar_store.seeded_range()
        self.maker = replace(
            self.maker,
            calendar=calendar_store.build_calendar(first, last),
            first_year=first,
            last_year=last,
            procedure_fields=self.procedures.field_names(),
            totals=self.maker.totals,
        )

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
        if self.keep_aggregates:
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

    # PostgreSQL: COPY everything into a staging table, merge once in finish().

    def _copy_into_table(self, copy_text: str) -> None:
        """COPY a batch straight into the dossier table, the procedure code (each line's last but one
        field) replaced by its id and the row number dropped."""
        ids = self.procedures.ids
        lines = []
        for line in copy_text.splitlines():
            head, code, _row = line.rsplit("\t", 2)
            lines.append(f"{head}\t{ids[copy_unescape(code)]}\n")
        columns = [name for name in COPY_COLUMNS if name in ROW_COLUMNS] + ["procedure_id"]
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {DOSSIER_TABLE} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            copy.write("".join(lines))
        self.summary.created += len(lines)

    def _stage(self, copy_text: str) -> None:
        if self._copy_direct:
            self._copy_into_table(copy_text)
            return
        with connection.cursor() as cursor:
            if not self._staging_ready:
                stored = [name for name in COPY_COLUMNS if name in ROW_COLUMNS]
                cursor.execute("DROP TABLE IF EXISTS dossier_staging")
                cursor.execute(
                    f"CREATE TEMP TABLE dossier_staging AS SELECT {', '.join(stored)} FROM {DOSSIER_TABLE} WITH NO DATA"
                )
                cursor.execute(
                    "ALTER TABLE dossier_staging ADD COLUMN procedure_code text, ADD COLUMN source_row integer"
                )
                self._staging_ready = True
            with cursor.cursor.copy(f"COPY dossier_staging ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
                copy.write(copy_text)

    def _merge_postgresql(self) -> list[RowError]:
        if not self._staging_ready:
            return []
        errors: list[RowError] = []
        staged = ["p.id" if name == "procedure_id" else f"s.{name}" for name in ROW_COLUMNS]
        source = f"FROM dossier_staging s JOIN {PROCEDURE_TABLE} p ON p.code = s.procedure_code"
        with connection.cursor() as cursor:
            if not self._table_was_empty:
                cursor.execute("CREATE INDEX ON dossier_staging (code)")
                cursor.execute("ANALYZE dossier_staging")
            if self.allowed_unit_ids is not None and not self._table_was_empty:
                cursor.execute(
                    f"SELECT s.source_row, s.code FROM dossier_staging s JOIN {DOSSIER_TABLE} d ON d.code = s.code "
                    "WHERE NOT (d.unit_id = ANY(%s))",
                    [list(self.allowed_unit_ids)],
                )
                foreign = cursor.fetchall()
                if foreign:
                    errors = [self._scope_error(row_number, code) for row_number, code in foreign]
                    codes = [code for _row, code in foreign]
                    columns = ", ".join(
                        "p.id" if name == "procedure_id" else f"s.{name}" for name in CONTRIBUTION_COLUMNS
                    )
                    cursor.execute(f"SELECT {columns} {source} WHERE s.code = ANY(%s)", [codes])
                    self._subtract(cursor.fetchall())
                    cursor.execute("DELETE FROM dossier_staging WHERE code = ANY(%s)", [codes])
            old: list[tuple[Any, ...]] = []
            if not self._table_was_empty:
                cursor.execute(self._old_contributions_sql("JOIN dossier_staging s ON s.code = d.code"))
                old = cursor.fetchall()
                self._subtract(row[1:] for row in old)
            columns = ", ".join(ROW_COLUMNS)
            insert = f"INSERT INTO {DOSSIER_TABLE} ({columns}) SELECT {', '.join(staged)} {source}"
            if not self._table_was_empty:
                assignments = ", ".join(f"{name} = EXCLUDED.{name}" for name in ROW_COLUMNS[1:])
                insert += f" ON CONFLICT (code) DO UPDATE SET {assignments}"
            cursor.execute(insert)
            written = cursor.rowcount
            cursor.execute("DROP TABLE dossier_staging")
        self._staging_ready = False
        self.summary.created += written - len(old)
        self.summary.updated += len(old)
        return errors

    def finish(self) -> WriteSummary:
        """Merge what is staged and apply the aggregate changes; refused rows are in `summary.errors`."""
        if self.postgresql:
            self.summary.errors.extend(self._merge_postgresql())
        if self._rebuild:
            if self.postgresql:
                connection.check_constraints()
            with connection.cursor() as cursor:
                for statement in self._rebuild:
                    cursor.execute(statement)
            self._rebuild = []
        if self.keep_aggregates:
            self.totals.merge(self.maker.totals)
            resolved = self.totals.resolved(self.procedures.ids, self.procedures.field_ids)
            aggregates.apply_increments(*resolved.non_zero())
        self.totals = Totals()
        self.maker.totals.clear()
        if self.postgresql and self.summary.created >= BULK_ROWS:
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {DOSSIER_TABLE}")
        return self.summary
