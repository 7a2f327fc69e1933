from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.dossiers.calendar import WorkingCalendar, vietnam_calendar
from cchc.dossiers.classify import (
    EARLY,
    IN_PROGRESS,
    LATE,
    ON_TIME,
    OVERDUE,
    DossierRules,
    classify_batch,
    classify_dossier,
    is_apology_in_time,
)

CALENDAR = vietnam_calendar(range(2023, 2026))
RECEIVED = datetime(2024, 4, 1, 8, 0)
DUE = datetime(2024, 4, 5, 16, 30)  # Friday
LATER = date(2024, 12, 31)


def classify(finished=None, returned=None, supplements=0, as_of=LATER, apology=None, due=DUE, rules=None):
    arguments = (RECEIVED, due, finished, returned, supplements, apology, as_of, CALENDAR)
    return classify_dossier(*arguments) if rules is None else classify_dossier(*arguments, rules)


# The dossier table of examples.md, row by row.


def test_a_dossier_finished_before_the_due_day_is_early():
    assert classify(finished=datetime(2024, 4, 4, 10, 0)).classification == EARLY


def test_a_dossier_finished_on_the_due_day_after_the_due_hour_is_on_time():
    assert classify(finished=datetime(2024, 4, 5, 17, 10)).classification == ON_TIME


def test_a_dossier_finished_on_the_monday_after_a_friday_due_date_is_late():
    assert classify(finished=datetime(2024, 4, 8, 9, 0)).classification == LATE


def test_more_than_one_supplement_request_makes_an_early_dossier_late():
    assert classify(finished=datetime(2024, 4, 3, 10, 0), supplements=2).classification == LATE


def test_an_unfinished_dossier_on_its_due_day_is_in_progress():
    assert classify(as_of=date(2024, 4, 5)).classification == IN_PROGRESS


def test_an_unfinished_dossier_the_day_after_its_due_day_is_overdue():
    assert classify(as_of=date(2024, 4, 6)).classification == OVERDUE


# The apology table of examples.md.


@pytest.mark.parametrize(
    ("due", "apology", "in_time"),
    [
        (date(2024, 4, 5), date(2024, 4, 4), True),  # Thursday is the working day before
        (date(2024, 4, 8), date(2024, 4, 6), False),  # the working day before Monday is Friday 05/04
        (date(2024, 2, 15), date(2024, 2, 7), True),  # 08/02–14/02 are Tết holidays and a weekend
        (date(2024, 2, 15), date(2024, 2, 9), False),  # after Wednesday 07/02
    ],
)
def test_an_apology_is_in_time_only_on_or_before_the_last_working_day_before_the_due_date(due, apology, in_time):
    assert is_apology_in_time(apology, due, CALENDAR) is in_time
    facts = classify(due=datetime.combine(due, datetime.min.time()), apology=apology)
    assert facts.apology_in_time is in_time


def test_an_apology_on_or_after_the_due_date_is_late():
    assert not is_apology_in_time(date(2024, 4, 5), date(2024, 4, 5), CALENDAR)
    assert not is_apology_in_time(date(2024, 4, 9), date(2024, 4, 5), CALENDAR)


def test_without_an_apology_its_timeliness_is_unknown():
    assert classify(finished=datetime(2024, 4, 8)).apology_in_time is None


# Decisions beyond the table.


def test_the_return_date_is_the_end_when_processing_has_no_finish_date():
    facts = classify(returned=datetime(2024, 4, 8, 9, 0))
    assert facts.end == datetime(2024, 4, 8, 9, 0)
    assert facts.end_date == date(2024, 4, 8)
    assert facts.classification == LATE


def test_the_finish_date_wins_over_the_return_date():
    facts = classify(finished=datetime(2024, 4, 5, 15, 0), returned=datetime(2024, 4, 9, 8, 0))
    assert facts.classification == ON_TIME


def test_an_end_after_the_as_of_date_is_not_known_yet():
    facts = classify(finished=datetime(2024, 4, 10), as_of=date(2024, 4, 8))
    assert facts.end is None
    assert facts.classification == OVERDUE
    assert facts.processing_working_days is None


def test_an_unfinished_dossier_with_many_supplement_requests_stays_classified_by_its_dates():
    assert classify(supplements=3, as_of=date(2024, 4, 3)).classification == IN_PROGRESS
    assert classify(supplements=3, as_of=date(2024, 4, 9)).classification == OVERDUE


def test_one_supplement_request_does_not_make_a_dossier_late():
    assert classify(finished=datetime(2024, 4, 4), supplements=1).classification == EARLY


def test_a_dossier_without_a_due_date_is_on_time_when_ended_and_in_progress_otherwise():
    assert classify(finished=datetime(2024, 6, 1), due=None).classification == ON_TIME
    assert classify(due=None).classification == IN_PROGRESS
    assert classify(finished=datetime(2024, 6, 1), due=None, supplements=2).classification == LATE


def test_the_supplement_threshold_and_apology_notice_are_configurable():
    lenient = DossierRules(max_supplement_requests_before_late=2)
    assert classify(finished=datetime(2024, 4, 3), supplements=2, rules=lenient).classification == EARLY
    two_days = DossierRules(apology_working_days_before_due=2)
    assert not is_apology_in_time(date(2024, 4, 4), date(2024, 4, 5), CALENDAR, two_days)
    assert is_apology_in_time(date(2024, 4, 3), date(2024, 4, 5), CALENDAR, two_days)


def test_processing_time_counts_working_days_and_skips_tet():
    received = datetime(2024, 2, 6, 9, 0)
    facts = classify_dossier(received, None, datetime(2024, 2, 16, 10, 0), None, 0, None, LATER, CALENDAR)
    assert facts.processing_working_days == 3  # 07/02, 15/02, 16/02
    same_day = classify_dossier(received, None, datetime(2024, 2, 6, 15, 0), None, 0, None, LATER, CALENDAR)
    assert same_day.processing_working_days == 0


def test_the_batch_form_reports_the_end_as_an_ordinal():
    rows = [(RECEIVED, DUE, datetime(2024, 4, 8, 9, 0), None, 0, date(2024, 4, 4))]
    (facts,) = classify_batch(rows, LATER, CALENDAR)
    assert facts.end_ordinal == date(2024, 4, 8).toordinal()
    assert facts.classification == LATE
    assert facts.apology_in_time is True
    assert facts.processing_working_days == 5


moments = st.datetimes(min_value=datetime(2022, 11, 1), max_value=datetime(2026, 2, 28))
offsets = st.one_of(st.none(), st.integers(min_value=0, max_value=60))


@st.composite
def timing_rows(draw):
    received = draw(moments)
    due_offset, finished_offset, returned_offset, apology_offset = (draw(offsets) for _ in range(4))

    def after(offset):
        return None if offset is None else received + timedelta(days=offset, hours=draw(st.integers(0, 10)))

    apology = None if apology_offset is None else (received + timedelta(days=apology_offset - 5)).date()
    return (
        received,
        after(due_offset),
        after(finished_offset),
        after(returned_offset),
        draw(st.integers(0, 3)),
        apology,
    )


@settings(deadline=None)
@given(
    rows=st.lists(timing_rows(), max_size=20),
    as_of=st.dates(min_value=date(2022, 12, 1), max_value=date(2026, 6, 30)),
    rules=st.builds(DossierRules, st.integers(0, 2), st.integers(0, 3)),
    narrow_table=st.booleans(),
)
def test_the_batch_form_agrees_with_the_one_dossier_form(rows, as_of, rules, narrow_table):
    # A table covering 2024 only forces both the table path and the fallback outside it.
    calendar = (
        WorkingCalendar(CALENDAR.holidays, {date(2024, 5, 4)}, table_years=(2024, 2024)) if narrow_table else CALENDAR
    )
    batch = classify_batch(rows, as_of, calendar, rules)
    for row, facts in zip(rows, batch, strict=True):
        single = classify_dossier(*row, as_of, calendar, rules)
        assert facts.classification == single.classification
        assert facts.end_ordinal == (single.end_date.toordinal() if single.end_date else None)
        assert facts.apology_in_time == single.apology_in_time
        assert facts.processing_working_days == single.processing_working_days
