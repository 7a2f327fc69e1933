"""Turning parsed records into table rows, without Django: this runs in a reader process too.

A row holds what the database stores for a dossier, in `ROW_COLUMNS` order and in the form the
database driver takes directly: for SQLite, UTC timestamps and ISO dates as text and flags as 0/1
(sqlite3 binds exact ints and str directly but sends every bool through its adapter lookup, 6 s per
million rows); for PostgreSQL, aware datetimes, dates and booleans. The procedure is carried by its
code until the writer, which alone may create procedures, puts the id in its place.
"""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from operator import itemgetter
from pathlib import Path
from typing import Any, Final

from cchc.dossiers.calendar import WorkingCalendar
from cchc.dossiers.classify import DossierRules
from cchc.dossiers.facts import facts_for_records
from cchc.dossiers.parsing import (
    CODE,
    PROCEDURE_CODE,
    DossierRecord,
    ImportFileError,
    ImportProfile,
    RowError,
    read_record_batches,
)

VIETNAM: Final = timezone(timedelta(hours=7))
_SEVEN_HOURS: Final = timedelta(hours=7)
CODE_LIMIT: Final = 100
PROCEDURE_CODE_LIMIT: Final = 80

ROW_COLUMNS: Final = (
    "code",
    "unit_id",
    "procedure_id",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "channel",
    "online_level",
    "components_digitised",
    "result_digitised",
    "has_fee",
    "paid_online",
    "supplement_requests",
    "apology_date",
    "status",
    "received_day",
    "due_day",
    "end_day",
    "outcome",
    "apology_in_time",
    "processing_working_days",
    "received_month",
    "end_month",
    "overdue_from",
    "overdue_apology_from",
    "late_apology_after_end",
    "imported_at",
)
PROCEDURE_POSITION: Final = 2
# Positions, in a row, of counters.ContributionRow's fields.
CONTRIBUTION_POSITIONS: Final = tuple(
    ROW_COLUMNS.index(name)
    for name in (
        "unit_id",
        "procedure_id",
        "received_day",
        "channel",
        "online_level",
        "components_digitised",
        "has_fee",
        "paid_online",
        "end_day",
        "outcome",
        "result_digitised",
        "apology_date",
        "apology_in_time",
        "processing_working_days",
        "overdue_from",
        "overdue_apology_from",
    )
)
contribution_of = itemgetter(*CONTRIBUTION_POSITIONS)


def length_errors(row_number: int, record: DossierRecord, profile: ImportProfile) -> list[RowError]:
    """What the parser accepts but a column cannot hold."""
    errors = []
    for field_name, value, limit in (
        (CODE, record.code, CODE_LIMIT),
        (PROCEDURE_CODE, record.procedure_code, PROCEDURE_CODE_LIMIT),
    ):
        if len(value) > limit:
            errors.append(RowError(row_number, profile.label(field_name), value, f"dài quá {limit} ký tự"))
    return errors


@dataclass
class Prepared:
    """One batch ready for the writer."""

    rows_read: int = 0
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    procedures: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (name, field)
    errors: list[RowError] = field(default_factory=list)
    # Records whose dates reach beyond the calendar's years: the writer seeds those years first.
    deferred: list[tuple[int, DossierRecord]] = field(default_factory=list)


@dataclass(frozen=True)
class RowMaker:
    """Everything needed to turn records into rows (picklable, for the reader process)."""

    unit_ids: Mapping[str, int]
    calendar: WorkingCalendar
    rules: DossierRules
    postgresql: bool
    now: datetime  # aware
    first_year: int
    last_year: int

    def prepare(self, items: Sequence[tuple[int, DossierRecord]], rows_read: int = 0) -> Prepared:
        prepared = Prepared(rows_read=rows_read)
        kept: list[tuple[int, DossierRecord]] = []
        first, last = self.first_year, self.last_year
        for row_number, record in items:
            due = record.due
            if not first <= record.received.year <= last or (due is not None and not first <= due.year <= last):
                prepared.deferred.append((row_number, record))
            else:
                kept.append((row_number, record))
        records = [record for _row, record in kept]
        prepared.row_numbers = [row for row, _record in kept]
        procedures = prepared.procedures
        for record in records:
            if record.procedure_code not in procedures:
                procedures[record.procedure_code] = (record.procedure_name, record.field)
        prepared.rows = self.rows(records)
        return prepared

    def rows(self, records: Sequence[DossierRecord]) -> list[tuple[Any, ...]]:
        facts = facts_for_records(records, self.calendar, self.rules)
        if self.postgresql:
            return _postgresql_rows(records, facts, self.unit_ids, self.now)
        utc_now = self.now.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
        return _sqlite_rows(records, facts, self.unit_ids, utc_now)


def _postgresql_rows(
    records: Sequence[DossierRecord], facts: Sequence[Any], unit_ids: Mapping[str, int], now: datetime
) -> list[tuple[Any, ...]]:
    zone = VIETNAM
    return [
        (
            record.code,
            unit_ids[record.unit_code],
            record.procedure_code,
            record.received.replace(tzinfo=zone),
            record.due.replace(tzinfo=zone) if record.due is not None else None,
            record.finished.replace(tzinfo=zone) if record.finished is not None else None,
            record.returned.replace(tzinfo=zone) if record.returned is not None else None,
            record.channel,
            record.online_level or "",
            record.components_digitised,
            record.result_digitised,
            record.has_fee,
            record.paid_online,
            record.supplement_requests,
            record.apology_date,
            record.status[:100],
            *fact,
            now,
        )
        for record, fact in zip(records, facts, strict=True)
    ]


def _sqlite_rows(
    records: Sequence[DossierRecord], facts: Sequence[Any], unit_ids: Mapping[str, int], now: str
) -> list[tuple[Any, ...]]:
    seven = _SEVEN_HOURS
    texts: dict[date, str] = {}

    def day(value: date | None) -> str | None:
        if value is None:
            return None
        text = texts.get(value)
        if text is None:
            text = texts[value] = value.isoformat()
        return text

    rows: list[tuple[Any, ...]] = []
    append = rows.append
    for record, fact in zip(records, facts, strict=True):
        due, finished, returned = record.due, record.finished, record.returned
        in_time = fact.apology_in_time
        append(
            (
                record.code,
                unit_ids[record.unit_code],
                record.procedure_code,
                (record.received - seven).isoformat(" "),
                (due - seven).isoformat(" ") if due is not None else None,
                (finished - seven).isoformat(" ") if finished is not None else None,
                (returned - seven).isoformat(" ") if returned is not None else None,
                record.channel,
                record.online_level or "",
                1 if record.components_digitised else 0,
                1 if record.result_digitised else 0,
                1 if record.has_fee else 0,
                1 if record.paid_online else 0,
                record.supplement_requests,
                day(record.apology_date),
                record.status[:100],
                day(fact.received_day),
                day(fact.due_day),
                day(fact.end_day),
                fact.outcome,
                None if in_time is None else (1 if in_time else 0),
                fact.processing_working_days,
                fact.received_month,
                fact.end_month,
                day(fact.overdue_from),
                day(fact.overdue_apology_from),
                1 if fact.late_apology_after_end else 0,
                now,
            )
        )
    return rows


def check_batch(
    batch: Sequence[tuple[int, DossierRecord | None, list[RowError]]], profile: ImportProfile
) -> tuple[list[tuple[int, DossierRecord]], list[RowError]]:
    """Valid (row, record) pairs and the row errors of one parsed batch."""
    valid: list[tuple[int, DossierRecord]] = []
    errors: list[RowError] = []
    for row_number, record, row_errors in batch:
        if row_errors:
            errors.extend(row_errors)
        elif record is not None:
            if len(record.code) > CODE_LIMIT or len(record.procedure_code) > PROCEDURE_CODE_LIMIT:
                errors.extend(length_errors(row_number, record, profile))
            else:
                valid.append((row_number, record))
    return valid, errors


def prepare_file(
    path: str | Path,
    profile: ImportProfile,
    maker: RowMaker,
    known_unit_codes: Collection[str],
    batch_size: int,
) -> Iterator[Prepared]:
    """Read, check and turn a file into prepared batches (row errors travel with their batch)."""
    for batch in read_record_batches(path, known_unit_codes, profile, batch_size):
        valid, errors = check_batch(batch, profile)
        prepared = maker.prepare(valid, len(batch))
        prepared.errors = errors
        yield prepared


def _reader_process(
    channel: Any, path: str, profile: ImportProfile, maker: RowMaker, batch_size: int
) -> None:  # pragma: no cover - runs in the child process
    try:
        for prepared in prepare_file(path, profile, maker, maker.unit_ids.keys(), batch_size):
            channel.put(("batch", prepared))
        channel.put(("end", None))
    except ImportFileError as error:
        channel.put(("file_error", error.messages))
    except BaseException as error:
        channel.put(("error", f"{type(error).__name__}: {error}"))


class ReaderFailed(Exception):
    pass


def prepare_file_in_process(
    path: str | Path, profile: ImportProfile, maker: RowMaker, batch_size: int, queue_size: int = 4
) -> Iterator[Prepared]:
    """`prepare_file` in a separate process (a fresh interpreter, not a fork of this one).

    Reading, checking and building rows is pure Python and takes half of a large import; the writer
    meanwhile feeds the database. Two cores finish a million rows in about two thirds of the time.
    """
    context = multiprocessing.get_context("spawn")
    channel = context.Queue(maxsize=queue_size)
    process = context.Process(
        target=_reader_process, args=(channel, str(path), profile, maker, batch_size), daemon=True
    )
    process.start()
    try:
        while True:
            try:
                kind, payload = channel.get(timeout=5)
            except queue.Empty:
                if not process.is_alive():
                    raise ReaderFailed("Tiến trình đọc tệp dừng đột ngột") from None
                continue
            if kind == "end":
                return
            if kind == "file_error":
                raise ImportFileError(payload)
            if kind == "error":
                raise ReaderFailed(payload)
            yield payload
    finally:
        if process.is_alive():
            process.terminate()
        process.join(timeout=10)
        channel.close()
