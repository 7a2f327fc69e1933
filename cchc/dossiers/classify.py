"""Per-dossier derived facts: end date, early / on time / late / overdue / in progress, apology timing.

Decisions beyond the issue's wording (keep them in the product's documentation):

- Dates are compared as calendar dates: finishing at 17:10 on a due date of 16:30 is on time.
- The end is the processing-finished timestamp, else the returned one. An end after `as_of` is not
  known yet at `as_of`, so the dossier counts as unfinished then.
- More than `max_supplement_requests_before_late` supplement requests make an *ended* dossier late
  whatever its dates. An unfinished dossier stays overdue or in progress by its dates: it cannot be
  "late" before it ends, and flagging it early would hide it from the overdue lists officers chase.
- Without a due date (refused or withdrawn dossiers often lack one) there is no deadline to miss:
  an ended dossier is on time unless the supplement rule applies, an unfinished one is in progress.
- An apology is in time when issued at least `apology_working_days_before_due` working days before
  the due date, i.e. on or before the last working day before it (for the default of 1). Equivalently
  the working days in [apology, due − 1] number at least that many, which is O(1) with the
  calendar's cumulative counts.
- Processing time is `working_days_between(received date, end date)`: 0 for same-day settlement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, NamedTuple

from cchc.dossiers.calendar import WorkingCalendar

EARLY: Final = "early"
ON_TIME: Final = "on_time"
LATE: Final = "late"
OVERDUE: Final = "overdue"
IN_PROGRESS: Final = "in_progress"
SETTLED_CLASSES: Final = (EARLY, ON_TIME, LATE)
OPEN_CLASSES: Final = (OVERDUE, IN_PROGRESS)
ALL_CLASSES: Final = (*SETTLED_CLASSES, *OPEN_CLASSES)

CLASS_LABELS_VI: Final = {
    EARLY: "Trước hạn",
    ON_TIME: "Đúng hạn",
    LATE: "Trễ hạn",
    OVERDUE: "Quá hạn (chưa giải quyết)",
    IN_PROGRESS: "Đang giải quyết trong hạn",
}


@dataclass(frozen=True, slots=True)
class DossierRules:
    """Thresholds the issue asks to keep configurable."""

    max_supplement_requests_before_late: int = 1
    apology_working_days_before_due: int = 1


DEFAULT_RULES: Final = DossierRules()


class DossierFacts(NamedTuple):
    end: datetime | None
    end_date: date | None
    classification: str
    apology_in_time: bool | None  # None when there is no apology or no due date to measure it by
    processing_working_days: int | None  # None while unfinished


class TimingRow(NamedTuple):
    """The inputs of the batch form, in this order; any tuple with this layout works."""

    received: datetime
    due: datetime | None
    finished: datetime | None
    returned: datetime | None
    supplement_requests: int
    apology_date: date | None


class BatchFacts(NamedTuple):
    """One row of the batch output; dates as ordinals because that is what bulk writers want."""

    end_ordinal: int | None
    classification: str
    apology_in_time: bool | None
    processing_working_days: int | None


def dossier_end(finished: datetime | None, returned: datetime | None) -> datetime | None:
    return finished if finished is not None else returned


def settlement_class(
    end_date: date, due_date: date | None, supplement_requests: int, rules: DossierRules = DEFAULT_RULES
) -> str:
    """Class of an ended dossier; independent of any as-of date."""
    if supplement_requests > rules.max_supplement_requests_before_late:
        return LATE
    if due_date is None or end_date == due_date:
        return ON_TIME
    return EARLY if end_date < due_date else LATE


def open_class(due_date: date | None, as_of: date) -> str:
    """Class of a dossier not ended at `as_of`."""
    if due_date is not None and as_of > due_date:
        return OVERDUE
    return IN_PROGRESS


def is_apology_in_time(
    apology_date: date, due_date: date, calendar: WorkingCalendar, rules: DossierRules = DEFAULT_RULES
) -> bool:
    # Working days in [apology, due − 1] = cumulative(due − 1) − cumulative(apology − 1).
    apology_ordinal = apology_date.toordinal()
    due_ordinal = due_date.toordinal()
    if apology_ordinal >= due_ordinal:
        return False
    available = calendar.cumulative_by_ordinal(due_ordinal - 1) - calendar.cumulative_by_ordinal(apology_ordinal - 1)
    return available >= rules.apology_working_days_before_due


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def classify_dossier(
    received: datetime,
    due: datetime | None,
    finished: datetime | None,
    returned: datetime | None,
    supplement_requests: int,
    apology_date: date | None,
    as_of: date,
    calendar: WorkingCalendar,
    rules: DossierRules = DEFAULT_RULES,
) -> DossierFacts:
    end = dossier_end(finished, returned)
    end_date = end.date() if end is not None else None
    if end_date is not None and end_date > as_of:
        end, end_date = None, None
    due_date = due.date() if due is not None else None
    if end_date is None:
        classification = open_class(due_date, as_of)
        processing = None
    else:
        classification = settlement_class(end_date, due_date, supplement_requests, rules)
        processing = calendar.working_days_between(received.date(), end_date)
    apology_in_time = None
    if apology_date is not None and due_date is not None:
        apology_in_time = is_apology_in_time(_as_date(apology_date), due_date, calendar, rules)
    return DossierFacts(end, end_date, classification, apology_in_time, processing)


def classify_batch(
    rows: Iterable[tuple[datetime, datetime | None, datetime | None, datetime | None, int, date | None]],
    as_of: date,
    calendar: WorkingCalendar,
    rules: DossierRules = DEFAULT_RULES,
) -> list[BatchFacts]:
    """`classify_dossier` over many `TimingRow`-shaped tuples, same results, 1–2 µs a row.

    Works on ordinals and reads the calendar's cumulative table directly; falls back to the
    calendar's methods for dates outside the table.
    """
    first_ordinal, table = calendar.table
    last_ordinal = first_ordinal + len(table) - 1
    cumulative = calendar.cumulative_by_ordinal
    as_of_ordinal = as_of.toordinal()
    max_supplements = rules.max_supplement_requests_before_late
    apology_days = rules.apology_working_days_before_due
    results: list[BatchFacts] = []
    append = results.append
    for received, due, finished, returned, supplements, apology in rows:
        end = finished if finished is not None else returned
        due_ordinal = due.toordinal() if due is not None else None
        end_ordinal = end.toordinal() if end is not None else None
        if end_ordinal is not None and end_ordinal > as_of_ordinal:
            end_ordinal = None
        if end_ordinal is None:
            classification = OVERDUE if due_ordinal is not None and as_of_ordinal > due_ordinal else IN_PROGRESS
            processing = None
        else:
            if supplements > max_supplements:
                classification = LATE
            elif due_ordinal is None or end_ordinal == due_ordinal:
                classification = ON_TIME
            elif end_ordinal < due_ordinal:
                classification = EARLY
            else:
                classification = LATE
            received_ordinal = received.toordinal()
            if end_ordinal <= received_ordinal:
                processing = 0
            elif first_ordinal <= received_ordinal and end_ordinal <= last_ordinal:
                processing = table[end_ordinal - first_ordinal] - table[received_ordinal - first_ordinal]
            else:
                processing = cumulative(end_ordinal) - cumulative(received_ordinal)
        apology_in_time = None
        if apology is not None and due_ordinal is not None:
            apology_ordinal = apology.toordinal()
            if apology_ordinal >= due_ordinal:
                apology_in_time = False
            elif first_ordinal < apology_ordinal and due_ordinal <= last_ordinal + 1:
                apology_in_time = (
                    table[due_ordinal - 1 - first_ordinal] - table[apology_ordinal - 1 - first_ordinal] >= apology_days
                )
            else:
                apology_in_time = cumulative(due_ordinal - 1) - cumulative(apology_ordinal - 1) >= apology_days
        append(BatchFacts(end_ordinal, classification, apology_in_time, processing))
    return results
