"""Each definition of the issue on hand-made dossiers (the worked examples), counted through the service."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from cchc.dossiers.kpi_math import KpiCounts
from cchc.dossiers.kpis import kpis
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.factories import record, save

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2024, 4, 1, 8, 0)
DUE = datetime(2024, 4, 5, 16, 30)  # a Friday
APRIL = (date(2024, 4, 1), date(2024, 4, 30))


def _counts(start: date, end: date, as_of: date = date(2025, 1, 1)):
    return kpis(None, start, end, as_of)[0].counts


def _outcome(code: str) -> str:
    return Dossier.objects.get(code=code).outcome


def test_a_dossier_finished_before_the_due_day_is_early(world):
    save([record("A", RECEIVED, DUE, datetime(2024, 4, 4, 10, 0))])
    assert _outcome("A") == "early"
    counts = _counts(*APRIL)
    assert (counts.settled, counts.early, counts.on_time, counts.late) == (1, 1, 0, 0)


def test_a_dossier_finished_on_the_due_day_after_the_due_hour_is_on_time(world):
    save([record("A", RECEIVED, DUE, datetime(2024, 4, 5, 17, 10))])
    assert _outcome("A") == "on_time"
    assert _counts(*APRIL).on_time == 1


def test_a_dossier_finished_after_the_due_day_is_late(world):
    save([record("A", RECEIVED, DUE, datetime(2024, 4, 8, 9, 0))])
    assert _outcome("A") == "late"
    assert _counts(*APRIL).late == 1


def test_more_than_one_supplement_request_makes_an_early_dossier_late(world):
    save([record("A", RECEIVED, DUE, datetime(2024, 4, 3, 10, 0), supplement_requests=2)])
    assert _outcome("A") == "late"
    counts = _counts(*APRIL)
    assert (counts.early, counts.late) == (0, 1)


def test_one_supplement_request_does_not_make_a_dossier_late(world):
    save([record("A", RECEIVED, DUE, datetime(2024, 4, 3, 10, 0), supplement_requests=1)])
    assert _outcome("A") == "early"


def test_the_return_date_is_the_end_when_the_processing_end_is_missing(world):
    save([record("A", RECEIVED, DUE, None, returned=datetime(2024, 4, 8, 8, 0))])
    dossier = Dossier.objects.get(code="A")
    assert (dossier.end_day, dossier.outcome) == (date(2024, 4, 8), "late")


def test_an_unfinished_dossier_is_in_progress_on_its_due_day_and_overdue_the_day_after(world):
    save([record("A", RECEIVED, DUE)])
    on_due_day = _counts(date(2024, 4, 1), date(2024, 4, 5), as_of=date(2024, 4, 5))
    assert (on_due_day.in_progress, on_due_day.overdue) == (1, 0)
    saturday = _counts(date(2024, 4, 1), date(2024, 4, 30), as_of=date(2024, 4, 6))
    assert (saturday.in_progress, saturday.overdue) == (0, 1)


def test_an_end_after_the_as_of_date_is_not_known_yet(world):
    save([record("A", RECEIVED, DUE, datetime(2024, 4, 10, 9, 0))])
    counts = _counts(*APRIL, as_of=date(2024, 4, 8))
    assert (counts.settled, counts.overdue) == (0, 1)
    assert _counts(*APRIL, as_of=date(2024, 4, 10)).late == 1


def test_a_dossier_received_in_december_and_finished_in_january_counts_in_januarys_settled_figures(world):
    save([record("A", datetime(2023, 12, 28, 9, 0), datetime(2024, 1, 4, 17, 0), datetime(2024, 1, 3, 10, 0))])
    january = _counts(date(2024, 1, 1), date(2024, 1, 31))
    december = _counts(date(2023, 12, 1), date(2023, 12, 31))
    assert (january.received, january.settled, january.early) == (0, 1, 1)
    assert (december.received, december.settled, december.in_progress) == (1, 0, 1)


def test_a_dossier_open_across_the_new_year_is_overdue_or_in_progress_on_the_last_day_of_the_year(world):
    save(
        [
            record(
                "DUE-IN-JANUARY", datetime(2024, 12, 30, 9, 0), datetime(2025, 1, 3, 17, 0), datetime(2025, 1, 6, 10, 0)
            ),
            record(
                "DUE-IN-DECEMBER",
                datetime(2024, 12, 23, 9, 0),
                datetime(2024, 12, 27, 17, 0),
                datetime(2025, 1, 6, 10, 0),
            ),
        ]
    )
    year_end = _counts(date(2024, 12, 1), date(2024, 12, 31), as_of=date(2025, 3, 1))
    assert (year_end.in_progress, year_end.overdue, year_end.settled) == (1, 1, 0)
    january = _counts(date(2025, 1, 1), date(2025, 1, 31), as_of=date(2025, 3, 1))
    assert (january.settled, january.late, january.received) == (2, 2, 0)


def test_an_apology_issued_the_working_day_before_the_due_day_is_in_time(world):
    save([record("A", RECEIVED, DUE, datetime(2024, 4, 9, 9, 0), apology_date=date(2024, 4, 4))])
    assert Dossier.objects.get(code="A").apology_in_time is True
    counts = _counts(*APRIL)
    assert (counts.late, counts.apologised, counts.apologised_in_time) == (1, 1, 1)


def test_an_apology_on_the_saturday_before_a_monday_due_day_is_late(world):
    monday = datetime(2024, 4, 8, 16, 30)
    save([record("A", RECEIVED, monday, datetime(2024, 4, 10, 9, 0), apology_date=date(2024, 4, 6))])
    assert Dossier.objects.get(code="A").apology_in_time is False
    counts = _counts(*APRIL)
    assert (counts.apologised, counts.apologised_in_time) == (1, 0)


def test_an_apology_before_the_tet_break_is_in_time_for_a_due_day_after_it(world):
    due = datetime(2024, 2, 15, 16, 30)
    save(
        [
            record("IN-TIME", datetime(2024, 2, 1, 8, 0), due, apology_date=date(2024, 2, 7)),
            record("TOO-LATE", datetime(2024, 2, 1, 8, 0), due, apology_date=date(2024, 2, 9)),
        ]
    )
    assert Dossier.objects.get(code="IN-TIME").apology_in_time is True
    assert Dossier.objects.get(code="TOO-LATE").apology_in_time is False


def test_an_overdue_dossier_with_an_apology_counts_as_apologised_once_the_apology_is_issued(world):
    save([record("A", RECEIVED, DUE, apology_date=date(2024, 4, 10))])
    before = _counts(*APRIL, as_of=date(2024, 4, 9))
    after = _counts(*APRIL, as_of=date(2024, 4, 10))
    assert (before.overdue, before.apologised) == (1, 0)
    assert (after.overdue, after.apologised, after.apologised_in_time) == (1, 1, 0)


def test_a_late_dossier_apologised_after_it_ended_counts_only_in_periods_ending_after_the_apology(world):
    save([record("A", RECEIVED, DUE, datetime(2024, 4, 8, 9, 0), apology_date=date(2024, 5, 3))])
    assert Dossier.objects.get(code="A").late_apology_after_end is True
    assert _counts(*APRIL).apologised == 0
    assert _counts(date(2024, 4, 1), date(2024, 5, 31)).apologised == 1


def test_online_counts_channel_two_and_full_process_needs_the_online_channel(world):
    save(
        [
            record("ONLINE-FULL", RECEIVED, DUE, channel=2, online_level="full"),
            record("ONLINE-PART", RECEIVED, DUE, channel=2, online_level="partial"),
            record("DESK-FULL", RECEIVED, DUE, channel=1, online_level="full"),
            record("POSTAL", RECEIVED, DUE, channel=3),
        ]
    )
    counts = _counts(*APRIL)
    rates = kpis(None, *APRIL, date(2025, 1, 1))[0].rates()
    assert (counts.received, counts.online, counts.online_full) == (4, 2, 1)
    assert rates["online_rate"] == 50 and rates["online_full_rate"] == 25


def test_digitisation_and_payment_figures_use_their_own_denominators(world):
    save(
        [
            record(
                "A",
                RECEIVED,
                DUE,
                datetime(2024, 4, 4),
                components_digitised=True,
                result_digitised=True,
                has_fee=True,
                paid_online=True,
            ),
            record("B", RECEIVED, DUE, datetime(2024, 4, 4), has_fee=True),
            record("C", RECEIVED, DUE, paid_online=True),  # paid online without a fee: not counted
        ]
    )
    counts = _counts(*APRIL)
    assert (counts.components_digitised, counts.results_digitised, counts.with_fee, counts.paid_online) == (1, 1, 2, 1)
    rates = kpis(None, *APRIL, date(2025, 1, 1))[0].rates()
    assert rates["results_digitised_rate"] == 50 and rates["paid_online_rate"] == 50


def test_processing_time_counts_working_days_skipping_weekends_and_tet(world):
    save(
        [
            record("SAME-DAY", RECEIVED, DUE, datetime(2024, 4, 1, 15, 0)),
            record("OVER-A-WEEKEND", datetime(2024, 4, 5, 8, 0), DUE, datetime(2024, 4, 8, 9, 0)),
            record("OVER-TET", datetime(2024, 2, 7, 8, 0), datetime(2024, 2, 20), datetime(2024, 2, 15, 9, 0)),
        ]
    )
    days = dict(Dossier.objects.values_list("code", "processing_working_days"))
    assert days == {"SAME-DAY": 0, "OVER-A-WEEKEND": 1, "OVER-TET": 1}
    assert kpis(None, *APRIL, date(2025, 1, 1))[0].rates()["average_processing_days"] == 0.5


def test_a_period_that_has_not_started_at_the_as_of_date_counts_nothing(world):
    save([record("A", RECEIVED, DUE)])
    assert _counts(date(2024, 5, 1), date(2024, 5, 31), as_of=date(2024, 4, 20)) == KpiCounts()
    assert _counts(date(2024, 4, 1), date(2024, 4, 30), as_of=date(2024, 4, 20)).in_progress == 0


def test_a_late_dossier_apologised_months_after_it_ended_counts_once_a_period_reaches_the_apology(world):
    save([record("A", RECEIVED, DUE, datetime(2024, 4, 8, 9, 0), apology_date=date(2024, 6, 20))])
    assert Dossier.objects.get(code="A").apology_gap_days == 73
    assert _counts(date(2024, 1, 1), date(2024, 6, 19)).apologised == 0
    assert _counts(date(2024, 1, 1), date(2024, 6, 30)).apologised == 1
    by_month = {
        group.month: group.counts.apologised
        for group in kpis(None, date(2024, 1, 1), date(2024, 6, 30), date(2025, 1, 1), by=["month"])
    }
    assert by_month["2024-04"] == 0  # April's figures end before the apology
