"""Turning parsed records into table rows, without Django: this runs in a reader process too.

For SQLite a row holds what the table stores for a dossier, in `ROW_COLUMNS` order and in the form
sqlite3 binds directly: UTC timestamps and ISO dates as text, flags as 0/1 (sqlite3 binds exact ints
and str directly but sends every bool through its adapter lookup, 6 s per million rows). For
PostgreSQL a batch is COPY text in `COPY_COLUMNS` order: the record only, each timestamp as two
integers (its local day counted from 1970-01-01 and its microseconds into that day), which PostgreSQL
reads for a fraction of the cost of parsing a timestamp; the days and every other fact are computed in
SQL as the rows are merged (see store.py).
Either way the procedure travels by its code, which the writer (who alone may create procedures)
turns into an id in SQL.
"""

from __future__ import annotations

import gc
import multiprocessing
import queue
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from operator import itemgetter
from pathlib import Path
from typing import Any, Final

from cchc.dossiers.calendar import WorkingCalendar
from cchc.dossiers.classify import DossierRules
from cchc.dossiers.copy_reading import CODE_LIMIT, COPY_NULL, PROCEDURE_CODE_LIMIT, CopyScope, copy_batches
from cchc.dossiers.facts import StoredFacts, facts_for_records
from cchc.dossiers.fast_reading import EPOCH_ORDINAL, TextMemo, table_record_batches
from cchc.dossiers.parsing import (
    CODE,
    PROCEDURE_CODE,
    DossierRecord,
    ImportFileError,
    ImportProfile,
    RowError,
)
from cchc.dossiers.sqlite_reading import sqlite_batches
from cchc.dossiers.tables import open_table

VIETNAM: Final = timezone(timedelta(hours=7))
# The field of procedures whose register gives none (every procedure has a field).
UNKNOWN_FIELD: Final = "(Chưa rõ lĩnh vực)"
_SEVEN_HOURS: Final = timedelta(hours=7)

# The record's own columns, as both tables below hold them.
_RECORD_COLUMNS: Final = (
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
)
_DAY_COLUMNS: Final = ("received_day", "due_day", "end_day")
ROW_COLUMNS: Final = (
    "code",
    "unit_id",
    "procedure_id",
    *_RECORD_COLUMNS,
    "apology_date",
    "status",
    *_DAY_COLUMNS,
    "outcome",
    "apology_in_time",
    "processing_working_days",
    "received_month",
    "end_month",
    "overdue_from",
    "overdue_apology_from",
    "late_apology_after_end",
    "apology_gap_days",
    "imported_at",
)
# PostgreSQL's staging table as the merge reads it (see store.py): the record, its days, the procedure
# by code and the file's row number.
STAGED_COLUMNS: Final = (
    "code",
    "unit_id",
    "procedure_code",
    *_RECORD_COLUMNS,
    "status",
    "apology_date",
    *_DAY_COLUMNS,
    "source_row",
)
# The timestamps as COPY text gives them: a local day number and microseconds into the day each.
STAMP_COLUMNS: Final = ("received", "due", "finished", "returned")
COPY_COLUMNS: Final = (
    "code",
    "unit_id",
    "procedure_code",
    *(f"{stamp}_{part}" for stamp in STAMP_COLUMNS for part in ("days", "micros")),
    *_RECORD_COLUMNS[len(STAMP_COLUMNS) :],
    "status",
    "apology_days",
    "source_row",
)
# Positions, in a SQLite row, of counters.ContributionRow's fields.
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


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while millions of short-lived tuples come and go.

    Rows, records and counters form no reference cycles, so reference counting frees them all; the
    collector would only walk the ever larger heap again and again (a third of a large import).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def field_name(text: str) -> str:
    return text[:255] or UNKNOWN_FIELD


def length_errors(row_number: int, record: DossierRecord, profile: ImportProfile) -> list[RowError]:
    """What the parser accepts but a column cannot hold."""
    errors = []
    limits = ((CODE, record.code, CODE_LIMIT), (PROCEDURE_CODE, record.procedure_code, PROCEDURE_CODE_LIMIT))
    for field_name, value, limit in limits:
        if len(value) > limit:
            errors.append(RowError(row_number, profile.label(field_name), value, f"dài quá {limit} ký tự"))
    return errors


@dataclass
class Prepared:
    """One batch ready for the writer: rows for SQLite, or COPY text for PostgreSQL."""

    @property
    def rows_to_write(self) -> int:
        return len(self.row_numbers) + self.direct_rows

    rows_read: int = 0
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    copy_text: str = ""
    # The rows in `rows` or `copy_text` built from records, and those that went straight to COPY text.
    row_numbers: list[int] = field(default_factory=list)
    direct_rows: int = 0
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
    allowed_unit_ids: frozenset[int] | None = None
    unit_label: str = "Mã đơn vị"

    @property
    def utc_now(self) -> str:
        """The import time as SQLite stores it."""
        return self.now.astimezone(UTC).replace(tzinfo=None).isoformat(" ")

    def prepare(self, items: Sequence[tuple[int, DossierRecord]], rows_read: int = 0) -> Prepared:
        prepared = Prepared(rows_read=rows_read)
        kept: list[tuple[int, DossierRecord]] = []
        first, last = self.first_year, self.last_year
        allowed, unit_ids = self.allowed_unit_ids, self.unit_ids
        for row_number, record in items:
            if allowed is not None and unit_ids[record.unit_code] not in allowed:
                prepared.errors.append(
                    RowError(
                        row_number,
                        self.unit_label,
                        record.unit_code,
                        f"bạn không có quyền nhập hồ sơ của đơn vị «{record.unit_code}»",
                    )
                )
                continue
            due, end, apology = record.due, record.finished or record.returned, record.apology_date
            if (
                not first <= record.received.year <= last
                or (due is not None and not first <= due.year <= last)
                or (end is not None and end.year > last)
                or (apology is not None and not first <= apology.year <= last)
            ):
                prepared.deferred.append((row_number, record))
            else:
                kept.append((row_number, record))
        records = [record for _row, record in kept]
        prepared.row_numbers = [row for row, _record in kept]
        procedures = prepared.procedures
        for record in records:
            if record.procedure_code not in procedures:
                procedures[record.procedure_code] = (record.procedure_name, record.field)
        if self.postgresql:
            prepared.copy_text = copy_text(records, unit_ids, prepared.row_numbers)
        else:
            facts = facts_for_records(records, self.calendar, self.rules)
            prepared.rows = _sqlite_rows(records, facts, unit_ids, self.utc_now)
        return prepared


def _iso_day(value: date) -> str:
    return value.isoformat()


def _utc_text(value: datetime) -> str:
    """A local (UTC+7) timestamp as the UTC text SQLite stores."""
    return (value - _SEVEN_HOURS).isoformat(" ")


def _sqlite_rows(
    records: Sequence[DossierRecord], facts: Sequence[StoredFacts], unit_ids: Mapping[str, int], now: str
) -> list[tuple[Any, ...]]:
    utc = TextMemo(_utc_text)
    day = TextMemo(_iso_day)
    rows: list[tuple[Any, ...]] = []
    append = rows.append
    for record, fact in zip(records, facts, strict=True):
        in_time = fact.apology_in_time
        append(
            (
                record.code,
                unit_ids[record.unit_code],
                record.procedure_code,
                utc[record.received],
                utc[record.due],
                utc[record.finished],
                utc[record.returned],
                record.channel,
                record.online_level or "",
                1 if record.components_digitised else 0,
                1 if record.result_digitised else 0,
                1 if record.has_fee else 0,
                1 if record.paid_online else 0,
                record.supplement_requests,
                day[record.apology_date],
                record.status[:100],
                day[fact.received_day],
                day[fact.due_day],
                day[fact.end_day],
                fact.outcome,
                None if in_time is None else (1 if in_time else 0),
                fact.processing_working_days,
                fact.received_month,
                fact.end_month,
                day[fact.overdue_from],
                day[fact.overdue_apology_from],
                1 if fact.late_apology_after_end else 0,
                fact.apology_gap_days,
                now,
            )
        )
    return rows


_COPY_ESCAPES: Final = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_field(value: str) -> str:
    """A text value in COPY's text format (backslash, tab and line breaks escaped)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_ESCAPES)
    return value


def _day_number(value: date) -> str:
    return str(value.toordinal() - EPOCH_ORDINAL)


def _stamp_text(value: datetime) -> str:
    """A local timestamp's two COPY fields: its day number and microseconds into the day."""
    micros = ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond
    return f"{value.toordinal() - EPOCH_ORDINAL}\t{micros}"


def copy_text(records: Sequence[DossierRecord], unit_ids: Mapping[str, int], row_numbers: Sequence[int]) -> str:
    """Lines of COPY text in `COPY_COLUMNS` order (formatting here spares the writer's process)."""
    null = COPY_NULL
    day = TextMemo(_day_number, null)
    stamp = TextMemo(_stamp_text, f"{null}\t{null}")
    flag = {True: "t", False: "f", None: null}
    lines: list[str] = []
    append = lines.append
    for record, row_number in zip(records, row_numbers, strict=True):
        append(
            "\t".join(
                (
                    _copy_field(record.code),
                    str(unit_ids[record.unit_code]),
                    _copy_field(record.procedure_code),
                    stamp[record.received],
                    stamp[record.due],
                    stamp[record.finished],
                    stamp[record.returned],
                    str(record.channel) if record.channel is not None else null,
                    record.online_level or "",
                    flag[record.components_digitised],
                    flag[record.result_digitised],
                    flag[record.has_fee],
                    flag[record.paid_online],
                    str(record.supplement_requests),
                    _copy_field(record.status[:100]),
                    day[record.apology_date],
                    str(row_number),
                )
            )
        )
    return "\n".join(lines) + "\n" if lines else ""


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
    """Read, check and turn a file into prepared batches (row errors travel with their batch).

    A CSV file takes the direct way to COPY text (copy_reading.py) or to SQLite rows
    (sqlite_reading.py) for the rows it is sure of; the other rows, and every row of a workbook,
    become records first.
    """
    table = open_table(path, profile)

    def from_records(items: Sequence[tuple[int, DossierRecord | None, list[RowError]]], rows_read: int) -> Prepared:
        valid, errors = check_batch(items, profile)
        prepared = maker.prepare(valid, rows_read)
        prepared.errors[:0] = errors
        return prepared

    scope = CopyScope(maker.unit_ids, maker.allowed_unit_ids, maker.first_year, maker.last_year)
    if table.native:
        for batch in table_record_batches(table, known_unit_codes, profile, batch_size):
            yield from_records(batch, len(batch))
    elif maker.postgresql:
        for copy_batch in copy_batches(table, profile, scope, batch_size):
            prepared = from_records(copy_batch.others, copy_batch.rows_read)
            if copy_batch.lines:
                prepared.copy_text = "\n".join(copy_batch.lines) + "\n" + prepared.copy_text
                prepared.direct_rows = len(copy_batch.lines)
                prepared.procedures = {**copy_batch.procedures, **prepared.procedures}
            yield prepared
    else:
        rules, now = maker.rules, maker.utc_now
        for sqlite_batch in sqlite_batches(table, profile, scope, maker.calendar, rules, now, batch_size):
            prepared = from_records(sqlite_batch.others, sqlite_batch.rows_read)
            prepared.rows[:0] = sqlite_batch.rows
            prepared.row_numbers[:0] = sqlite_batch.row_numbers
            prepared.procedures = {**sqlite_batch.procedures, **prepared.procedures}
            yield prepared


def _reader_process(
    sender: Any, path: str, profile: ImportProfile, maker: RowMaker, batch_size: int
) -> None:  # pragma: no cover - runs in the child process
    try:
        with without_cycle_collection():
            for prepared in prepare_file(path, profile, maker, maker.unit_ids.keys(), batch_size):
                sender.send(("batch", prepared))
        sender.send(("end", None))
    except ImportFileError as error:
        sender.send(("file_error", error.messages))
    except BaseException as error:
        sender.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        sender.close()


class ReaderFailed(Exception):
    pass


def _receive(receiver: Any, received: queue.Queue[tuple[str, Any]], stop: threading.Event) -> None:
    """Move the reader's messages from the pipe to `received` (bounded: the reader waits when it is full)."""
    try:
        while not stop.is_set():
            message = receiver.recv()
            while not stop.is_set():
                try:
                    received.put(message, timeout=0.5)
                    break
                except queue.Full:
                    continue
            if message[0] != "batch":
                return
    except (EOFError, OSError):  # the reader ended without a last message
        with suppress(queue.Full):
            received.put_nowait(("gone", None))


def prepare_file_in_process(
    path: str | Path, profile: ImportProfile, maker: RowMaker, batch_size: int, queue_size: int = 4
) -> Iterator[Prepared]:
    """`prepare_file` in a separate process (a fresh interpreter, not a fork of this one).

    Reading, checking and building rows is pure Python and takes half of a large import; the writer
    meanwhile feeds the database. Two cores finish a million rows in about two thirds of the time.

    The reader sends each batch itself over a pipe, and a thread here receives it, so that neither
    side's transfer waits for a busy interpreter: through a multiprocessing queue, whose feeder thread
    competes for the reader's interpreter lock, the first batch took half a second to arrive.
    """
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_reader_process, args=(sender, str(path), profile, maker, batch_size), daemon=True)
    process.start()
    sender.close()  # the child holds its own end: its exit ends the pipe
    received: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=queue_size)
    stop = threading.Event()
    thread = threading.Thread(target=_receive, args=(receiver, received, stop), daemon=True)
    thread.start()
    try:
        while True:
            try:
                kind, payload = received.get(timeout=5)
            except queue.Empty:
                # The receiver ends only after handing over a last message (or "gone" when the pipe
                # broke, unless the queue was full then): ended with nothing left, the reader is lost.
                if not thread.is_alive() and received.empty():
                    raise ReaderFailed("Tiến trình đọc tệp dừng đột ngột") from None
                continue
            if kind == "end":
                return
            if kind == "file_error":
                raise ImportFileError(payload)
            if kind == "error":
                raise ReaderFailed(payload)
            if kind == "gone":
                raise ReaderFailed("Tiến trình đọc tệp dừng đột ngột")
            yield payload
    finally:
        stop.set()
        if process.is_alive():
            process.terminate()
        process.join(timeout=10)
        thread.join(timeout=10)
        receiver.close()
