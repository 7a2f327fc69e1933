"""A full recomputation on SQLite with NumPy: the facts and every aggregate from one read of the dossiers.

In SQL, SQLite looks the working-day tally up about four times per dossier in an UPDATE that visits
every row (about 2 µs a dossier: 20 s at 10M on the bench machine) before the rebuild reads the facts
back. Here each chunk of dossiers is read once as arrays, the calendar- and rule-dependent facts are
computed on day numbers and the calendar's cumulative table exactly as `classify.classify_batch`
computes them, only the dossiers whose facts change are written back, and the aggregates are summed
from the new facts (`column_sums.tables`). The overdue days are derived from the three days as
`facts.snapshot_days` derives them at import (they depend on neither the calendar nor the rules).

Reading is the cost (SQLite concatenates each value over the chunk in one query, see column_sums.py),
so when the recomputation owns its transaction and the database is a file, the queries run in two
threads, each on a read-only connection of its own: sqlite3 releases the GIL while SQLite works. They
see what the transaction sees: it has not touched the dossiers, and it holds the write lock from its
first statement here, so nothing can be committed in between. A day outside the calendar's table
(where the SQL recomputation reads no tally) sends the whole recomputation back to SQL.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import Final

import numpy as np
from django.db import connection

from cchc.dossiers import aggregates, column_sums
from cchc.dossiers.calendar import WorkingCalendar
from cchc.dossiers.classify import DossierRules
from cchc.dossiers.column_sums import NO_DAY, Columns, Events
from cchc.organisation.models import Unit

_MAPPED_BYTES: Final = 1 << 40  # SQLite caps it at its compile-time limit
_EPOCH_ORDINAL: Final = 719_163  # date(1970, 1, 1).toordinal(): day numbers here count from 1970-01-01
_OUTCOMES: Final = ("open", "early", "on_time", "late")
# A dossier's calendar- and rule-dependent facts and its supplement requests as one number: the
# outcome (0-3 as _OUTCOMES, 7 anything else), apology_in_time (0 NULL, 1 false, 2 true),
# late_apology_after_end, the processing days + 1 (0 NULL; anything out of range reads as a value
# never computed, so it is rewritten) and the supplement requests (capped: above the cap a dossier is
# late by any rule).
_PROCESSING_SHIFT, _SUPPLEMENTS_SHIFT = 6, 36
_PROCESSING_NEVER: Final = (1 << 30) - 1
_SUPPLEMENTS_CAP: Final = (1 << 26) - 1
_STATE_SQL: Final = (
    "CASE outcome WHEN 'open' THEN 0 WHEN 'early' THEN 1 WHEN 'on_time' THEN 2 WHEN 'late' THEN 3 ELSE 7 END"
    " + CASE WHEN apology_in_time IS NULL THEN 0 WHEN apology_in_time THEN 16 ELSE 8 END"
    " + CASE WHEN late_apology_after_end THEN 32 ELSE 0 END"
    f" + (CASE WHEN processing_working_days IS NULL THEN 0 WHEN processing_working_days BETWEEN 0 AND "
    f"{_PROCESSING_NEVER - 2} THEN processing_working_days + 1 ELSE {_PROCESSING_NEVER} END) * {1 << _PROCESSING_SHIFT}"
    f" + MIN(supplement_requests, {_SUPPLEMENTS_CAP}) * {1 << _SUPPLEMENTS_SHIFT}"
)
# Flag bits of the recomputed facts and of the overdue days derived here, replaced.
_FACT_BITS: Final = (
    column_sums._EARLY
    | column_sums._ON_TIME
    | column_sums._LATE
    | column_sums._IN_TIME
    | column_sums._LATE_AFTER_END
    | column_sums._OVERDUE
    | column_sums._OVERDUE_APOLOGY
)
_OUTCOME_BITS: Final = np.array([0, column_sums._EARLY, column_sums._ON_TIME, column_sums._LATE], dtype=np.int64)


@dataclass
class _Chunk:
    ids_after: int
    ids_through: int
    unit: np.ndarray
    procedure: np.ndarray
    flags: np.ndarray
    state: np.ndarray
    received: np.ndarray
    end: np.ndarray
    apology: np.ndarray
    due: np.ndarray


@dataclass
class _NewFacts:
    outcome: np.ndarray  # 0-3, as _OUTCOMES
    in_time: np.ndarray  # 0 NULL, 1 false, 2 true
    late_after_end: np.ndarray  # bool
    processing: np.ndarray  # -1 for NULL

    def state(self, supplements: np.ndarray) -> np.ndarray:
        return (
            self.outcome
            + 8 * self.in_time
            + 32 * self.late_after_end
            + ((self.processing + 1) << _PROCESSING_SHIFT)
            + (supplements << _SUPPLEMENTS_SHIFT)
        )


def recompute_all(rules: DossierRules, calendar: WorkingCalendar, table: str, *, owns_transaction: bool) -> int | None:
    """Recompute every dossier's facts and rebuild every aggregate; the number of dossiers whose facts
    changed, or None when a day lies outside the calendar's table (no fact written, one aggregate
    table emptied: the caller recomputes in SQL, which rebuilds them all)."""
    with connection.cursor() as cursor:
        # The write lock first (the tables are rewritten anyway): nothing is committed while we read.
        cursor.execute(f"DELETE FROM {aggregates.UNIT_MONTH}")
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {table}")
        first, last = cursor.fetchone()
    aside = None
    if owns_transaction and not connection.is_in_memory_db():  # type: ignore[attr-defined]
        aside = str(connection.settings_dict["NAME"])
    paired = column_sums.ids_pair(Unit._meta.db_table, aggregates.PROCEDURE)
    chunks = []
    if first is not None:
        for start in range(first - 1, last, column_sums.CHUNK_DOSSIERS):
            chunks.append(_read(table, start, start + column_sums.CHUNK_DOSSIERS, paired, aside))
    first_ordinal, cumulative = calendar.table
    tally = np.array(cumulative, dtype=np.int64)
    new_facts = []
    for chunk in chunks:
        facts = _facts(chunk, tally, first_ordinal - _EPOCH_ORDINAL, rules)
        if facts is None:
            return None
        new_facts.append(facts)
    changed = sum(_write_changes(table, chunk, facts) for chunk, facts in zip(chunks, new_facts, strict=True))
    aggregates.rebuild([_columns(chunk, facts) for chunk, facts in zip(chunks, new_facts, strict=True)])
    return changed


# Reading.


def _read(table: str, after: int, through: int, paired: bool, aside: str | None) -> _Chunk:
    days = ("received_day", "end_day", "apology_date", "due_day")
    ids = [column_sums._PAIR_SQL] if paired else ["unit_id", "procedure_id"]
    selects = [f"group_concat({expression})" for expression in [*ids, column_sums.FLAGS_SQL, _STATE_SQL]]
    selects += [f"group_concat(COALESCE({day}, {column_sums._NO_DAY_TEXT}), '')" for day in days]
    texts = _concatenations(table, selects, after, through, aside)
    integers = [column_sums.integers(text) for text in texts[: len(ids) + 2]]
    unit, procedure = column_sums._unpaired(integers[0]) if paired else (integers[0], integers[1])
    flags, state = integers[-2], integers[-1]
    received, end, apology, due = (column_sums.days(text) for text in texts[len(ids) + 2 :])
    chunk = _Chunk(after, through, unit, procedure, flags, state, received, end, apology, due)
    if len({len(column) for column in (unit, procedure, flags, state, received, end, apology, due)}) != 1:
        raise RuntimeError("dossier columns read with different lengths")
    return chunk


def _concatenations(table: str, selects: Sequence[str], after: int, through: int, aside: str | None) -> list[str]:
    """Each select over the chunk, in order; on the database file `aside` in two threads."""
    sql = [f"SELECT {select} FROM {table} NOT INDEXED WHERE id > ? AND id <= ?" for select in selects]
    if aside is None:
        raw = connection.connection
        assert raw is not None
        return [raw.execute(statement, (after, through)).fetchone()[0] for statement in sql]
    results: list[str] = [""] * len(sql)
    failures: list[BaseException] = []
    pending = iter(range(len(sql)))
    lock = threading.Lock()

    def work() -> None:
        try:
            with closing(sqlite3.connect(f"file:{aside}?mode=ro", uri=True)) as reader:
                # Pages read in place from the mapped file instead of copied through SQLite's cache.
                reader.execute(f"PRAGMA mmap_size = {_MAPPED_BYTES}")
                while True:
                    with lock:
                        position = next(pending, None)
                    if position is None:
                        return
                    results[position] = reader.execute(sql[position], (after, through)).fetchone()[0]
        except BaseException as error:  # re-raised in the calling thread
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return results


# The facts, as classify.classify_batch computes them.


def _facts(chunk: _Chunk, tally: np.ndarray, origin: int, rules: DossierRules) -> _NewFacts | None:
    """`tally[i]` counts the working days through day number `origin + i`; None if a day needed lies
    outside it."""
    received, end, due, apology = chunk.received, chunk.end, chunk.due, chunk.apology
    supplements = chunk.state >> _SUPPLEMENTS_SHIFT
    ended, has_due, has_apology = end != NO_DAY, due != NO_DAY, apology != NO_DAY
    measured = has_due & has_apology & (apology < due)  # apology_in_time needs the tally
    needed = [received, end[ended], due[measured] - 1, apology[measured] - 1]
    if any(len(days) and (days.min() < origin or days.max() >= origin + len(tally)) for days in needed):
        return None

    def through(days: np.ndarray, where: np.ndarray) -> np.ndarray:
        return np.where(where, tally[np.where(where, days - origin, 0)], 0)

    outcome = np.select(
        [~ended, supplements > rules.max_supplement_requests_before_late, ~has_due | (end == due), end < due],
        [0, 3, 2, 1],
        3,
    )
    processing = np.where(ended, np.where(end <= received, 0, through(end, ended) - through(received, ended)), -1)
    available = through(due - 1, measured) - through(apology - 1, measured)
    in_time = np.where(
        has_due & has_apology, np.where(measured & (available >= rules.apology_working_days_before_due), 2, 1), 0
    )
    late_after_end = (outcome == 3) & has_apology & ended & (apology > end)
    return _NewFacts(outcome, in_time, late_after_end, processing)


def _write_changes(table: str, chunk: _Chunk, facts: _NewFacts) -> int:
    changed = np.flatnonzero(facts.state(chunk.state >> _SUPPLEMENTS_SHIFT) != chunk.state)
    if not len(changed):
        return 0
    raw = connection.connection
    assert raw is not None
    ids_text = raw.execute(
        f"SELECT group_concat(id) FROM {table} NOT INDEXED WHERE id > ? AND id <= ?",
        (chunk.ids_after, chunk.ids_through),
    ).fetchone()[0]
    ids = column_sums.integers(ids_text)[changed]
    in_time = {0: None, 1: 0, 2: 1}
    raw.executemany(
        f"UPDATE {table} SET outcome = ?, apology_in_time = ?, late_apology_after_end = ?, "
        "processing_working_days = ? WHERE id = ?",
        [
            (_OUTCOMES[outcome], in_time[timely], int(late), None if days < 0 else days, dossier)
            for outcome, timely, late, days, dossier in zip(
                facts.outcome[changed].tolist(),
                facts.in_time[changed].tolist(),
                facts.late_after_end[changed].tolist(),
                facts.processing[changed].tolist(),
                ids.tolist(),
                strict=True,
            )
        ],
    )
    return len(changed)


def _columns(chunk: _Chunk, facts: _NewFacts) -> Columns:
    """The chunk as column_sums sums it, with the new facts."""
    unit, procedure, end, due, apology = chunk.unit, chunk.procedure, chunk.end, chunk.due, chunk.apology
    in_time = facts.in_time == 2
    # facts.snapshot_days: overdue from the day after the due date until the end; with an apology
    # issued, from the later of that day and the apology.
    overdue = (due != NO_DAY) & ((end == NO_DAY) | (end > due))
    overdue_from = due + 1
    apology_start = np.maximum(overdue_from, apology)
    overdue_apology = overdue & (apology != NO_DAY) & ((end == NO_DAY) | (end > apology_start))
    flags = (
        (chunk.flags & ~_FACT_BITS)
        | _OUTCOME_BITS[facts.outcome]
        | np.where(in_time, column_sums._IN_TIME, 0)
        | np.where(facts.late_after_end, column_sums._LATE_AFTER_END, 0)
        | np.where(overdue, column_sums._OVERDUE, 0)
        | np.where(overdue_apology, column_sums._OVERDUE_APOLOGY, 0)
    )

    def events(raised: np.ndarray, day: np.ndarray) -> Events:
        return Events(unit[raised], procedure[raised], day[raised], in_time[raised])

    processing = np.maximum(facts.processing, 0)
    columns = Columns(
        unit,
        procedure,
        chunk.received,
        end,
        apology,
        flags,
        processing,
        events(overdue, overdue_from),
        events(overdue_apology, apology_start),
    )
    columns.check()
    return columns
