from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.dossiers.calendar import DaySwap, WorkingCalendar, vietnam_calendar

CALENDAR = vietnam_calendar(range(2023, 2026))

# The official 2024 Tết break for public servants ran Thursday 08/02 to Wednesday 14/02; the
# announced exchange for 30/04 made Monday 29/04 a day off against Saturday 04/05. The holidays
# package (0.109) already carries both, so passing them again as data must change nothing.
ANNOUNCED_2024_SWAPS = (
    *(DaySwap(date(2024, 2, day), working=False, reason="Nghỉ Tết Giáp Thìn") for day in range(8, 15)),
    DaySwap(date(2024, 4, 29), working=False, reason="Nghỉ bù 30/4"),
    DaySwap(date(2024, 5, 4), working=True, reason="Làm bù cho ngày 29/4"),
)


def brute_force_is_working(day: date, holidays: set[date], extra_working: set[date], extra_off: set[date]) -> bool:
    if day in extra_working:
        return True
    return day.weekday() < 5 and day not in holidays and day not in extra_off


def test_the_2024_tet_break_from_the_library_is_seven_days_off():
    for day in range(8, 15):
        assert not CALENDAR.is_working_day(date(2024, 2, day)), day
    assert CALENDAR.is_working_day(date(2024, 2, 7))
    assert CALENDAR.is_working_day(date(2024, 2, 15))


def test_the_announced_2024_swaps_passed_as_data_agree_with_the_library():
    with_swaps = vietnam_calendar([2024], ANNOUNCED_2024_SWAPS)
    without_swaps = vietnam_calendar([2024])
    assert with_swaps.fingerprint() == without_swaps.fingerprint()
    assert not with_swaps.is_working_day(date(2024, 4, 29))
    assert with_swaps.is_working_day(date(2024, 5, 4))


def test_weekends_are_days_off_and_a_swapped_saturday_is_a_working_day():
    assert not CALENDAR.is_working_day(date(2024, 4, 6))  # Saturday
    assert not CALENDAR.is_working_day(date(2024, 4, 7))  # Sunday
    assert CALENDAR.is_working_day(date(2024, 4, 5))  # Friday
    assert CALENDAR.is_working_day(date(2024, 5, 4))  # Saturday worked for Monday 29/04


def test_an_announced_day_off_and_an_announced_working_day_are_editable_data():
    swaps = [
        DaySwap(date(2024, 3, 15), working=False, reason="Nghỉ theo thông báo của tỉnh"),
        DaySwap(date(2024, 3, 16), working=True, reason="Làm bù thứ Bảy"),
    ]
    edited = vietnam_calendar([2024], swaps)
    assert not edited.is_working_day(date(2024, 3, 15))
    assert edited.is_working_day(date(2024, 3, 16))
    assert edited.fingerprint() != vietnam_calendar([2024]).fingerprint()
    # The swap moves the working day, so a week's count is unchanged but split differently.
    assert edited.working_days_between(date(2024, 3, 10), date(2024, 3, 17)) == 5
    assert edited.working_days_between(date(2024, 3, 14), date(2024, 3, 15)) == 0


def test_a_day_announced_both_working_and_off_is_refused():
    with pytest.raises(ValueError, match="vừa là ngày nghỉ"):
        WorkingCalendar(extra_working_days={date(2024, 3, 16)}, extra_days_off={date(2024, 3, 16)})


def test_an_administrator_working_day_overrides_a_library_holiday():
    calendar = WorkingCalendar({date(2024, 9, 2)}, extra_working_days={date(2024, 9, 2)})
    assert calendar.is_working_day(date(2024, 9, 2))


def test_the_previous_working_day_skips_weekends_and_tet():
    assert CALENDAR.previous_working_day(date(2024, 4, 5)) == date(2024, 4, 4)
    assert CALENDAR.previous_working_day(date(2024, 4, 8)) == date(2024, 4, 5)
    assert CALENDAR.previous_working_day(date(2024, 2, 15)) == date(2024, 2, 7)


def test_working_days_between_counts_days_after_the_start_up_to_and_including_the_end():
    assert CALENDAR.working_days_between(date(2024, 4, 1), date(2024, 4, 1)) == 0
    assert CALENDAR.working_days_between(date(2024, 4, 1), date(2024, 4, 2)) == 1
    assert CALENDAR.working_days_between(date(2024, 4, 5), date(2024, 4, 8)) == 1
    assert CALENDAR.working_days_between(date(2024, 4, 1), date(2024, 4, 5)) == 4
    assert CALENDAR.working_days_between(date(2024, 2, 7), date(2024, 2, 15)) == 1
    assert CALENDAR.working_days_between(date(2024, 4, 8), date(2024, 4, 5)) == 0


def test_adding_working_days_skips_tet_and_zero_keeps_the_day():
    assert CALENDAR.add_working_days(date(2024, 2, 7), 1) == date(2024, 2, 15)
    assert CALENDAR.add_working_days(date(2024, 4, 1), 4) == date(2024, 4, 5)
    assert CALENDAR.add_working_days(date(2024, 4, 6), 0) == date(2024, 4, 6)
    assert CALENDAR.add_working_days(date(2024, 2, 15), -1) == date(2024, 2, 7)


def test_the_table_exports_cumulative_counts_by_ordinal():
    first_ordinal, table = CALENDAR.table
    assert first_ordinal == date(2023, 1, 1).toordinal() - 1
    assert len(table) == (date(2025, 12, 31) - date(2022, 12, 31)).days + 1
    index = date(2024, 2, 15).toordinal() - first_ordinal
    assert table[index] - table[index - 8] == 1  # 08/02 … 15/02: only the Thursday after Tết


def test_a_year_of_2024_has_the_expected_number_of_working_days():
    # 262 weekdays, minus 12 weekday holidays (01/01, five Tết weekdays, 18/04, 29/04, 30/04, 01/05,
    # 02/09, 03/09), plus Saturday 04/05 worked in exchange for 29/04.
    working = CALENDAR.working_days_in_year(2024)
    weekday_holidays = [day for day in CALENDAR.holidays if day.year == 2024 and day.weekday() < 5]
    assert len(weekday_holidays) == 12
    assert len(working) == 262 - 12 + 1


day_strategy = st.dates(min_value=date(2020, 1, 1), max_value=date(2028, 12, 31))


@given(start=day_strategy, count=st.integers(min_value=0, max_value=60))
def test_counting_back_an_added_number_of_working_days_gives_that_number(start, count):
    assert CALENDAR.working_days_between(start, CALENDAR.add_working_days(start, count)) == count


@settings(deadline=None)
@given(
    start=day_strategy,
    length=st.integers(min_value=0, max_value=400),
    holidays=st.sets(day_strategy, max_size=30),
    extra_working=st.sets(day_strategy, max_size=10),
    extra_off=st.sets(day_strategy, max_size=10),
    table_years=st.sampled_from([None, (2023, 2024), (2026, 2026)]),
)
def test_counts_inside_and_outside_the_table_match_a_day_by_day_count(
    start, length, holidays, extra_working, extra_off, table_years
):
    extra_off -= extra_working
    calendar = WorkingCalendar(holidays, extra_working, extra_off, table_years=table_years)
    end = start + timedelta(days=length)
    days = [start + timedelta(days=offset) for offset in range(1, length + 1)]
    expected = sum(brute_force_is_working(day, holidays, extra_working, extra_off) for day in days)
    assert calendar.working_days_between(start, end) == expected
    for day in days[:20]:
        assert calendar.is_working_day(day) == brute_force_is_working(day, holidays, extra_working, extra_off)
