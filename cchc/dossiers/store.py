"""Writing dossiers: upsert by code, facts computed once, aggregates adjusted by signed contributions.

A writer works inside its caller's transaction, batch after batch, and settles the aggregates in
`finish()`. Re-importing a code subtracts the stored dossier's contributions before adding the new
ones, so the aggregates never drift. Fast paths: SQLite takes plain `executemany` inserts for new
codes (an upsert's conflict check doubles the time of a million rows) and updates for known ones on
its raw connection; PostgreSQL takes COPY into a staging table, then one INSERT … ON CONFLICT.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
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
    PROCEDURE_POSITION,
    ROW_COLUMNS,
    Prepared,
    RowMaker,
    contribution_of,
)

DOSSIER_TABLE = Dossier._meta.db_table
SQLITE_CACHE_KIBIBYTES = 512 * 1024
BULK_ROWS = 100_000


def drop_secondary_indexes() -> list[str]:
    """Drop the dossier table's declared indexes (not the unique code); returns the SQL to recreate them."""
    editor = connection.schema_editor()
    statements = [str(index.create_sql(Dossier, editor)) for index in Dossier._meta.indexes]
    with connection.cursor() as cursor:
        for index in Dossier._meta.indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {index.name}")
    return statements


class ProcedureResolver:
    """Procedure code → id, creating procedures (and fields) the first time a code is seen."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = dict(Procedure.objects.values_list("code", "id"))
        self.field_ids: dict[str, int] = dict(Field.objects.values_list("name", "id"))

    def ensure(self, procedures: dict[str, tuple[str, str]]) -> dict[str, int]:
        missing = {code: described for code, described in procedures.items() if code not in self.ids}
        if missing:
            new_fields = {field[:255] for _name, field in missing.values() if field} - self.field_ids.keys()
            if new_fields:
                Field.objects.bulk_create([Field(name=name) for name in sorted(new_fields)], ignore_conflicts=True)
                self.field_ids = dict(Field.objects.values_list("name", "id"))
            Procedure.objects.bulk_create(
                [
                    Procedure(code=code, name=name[:500], field_id=self.field_ids.get(field[:255]) if field else None)
                    for code, (name, field) in missing.items()
                ],
                ignore_conflicts=True,
            )
            self.ids.update(Procedure.objects.filter(code__in=list(missing)).values_list("code", "id"))
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
        # A bulk loader that rebuilds every aggregate in SQL afterwards (the demo) skips the increments.
        self.keep_aggregates = keep_aggregates
        self.allowed_unit_ids = None if allowed_unit_ids is None else frozenset(allowed_unit_ids)
        self.profile = profile
        self.procedures = ProcedureResolver()
        self.accumulator = Accumulator()
        self.totals = Totals()
        self.summary = WriteSummary()
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
        )
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
        self._rebuild_indexes: list[str] = []
        if expected_rows is not None and expected_rows >= BULK_ROWS and expected_rows > stored:
            self._rebuild_indexes = drop_secondary_indexes()

    # Entry points.

    def write(self, items: Sequence[tuple[int, DossierRecord]]) -> list[RowError]:
        """Upsert valid (row number, record) pairs; returns rows refused (another unit's dossiers)."""
        return self.write_prepared(self.maker.prepare(items))

    def write_prepared(self, prepared: Prepared) -> list[RowError]:
        """Upsert a prepared batch (see rows.py); returns the rows refused."""
        if prepared.deferred:
            self._cover_years(prepared.deferred)
            again = self.maker.prepare(prepared.deferred)
            prepared = replace(
                prepared,
                rows=prepared.rows + again.rows,
                row_numbers=prepared.row_numbers + again.row_numbers,
                procedures={**prepared.procedures, **again.procedures},
                deferred=[],
            )
        if not prepared.rows:
            return []
        ids = self.procedures.ensure(prepared.procedures)
        rows = [(row[0], row[1], ids[row[PROCEDURE_POSITION]], *row[PROCEDURE_POSITION + 1 :]) for row in prepared.rows]
        row_numbers = prepared.row_numbers
        errors: list[RowError] = []
        if self.allowed_unit_ids is not None:
            allowed = self.allowed_unit_ids
            refused = [index for index, row in enumerate(rows) if row[1] not in allowed]
            if refused:
                codes_by_id = {unit_id: code for code, unit_id in self.unit_ids.items()}
                errors = [
                    RowError(
                        row_numbers[index],
                        self.profile.label(UNIT_CODE),
                        codes_by_id.get(rows[index][1], ""),
                        f"bạn không có quyền nhập hồ sơ của đơn vị «{codes_by_id.get(rows[index][1], '')}»",
                    )
                    for index in refused
                ]
                kept = [index for index, row in enumerate(rows) if row[1] in allowed]
                rows = [rows[index] for index in kept]
                row_numbers = [row_numbers[index] for index in kept]
        if not rows:
            return errors
        if self.keep_aggregates:
            self.accumulator.add(map(contribution_of, rows), 1)
        if self.postgresql:
            self._stage(rows, row_numbers)
        else:
            errors.extend(self._write_sqlite(rows, row_numbers))
        if self.keep_aggregates:
            self._fold()
        return errors

    def _fold(self) -> None:
        self.totals.fold(self.accumulator)
        self.accumulator = Accumulator()

    def _cover_years(self, items: Sequence[tuple[int, DossierRecord]]) -> None:
        years = {record.received.year for _row, record in items}
        years.update(record.due.year for _row, record in items if record.due is not None)
        first, last = calendar_store.seeded_range()
        calendar_store.ensure_years(range(min(min(years) - 1, first), max(max(years) + 1, last) + 1))
        first, last = calendar_store.seeded_range()
        self.maker = replace(
            self.maker, calendar=calendar_store.build_calendar(first, last), first_year=first, last_year=last
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
                self.accumulator.add(map(contribution_of, [row for row in rows if row[0] in foreign]), -1)
                rows = [row for row in rows if row[0] not in foreign]
                old = [row for row in old if row[0] not in foreign]
        self.accumulator.add((row[1:] for row in old), -1)
        existing = {row[0] for row in old}
        new_rows = [row for row in rows if row[0] not in existing] if existing else rows
        raw.executemany(
            f"INSERT INTO {DOSSIER_TABLE} ({', '.join(ROW_COLUMNS)}) VALUES ({', '.join(['?'] * len(ROW_COLUMNS))})",
            new_rows,
        )
        if existing:
            assignments = ", ".join(f"{name} = ?" for name in ROW_COLUMNS[1:])
            raw.executemany(
                f"UPDATE {DOSSIER_TABLE} SET {assignments} WHERE code = ?",
                [(*row[1:], row[0]) for row in rows if row[0] in existing],
            )
        self.summary.created += len(new_rows)
        self.summary.updated += len(existing)
        return errors

    # PostgreSQL: COPY everything into a staging table, merge once in finish().

    def _stage(self, rows: Iterable[tuple[Any, ...]], row_numbers: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            if not self._staging_ready:
                cursor.execute("DROP TABLE IF EXISTS dossier_staging")
                cursor.execute(
                    f"CREATE TEMP TABLE dossier_staging AS SELECT {', '.join(ROW_COLUMNS)} FROM {DOSSIER_TABLE} "
                    "WITH NO DATA"
                )
                cursor.execute("ALTER TABLE dossier_staging ADD COLUMN source_row integer")
                self._staging_ready = True
            with cursor.cursor.copy(f"COPY dossier_staging ({', '.join(ROW_COLUMNS)}, source_row) FROM STDIN") as copy:
                write = copy.write_row
                for row, number in zip(rows, row_numbers, strict=True):
                    write((*row, number))

    def _merge_postgresql(self) -> list[RowError]:
        if not self._staging_ready:
            return []
        errors: list[RowError] = []
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
                    cursor.execute(
                        f"SELECT {', '.join(CONTRIBUTION_COLUMNS)} FROM dossier_staging WHERE code = ANY(%s)", [codes]
                    )
                    self.accumulator.add(cursor.fetchall(), -1)
                    cursor.execute("DELETE FROM dossier_staging WHERE code = ANY(%s)", [codes])
            old: list[tuple[Any, ...]] = []
            if not self._table_was_empty:
                cursor.execute(self._old_contributions_sql("JOIN dossier_staging s ON s.code = d.code"))
                old = cursor.fetchall()
                self.accumulator.add((row[1:] for row in old), -1)
            columns = ", ".join(ROW_COLUMNS)
            if self._table_was_empty:
                cursor.execute(f"INSERT INTO {DOSSIER_TABLE} ({columns}) SELECT {columns} FROM dossier_staging")
            else:
                assignments = ", ".join(f"{name} = EXCLUDED.{name}" for name in ROW_COLUMNS[1:])
                cursor.execute(
                    f"INSERT INTO {DOSSIER_TABLE} ({columns}) SELECT {columns} FROM dossier_staging "
                    f"ON CONFLICT (code) DO UPDATE SET {assignments}"
                )
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
        if self._rebuild_indexes:
            if self.postgresql:
                # Deferred foreign-key checks of the new rows must run before an index can be built.
                connection.check_constraints()
            with connection.cursor() as cursor:
                for statement in self._rebuild_indexes:
                    cursor.execute(statement)
            self._rebuild_indexes = []
        if self.keep_aggregates:
            self._fold()
            aggregates.apply_increments(*self.totals.non_zero())
            self.totals = Totals()
        if self.postgresql and self.summary.created >= BULK_ROWS:
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {DOSSIER_TABLE}")
        return self.summary
