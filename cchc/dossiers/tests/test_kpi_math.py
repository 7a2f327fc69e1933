import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.dossiers.calendar import vietnam_calendar
from cchc.dossiers.kpi_math import (
    DEFAULT_766_FORMULAS,
    KpiCounts,
    classify_record,
    count_grouped,
    count_period,
    month_periods,
    score_766,
)
from cchc.dossiers.parsing import CHANNEL_ONLINE, ONLINE_FULL, ONLINE_PARTIAL
from cchc.dossiers.synthetic import generate_dossiers
from cchc.dossiers.tests.factories import record

CALENDAR = vietnam_calendar(range(2023, 2026))
JANUARY_2024 = (date(2024, 1, 1), date(2024, 1, 31))
TODAY = date(2026, 1, 1)


def dossier(received, due, finished=None, **changes):
    changes = {"unit_code": "XA01", "procedure_code": "1.001193", **changes}
    return classify_record(record("HS", received, due, finished, **changes), CALENDAR)


def test_a_dossier_received_in_december_and_finished_in_january_counts_in_januarys_settled_figures_only():
    record = dossier(datetime(2023, 12, 28, 9, 0), datetime(2024, 1, 4, 17, 0), datetime(2024, 1, 3, 10, 0))
    january = count_period([record], *JANUARY_2024, TODAY)
    assert (january.received, january.settled, january.early) == (0, 1, 1)
    december = count_period([record], date(2023, 12, 1), date(2023, 12, 31), TODAY)
    assert (december.received, december.settled, december.in_progress, december.overdue) == (1, 0, 1, 0)


def test_a_dossier_still_open_at_the_years_end_is_in_progress_or_overdue_on_the_last_day():
    in_progress = dossier(datetime(2024, 12, 30, 9, 0), datetime(2025, 1, 3, 17, 0), datetime(2025, 1, 6, 10, 0))
    overdue = dossier(datetime(2024, 12, 20, 9, 0), datetime(2024, 12, 27, 17, 0), datetime(2025, 1, 6, 10, 0))
    year = count_period([in_progress, overdue], date(2024, 1, 1), date(2024, 12, 31), TODAY)
    assert (year.received, year.settled, year.in_progress, year.overdue) == (2, 0, 1, 1)


def test_the_snapshot_is_taken_today_when_the_period_has_not_ended():
    record = dossier(datetime(2024, 4, 1, 8, 0), datetime(2024, 4, 5, 16, 30))
    assert count_period([record], date(2024, 4, 1), date(2024, 4, 30), date(2024, 4, 5)).in_progress == 1
    assert count_period([record], date(2024, 4, 1), date(2024, 4, 30), date(2024, 4, 6)).overdue == 1


def test_an_end_after_as_of_is_not_known_yet():
    record = dossier(datetime(2024, 4, 1, 8, 0), datetime(2024, 4, 5, 16, 30), datetime(2024, 4, 20))
    counts = count_period([record], date(2024, 4, 1), date(2024, 4, 30), date(2024, 4, 10))
    assert (counts.settled, counts.late, counts.overdue) == (0, 0, 1)


def test_a_period_starting_after_as_of_counts_nothing():
    record = dossier(datetime(2024, 4, 1, 8, 0), datetime(2024, 4, 5, 16, 30))
    assert count_period([record], date(2024, 5, 1), date(2024, 5, 31), date(2024, 4, 10)) == KpiCounts()


def test_late_and_overdue_dossiers_with_an_apology_count_as_apologised_and_in_time_when_early_enough():
    due = datetime(2024, 4, 8, 17, 0)  # Monday
    records = [
        dossier(datetime(2024, 4, 1), due, datetime(2024, 4, 9), apology_date=date(2024, 4, 5)),  # late, in time
        dossier(datetime(2024, 4, 1), due, datetime(2024, 4, 9), apology_date=date(2024, 4, 6)),  # late, too late
        dossier(datetime(2024, 4, 1), due, None, apology_date=date(2024, 4, 4)),  # overdue, in time
        dossier(datetime(2024, 4, 1), due, datetime(2024, 4, 9)),  # late, no apology
        dossier(datetime(2024, 4, 1), due, datetime(2024, 4, 8), apology_date=date(2024, 4, 5)),  # on time
    ]
    counts = count_period(records, date(2024, 4, 1), date(2024, 4, 30), TODAY)
    assert (counts.late, counts.overdue, counts.on_time) == (3, 1, 1)
    assert (counts.apologised, counts.apologised_in_time) == (3, 2)
    rates = counts.rates()
    assert rates["apologised_rate"] == Decimal("75.00")
    assert rates["apologised_in_time_rate"] == Decimal("50.00")


def test_an_apology_dated_after_the_cut_is_not_known_yet():
    record = dossier(datetime(2024, 4, 1), datetime(2024, 4, 5, 17, 0), None, apology_date=date(2024, 4, 20))
    counts = count_period([record], date(2024, 4, 1), date(2024, 4, 10), TODAY)
    assert (counts.overdue, counts.apologised) == (1, 0)


def test_intake_figures_count_online_full_process_digitised_and_paid_online_dossiers():
    received, due = datetime(2024, 4, 1), datetime(2024, 4, 5)
    records = [
        dossier(received, due, channel=CHANNEL_ONLINE, online_level=ONLINE_FULL, has_fee=True, paid_online=True),
        dossier(received, due, channel=CHANNEL_ONLINE, online_level=ONLINE_PARTIAL, components_digitised=True),
        dossier(received, due, online_level=ONLINE_FULL, has_fee=True),  # in person: not online_full
        dossier(received, due, paid_online=True),  # no fee: not counted as paid online
    ]
    counts = count_period(records, date(2024, 4, 1), date(2024, 4, 30), TODAY)
    assert (counts.received, counts.online, counts.online_full) == (4, 2, 1)
    assert (counts.components_digitised, counts.with_fee, counts.paid_online) == (1, 2, 1)
    rates = counts.rates()
    assert rates["online_rate"] == Decimal("50.00")
    assert rates["online_full_rate"] == Decimal("25.00")
    assert rates["paid_online_rate"] == Decimal("50.00")


def test_settlement_rates_are_two_decimal_percentages_and_the_average_is_in_working_days():
    received, due = datetime(2024, 4, 1, 8, 0), datetime(2024, 4, 5, 16, 30)
    records = [
        dossier(received, due, datetime(2024, 4, 4), result_digitised=True),  # early, 3 working days
        dossier(received, due, datetime(2024, 4, 5)),  # on time, 4 working days
        dossier(received, due, datetime(2024, 4, 8), result_digitised=True),  # late, 5 working days
    ]
    counts = count_period(records, date(2024, 4, 1), date(2024, 4, 30), TODAY)
    assert counts.processing_days_total == 12
    rates = counts.rates()
    assert rates["settled_on_time_rate"] == Decimal("66.67")
    assert rates["early_rate"] == rates["on_time_rate"] == rates["late_rate"] == Decimal("33.33")
    assert rates["results_digitised_rate"] == Decimal("66.67")
    assert rates["average_processing_days"] == Decimal("4.00")


def test_every_rate_is_none_when_its_denominator_is_zero():
    assert set(KpiCounts().rates().values()) == {None}


def test_counts_add_up_field_by_field_for_roll_ups():
    left = KpiCounts(received=2, settled=1, early=1, processing_days_total=3)
    right = KpiCounts(received=5, late=2, overdue=1)
    assert left + right == KpiCounts(received=7, settled=1, early=1, late=2, overdue=1, processing_days_total=3)
    assert sum([left, right], KpiCounts()) == left + right


def test_months_of_a_range_are_clipped_to_it():
    assert list(month_periods(date(2024, 1, 15), date(2024, 3, 10))) == [
        ("2024-01", date(2024, 1, 15), date(2024, 1, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2024-03", date(2024, 3, 1), date(2024, 3, 10)),
    ]


@pytest.fixture(scope="module")
def classified_register():
    units = ["XA01", "XA02", "XA03", "XA04"]
    return [classify_record(record, CALENDAR) for record in generate_dossiers(6000, units, 2024, 21, CALENDAR)]


def test_unit_groups_sum_to_the_whole(classified_register):
    year = (date(2024, 1, 1), date(2024, 12, 31), date(2025, 3, 1))
    by_unit = count_grouped(classified_register, *year, key=lambda record: record.unit_code)
    assert sorted(by_unit) == ["XA01", "XA02", "XA03", "XA04"]
    assert sum(by_unit.values(), KpiCounts()) == count_period(classified_register, *year)


def test_monthly_intake_and_settlement_figures_sum_to_the_years(classified_register):
    as_of = date(2025, 3, 1)
    year = count_period(classified_register, date(2024, 1, 1), date(2024, 12, 31), as_of)
    months = [
        count_period(classified_register, start, end, as_of)
        for _, start, end in month_periods(date(2024, 1, 1), date(2024, 12, 31))
    ]
    total = sum(months, KpiCounts())
    for name in ("received", "settled", "early", "on_time", "late", "online", "with_fee", "processing_days_total"):
        assert getattr(total, name) == getattr(year, name), name
    assert months[-1].overdue == year.overdue  # the snapshot is the last month's


@settings(max_examples=25, deadline=None)
@given(start_day=st.integers(0, 300), length=st.integers(0, 120), cut_shift=st.integers(-30, 200))
def test_every_settled_dossier_is_early_on_time_or_late_and_counts_stay_within_their_denominators(
    classified_register, start_day, length, cut_shift
):
    start = date.fromordinal(date(2024, 1, 1).toordinal() + start_day)
    end = date.fromordinal(start.toordinal() + length)
    counts = count_period(classified_register, start, end, date.fromordinal(end.toordinal() + cut_shift))
    assert counts.settled == counts.early + counts.on_time + counts.late
    assert counts.online_full <= counts.online <= counts.received
    assert counts.paid_online <= counts.with_fee <= counts.received
    assert counts.apologised_in_time <= counts.apologised <= counts.late + counts.overdue
    assert counts.results_digitised <= counts.settled


# The 766 scores, as data.


def test_the_default_766_formulas_give_progress_points_in_proportion_to_the_on_time_rate():
    counts = KpiCounts(received=100, settled=100, early=50, on_time=45, late=5, online=25, with_fee=10, paid_online=5)
    counts.components_digitised = 80
    counts.results_digitised = 40
    scores = score_766(counts)
    assert scores["progress"] == Decimal("19.00")  # 20 × 95%
    assert scores["online_service"] == Decimal("6.00")  # 12 × 25% / 50%
    assert scores["online_payment"] == Decimal("10.00")  # 50% reaches full marks
    assert scores["digitisation"] == Decimal("16.50")  # 11 (80% = full) + 11 × 40% / 80%
    assert scores["total"] == Decimal("51.50")


def test_a_group_without_data_has_no_score_and_the_total_skips_it():
    scores = score_766(KpiCounts(received=10, online=10))
    assert scores["progress"] is None
    assert scores["online_service"] == Decimal("12.00")
    assert scores["total"] == Decimal("12.00") + scores["digitisation"]


def test_formulas_are_plain_json_data_and_can_use_tiers():
    config = {
        "groups": {
            "progress": {
                "parts": [
                    {
                        "measure": "settled_on_time_rate",
                        "tiers": [{"at_least": "100", "points": "20"}, {"at_least": "95", "points": "15"}],
                    }
                ]
            }
        }
    }
    assert score_766(KpiCounts(settled=20, early=19, late=1), config)["progress"] == Decimal("15.00")
    assert score_766(KpiCounts(settled=20, early=18, late=2), config)["progress"] == Decimal("0.00")
    assert json.loads(json.dumps(DEFAULT_766_FORMULAS)) == DEFAULT_766_FORMULAS


def test_a_formula_naming_an_unknown_measure_is_refused():
    config = {"groups": {"progress": {"parts": [{"measure": "tỷ lệ bí ẩn", "points": "20"}]}}}
    with pytest.raises(ValueError, match="không tồn tại"):
        score_766(KpiCounts(settled=1, early=1), config)
