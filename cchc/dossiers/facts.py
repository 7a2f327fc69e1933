"""A dossier's stored facts: everything the KPIs need that does not depend on an as-of date.

Beyond `classify.py`'s facts, two days make the snapshot figures (overdue, in progress) sums of
deltas: a dossier is overdue on the days [overdue_from, end_day) — from the day after its due date
until it ends — and overdue with an apology already issued on [overdue_apology_from, end_day). A late
dossier whose apology is dated after its end is flagged: whether its apology counts depends on both
ends of a period, which no per-day counter can hold, so the KPI queries count those few directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import NamedTuple

from cchc.dossiers.calendar import WorkingCalendar
from cchc.dossiers.classify import DEFAULT_RULES, LATE, DossierRules, classify_batch
from cchc.dossiers.parsing import DossierRecord

OPEN = "open"
_ONE_DAY = timedelta(days=1)
_NEVER = date.max


class StoredFacts(NamedTuple):
    received_day: date
    due_day: date | None
    end_day: date | None
    outcome: str  # early / on_time / late, or open
    apology_in_time: bool | None
    processing_working_days: int | None
    received_month: int  # YYYYMM
    end_month: int | None
    overdue_from: date | None
    overdue_apology_from: date | None
    late_apology_after_end: bool
    apology_gap_days: int | None  # apology after the end: days between them


def snapshot_days(
    due_day: date | None, end_day: date | None, apology_date: date | None
) -> tuple[date | None, date | None]:
    """(overdue_from, overdue_apology_from): the first days of the overdue and overdue-apologised spans."""
    if due_day is None:
        return None, None
    overdue_from = due_day + _ONE_DAY
    if end_day is not None and end_day <= due_day:
        return None, None
    overdue_apology_from = None
    if apology_date is not None:
        start = max(overdue_from, apology_date)
        if end_day is None or end_day > start:
            overdue_apology_from = start
    return overdue_from, overdue_apology_from


def facts_for_records(
    records: Sequence[DossierRecord], calendar: WorkingCalendar, rules: DossierRules = DEFAULT_RULES
) -> list[StoredFacts]:
    """Facts for many records, in order; the as-of date is taken as never, so every end counts."""
    timing = (
        (record.received, record.due, record.finished, record.returned, record.supplement_requests, record.apology_date)
        for record in records
    )
    batch = classify_batch(timing, _NEVER, calendar, rules)
    result: list[StoredFacts] = []
    append = result.append
    from_ordinal = date.fromordinal
    for record, facts in zip(records, batch, strict=True):
        received_day = record.received.date()
        due_day = record.due.date() if record.due is not None else None
        end_day = from_ordinal(facts.end_ordinal) if facts.end_ordinal is not None else None
        outcome = facts.classification if end_day is not None else OPEN
        apology = record.apology_date
        overdue_from, overdue_apology_from = snapshot_days(due_day, end_day, apology)
        append(
            StoredFacts(
                received_day,
                due_day,
                end_day,
                outcome,
                facts.apology_in_time,
                facts.processing_working_days,
                received_day.year * 100 + received_day.month,
                end_day.year * 100 + end_day.month if end_day is not None else None,
                overdue_from,
                overdue_apology_from,
                outcome == LATE and apology is not None and end_day is not None and apology > end_day,
                (apology - end_day).days if apology is not None and end_day is not None and apology > end_day else None,
            )
        )
    return result
