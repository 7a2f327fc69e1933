"""The working calendar as data: holidays seeded per year from the `holidays` library, then edited.

Administrators' rows win over the library: seeding never touches a day an administrator set. The
calendar object is rebuilt from the table when needed; `WorkingDayTally` mirrors its cumulative
counts so that SQL (recomputation) and Python (import) use the very same working days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import holidays as holidays_library
from django.db import connection, transaction
from django.utils import timezone

from cchc.dossiers.calendar import WorkingCalendar
from cchc.dossiers.models import CalendarDay, CalendarYear, WorkingDayTally

# Years seeded whenever the calendar is first needed: registers reach back a few years.
DEFAULT_YEARS_BACK = 6
DEFAULT_YEARS_AHEAD = 2


def default_years(today: date | None = None) -> range:
    today = today or timezone.localdate()
    return range(today.year - DEFAULT_YEARS_BACK, today.year + DEFAULT_YEARS_AHEAD + 1)


def library_days(year: int) -> list[tuple[date, str, str]]:
    """(day, kind, name) of the library's holidays and worked Saturdays for `year`."""
    days = holidays_library.country_holidays("VN", years=year, language="vi")
    rows = [(day, CalendarDay.Kind.HOLIDAY.value, str(name)) for day, name in sorted(days.items())]
    for day in sorted(getattr(days, "weekend_workdays", ())):
        if day.year == year:
            rows.append((day, CalendarDay.Kind.WORKING_DAY.value, "Ngày làm việc bù"))
    return rows


def ensure_years(years: Iterable[int]) -> list[int]:
    """Seed the years not seeded yet; returns the ones seeded now."""
    wanted = sorted(set(years))
    if not wanted:
        return []
    known = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    missing = [year for year in wanted if year not in known]
    if not missing:
        return []
    version = getattr(holidays_library, "__version__", "")
    with transaction.atomic():
        taken = set(
            CalendarDay.objects.filter(year__in=missing).values_list("day", flat=True)
        )  # an administrator's rows entered before the year was seeded
        rows = [
            CalendarDay(day=day, year=day.year, kind=kind, name=name[:255], source=CalendarDay.Source.LIBRARY)
            for year in missing
            for day, kind, name in library_days(year)
            if day not in taken
        ]
        CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)
        CalendarYear.objects.bulk_create(
            [CalendarYear(year=year, library_version=version) for year in missing], ignore_conflicts=True
        )
    return missing


def build_calendar(first_year: int, last_year: int) -> WorkingCalendar:
    """The calendar from the table, with its O(1) table over [first_year, last_year]."""
    holidays: list[date] = []
    days_off: list[date] = []
    working: list[date] = []
    for day, kind in CalendarDay.objects.values_list("day", "kind"):
        if kind == CalendarDay.Kind.HOLIDAY:
            holidays.append(day)
        elif kind == CalendarDay.Kind.DAY_OFF:
            days_off.append(day)
        else:
            working.append(day)
    return WorkingCalendar(holidays, working, days_off, table_years=(first_year, last_year))


def calendar_for_years(years: Iterable[int]) -> WorkingCalendar:
    """Seed what is missing and build the calendar covering `years` and the default range."""
    wanted = set(years) | set(default_years())
    ensure_years(wanted)
    return build_calendar(min(wanted), max(wanted))


def seeded_range() -> tuple[int, int]:
    years = list(CalendarYear.objects.values_list("year", flat=True))
    if not years:
        span = default_years()
        return span.start, span.stop - 1
    return min(years), max(years)


def current_calendar() -> WorkingCalendar:
    """The calendar over every seeded year (seeding the default range first)."""
    ensure_years(default_years())
    first, last = seeded_range()
    return build_calendar(first, last)


def _tally_rows(calendar: WorkingCalendar, first_year: int, last_year: int) -> list[tuple[date, int, int]]:
    """(day, working days through it, working days before it) for [first_year − 1, last_year + 1]."""
    start = date(first_year - 1, 1, 1)
    end = date(last_year + 1, 12, 31)
    rows = []
    day = start
    one = timedelta(days=1)
    cumulative = calendar.cumulative_working_days
    previous = cumulative(start - one)
    while day <= end:
        through = cumulative(day)
        rows.append((day, through, previous))
        previous = through
        day += one
    return rows


def sync_tally(calendar: WorkingCalendar, first_year: int, last_year: int) -> int:
    """Rewrite the cumulative table for [first_year − 1, last_year + 1]; returns the rows written."""
    rows = _tally_rows(calendar, first_year, last_year)
    with transaction.atomic():
        WorkingDayTally.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {WorkingDayTally._meta.db_table} (day, through, before) VALUES (%s, %s, %s)", rows
            )
    return len(rows)


def ensure_tally(calendar: WorkingCalendar, first_year: int, last_year: int) -> bool:
    """Rewrite the cumulative table only if it differs from `calendar`'s (concurrent imports then
    leave it alone); returns whether it was rewritten."""
    if list(WorkingDayTally.objects.order_by("day").values_list("day", "through", "before")) == _tally_rows(
        calendar, first_year, last_year
    ):
        return False
    sync_tally(calendar, first_year, last_year)
    return True


def bump_version(year: int, actor: object = None) -> CalendarYear:
    row, _created = CalendarYear.objects.get_or_create(year=year)
    row.version += 1
    row.updated_by = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[assignment]
    row.save(update_fields=["version", "updated_by", "updated_at"])
    return row
