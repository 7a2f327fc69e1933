import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc.measures import periods


@pytest.mark.parametrize(
    "text,key,start,end",
    [
        ("2024-03", "2024-03", dt.date(2024, 3, 1), dt.date(2024, 3, 31)),
        ("03/2024", "2024-03", dt.date(2024, 3, 1), dt.date(2024, 3, 31)),
        ("Tháng 2/2024", "2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2024-Q1", "2024-Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("Quý IV/2024", "2024-Q4", dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
        ("2024-H2", "2024-H2", dt.date(2024, 7, 1), dt.date(2024, 12, 31)),
        ("6 tháng đầu năm 2024", "2024-H1", dt.date(2024, 1, 1), dt.date(2024, 6, 30)),
        ("9 tháng năm 2024", "2024-9M", dt.date(2024, 1, 1), dt.date(2024, 9, 30)),
        ("Năm 2024", "2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("2024-01-15..2024-02-20", "2024-01-15..2024-02-20", dt.date(2024, 1, 15), dt.date(2024, 2, 20)),
    ],
)
def test_a_period_is_read_from_its_key_or_its_vietnamese_wording(text, key, start, end):
    period = periods.parse(text)
    assert (period.key, period.start, period.end) == (key, start, end)


@pytest.mark.parametrize("text", ["2024-13", "Quý V/2024", "tháng sau", "", "2024-02-30..2024-03-01"])
def test_a_text_that_is_not_a_period_is_refused_in_vietnamese(text):
    with pytest.raises(ValueError, match=r"Kỳ «.*» không hợp lệ"):
        periods.parse(text)


def test_a_month_thirteen_is_explained_in_vietnamese():
    with pytest.raises(ValueError, match="tháng từ 1 đến 12"):
        periods.parse("2024-13")


def test_labels_are_written_the_vietnamese_way():
    assert periods.parse("2024-03").label == "Tháng 03/2024"
    assert periods.parse("2024-Q3").label == "Quý III/2024"
    assert periods.parse("2024-H1").label == "6 tháng đầu năm 2024"
    assert periods.parse("2024").label == "Năm 2024"


def test_the_previous_period_of_january_is_december_of_the_year_before():
    assert periods.parse("2024-01").previous().key == "2023-12"
    assert periods.parse("2024-Q1").previous().key == "2023-Q4"
    assert periods.parse("2024-H1").previous().key == "2023-H1"


def test_periods_between_two_keys_follow_the_measures_periodicity():
    keys = [period.key for period in periods.between(periods.parse("2024-11"), periods.parse("2025-02"), "month")]
    assert keys == ["2024-11", "2024-12", "2025-01", "2025-02"]
    quarters = periods.between(periods.parse("2024-02"), periods.parse("2024-08"), "quarter")
    assert [period.key for period in quarters] == ["2024-Q1", "2024-Q2", "2024-Q3"]


def test_a_range_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="Kỳ cuối phải sau kỳ đầu"):
        periods.between(periods.parse("2025-03"), periods.parse("2025-01"), "month")


def test_the_latest_complete_month_is_the_one_before_today():
    assert periods.latest_complete("month", dt.date(2026, 1, 10)).key == "2025-12"
    assert periods.latest_complete("quarter", dt.date(2026, 5, 2)).key == "2026-Q1"


def test_a_quarter_is_made_of_its_three_months():
    assert [month.key for month in periods.parse("2024-Q2").months()] == ["2024-04", "2024-05", "2024-06"]


@given(st.integers(min_value=1990, max_value=2100), st.integers(min_value=1, max_value=12))
def test_every_month_key_reads_back_as_the_same_month(year, month):
    period = periods.month(year, month)
    assert periods.parse(period.key) == period
    assert periods.parse(period.label) == period
    assert periods.for_kind("month", period.end) == period


@given(st.integers(min_value=1990, max_value=2100), st.integers(min_value=1, max_value=4))
def test_every_quarter_key_and_label_read_back_as_the_same_quarter(year, number):
    period = periods.quarter(year, number)
    assert periods.parse(period.key) == period
    assert periods.parse(period.label) == period
