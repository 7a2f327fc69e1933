"""Working-day arithmetic for dossier deadlines.

A date is a working day when it is Monday–Friday and neither a public holiday nor an announced day
off, or when it has been announced as a working day (a swapped Saturday). Administrator-announced
data wins over the holiday library, because the government's yearly announcement is the authority.

Everything rests on one function, the cumulative count of working days up to and including a date.
Counts between two dates are a difference of two cumulative values, so a precomputed table over a
range of years answers them in O(1) and can be exported to SQL or DuckDB as a lookup table.
Outside the table the same count is computed arithmetically (weekday formula plus a bisect over the
sorted exceptions), so results never depend on the table's range.

Convention for `working_days_between(start, end)`: the working days *after* `start` up to and
*including* `end`. A dossier received on Monday and finished on Tuesday took 1 working day; one
finished on the day it was received took 0. This matches how deadlines are set ("within 3 working
days of receipt": the due date is `add_working_days(received, 3)`), so
`working_days_between(d, add_working_days(d, n)) == n` for every n ≥ 0.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import holidays as holidays_library

_SATURDAY = 5


@dataclass(frozen=True, slots=True)
class DaySwap:
    """One announced change to the calendar: `day` becomes a working day or a day off."""

    day: date
    working: bool
    reason: str = ""


def _weekdays_through(ordinal: int) -> int:
    """Monday–Friday days with ordinal in [1, ordinal]; ordinal 1 (0001-01-01) is a Monday."""
    full_weeks, remainder = divmod(ordinal, 7)
    return 5 * full_weeks + min(remainder, 5)


class WorkingCalendar:
    """Working days = weekdays − holidays − extra days off + extra working days."""

    __slots__ = (
        "_added_ordinals",
        "_days_off",
        "_removed_ordinals",
        "_table",
        "_table_first_ordinal",
        "_table_last_ordinal",
        "_working_days",
        "holidays",
    )

    def __init__(
        self,
        holidays: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
        extra_days_off: Iterable[date] = (),
        *,
        table_years: tuple[int, int] | None = None,
    ) -> None:
        self.holidays: frozenset[date] = frozenset(holidays)
        self._working_days: frozenset[date] = frozenset(extra_working_days)
        self._days_off: frozenset[date] = frozenset(extra_days_off)
        conflicting = self._working_days & self._days_off
        if conflicting:
            listed = ", ".join(day.strftime("%d/%m/%Y") for day in sorted(conflicting))
            raise ValueError(f"Ngày vừa được công bố là ngày làm việc vừa là ngày nghỉ: {listed}")
        # Weekdays that are not worked, and weekend days that are, as sorted ordinals for bisect.
        removed = {
            day.toordinal()
            for day in self.holidays | self._days_off
            if day.weekday() < _SATURDAY and day not in self._working_days
        }
        added = {day.toordinal() for day in self._working_days if day.weekday() >= _SATURDAY}
        self._removed_ordinals: list[int] = sorted(removed)
        self._added_ordinals: list[int] = sorted(added)
        if table_years is None:
            known_years = [day.year for day in self.holidays | self._working_days | self._days_off]
            table_years = (min(known_years), max(known_years)) if known_years else None
        self._table: list[int] = []
        self._table_first_ordinal = 0
        self._table_last_ordinal = -1
        if table_years is not None:
            self._build_table(*table_years)

    @classmethod
    def for_years(
        cls,
        first: int,
        last: int,
        swaps: Iterable[DaySwap] = (),
        *,
        holidays: Iterable[date] | None = None,
    ) -> WorkingCalendar:
        """A calendar with its O(1) table over [first, last]; Vietnam's holidays unless given."""
        if last < first:
            raise ValueError("Năm kết thúc phải không nhỏ hơn năm bắt đầu")
        extra_working: set[date] = set()
        if holidays is None:
            library_days = holidays_library.country_holidays("VN", years=range(first, last + 1))
            holidays = set(library_days)
            # The library also knows the Saturdays worked in exchange for bridge days it lists.
            extra_working.update(
                day for day in getattr(library_days, "weekend_workdays", ()) if first <= day.year <= last
            )
        extra_off: set[date] = set()
        for swap in swaps:
            if swap.working:
                extra_working.add(swap.day)
                extra_off.discard(swap.day)
            else:
                extra_off.add(swap.day)
                extra_working.discard(swap.day)
        return cls(holidays, extra_working, extra_off, table_years=(first, last))

    def _build_table(self, first_year: int, last_year: int) -> None:
        # Entry i holds the cumulative count through ordinal (first_ordinal + i); the entry for the day
        # before the range lets `between` use the same subtraction at the range's first day.
        first_ordinal = date(first_year, 1, 1).toordinal() - 1
        last_ordinal = date(last_year, 12, 31).toordinal()
        running = self._cumulative_arithmetic(first_ordinal)
        table = [running]
        for ordinal in range(first_ordinal + 1, last_ordinal + 1):
            running += self._is_working_ordinal_slow(ordinal)
            table.append(running)
        self._table = table
        self._table_first_ordinal = first_ordinal
        self._table_last_ordinal = last_ordinal

    def _is_working_ordinal_slow(self, ordinal: int) -> int:
        weekday = (ordinal - 1) % 7
        if weekday < _SATURDAY:
            index = bisect_right(self._removed_ordinals, ordinal)
            return 0 if index and self._removed_ordinals[index - 1] == ordinal else 1
        index = bisect_right(self._added_ordinals, ordinal)
        return 1 if index and self._added_ordinals[index - 1] == ordinal else 0

    def _cumulative_arithmetic(self, ordinal: int) -> int:
        return (
            _weekdays_through(ordinal)
            - bisect_right(self._removed_ordinals, ordinal)
            + bisect_right(self._added_ordinals, ordinal)
        )

    # Cumulative counts: the primitive everything else is built on.

    def cumulative_by_ordinal(self, ordinal: int) -> int:
        """Working days with ordinal ≤ `ordinal` (an arbitrary but fixed origin)."""
        if self._table_first_ordinal <= ordinal <= self._table_last_ordinal:
            return self._table[ordinal - self._table_first_ordinal]
        return self._cumulative_arithmetic(ordinal)

    def cumulative_working_days(self, day: date) -> int:
        return self.cumulative_by_ordinal(day.toordinal())

    @property
    def table(self) -> tuple[int, list[int]]:
        """(ordinal of the first entry, cumulative counts) for bulk use, e.g. a SQL lookup table."""
        return self._table_first_ordinal, self._table

    # Day-level questions.

    def is_working_day(self, day: date) -> bool:
        ordinal = day.toordinal()
        return self.cumulative_by_ordinal(ordinal) != self.cumulative_by_ordinal(ordinal - 1)

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before `day`."""
        candidate = day - timedelta(days=1)
        while not self.is_working_day(candidate):
            candidate -= timedelta(days=1)
        return candidate

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; 0 when `end` ≤ `start`."""
        if end <= start:
            return 0
        return self.cumulative_working_days(end) - self.cumulative_working_days(start)

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (before it when negative); `day` itself for 0."""
        step = timedelta(days=1 if count >= 0 else -1)
        remaining = abs(count)
        current = day
        while remaining:
            current += step
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_in_year(self, year: int) -> list[date]:
        first = date(year, 1, 1)
        return [
            first + timedelta(days=offset)
            for offset in range((date(year, 12, 31) - first).days + 1)
            if self.is_working_day(first + timedelta(days=offset))
        ]

    def fingerprint(self) -> str:
        """Changes whenever the set of working days changes: stored facts older than it are stale."""
        digest = hashlib.sha256()
        digest.update(",".join(map(str, self._removed_ordinals)).encode())
        digest.update(b"|")
        digest.update(",".join(map(str, self._added_ordinals)).encode())
        return digest.hexdigest()[:16]


def vietnam_calendar(years: Iterable[int], swaps: Iterable[DaySwap] = ()) -> WorkingCalendar:
    """Vietnam's public holidays for `years` from the `holidays` package plus announced swaps.

    The library (0.109) already carries the 2024 Tết break 08/02–14/02 and the 29/04 ↔ Sat 04/05
    exchange; swaps are for what it lacks or what a province announces on its own.
    """
    year_list = sorted(set(years))
    if not year_list:
        raise ValueError("Cần ít nhất một năm")
    return WorkingCalendar.for_years(year_list[0], year_list[-1], swaps)
