"""Reporting periods: month, quarter, half year, nine months, year, or a custom range.

Keys are what users and files write: «2024-03», «2024-Q1», «2024-H1», «2024-9M», «2024»,
«2024-01-15..2024-02-20». Vietnamese forms («Tháng 3/2024», «Quý I/2024», «6 tháng 2024»,
«9 tháng 2024», «Năm 2024») are accepted when parsing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    NINE_MONTHS = "nine_months"
    YEAR = "year"
    CUSTOM = "custom"


ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date
    kind: PeriodKind

    @property
    def key(self) -> str:
        year = self.start.year
        match self.kind:
            case PeriodKind.MONTH:
                return f"{year}-{self.start.month:02d}"
            case PeriodKind.QUARTER:
                return f"{year}-Q{(self.start.month - 1) // 3 + 1}"
            case PeriodKind.HALF:
                return f"{year}-H{1 if self.start.month == 1 else 2}"
            case PeriodKind.NINE_MONTHS:
                return f"{year}-9M"
            case PeriodKind.YEAR:
                return str(year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        year = self.start.year
        match self.kind:
            case PeriodKind.MONTH:
                return f"Tháng {self.start.month:02d}/{year}"
            case PeriodKind.QUARTER:
                quarter = (self.start.month - 1) // 3 + 1
                return f"Quý {['I', 'II', 'III', 'IV'][quarter - 1]}/{year}"
            case PeriodKind.HALF:
                return f"6 tháng {'đầu' if self.start.month == 1 else 'cuối'} năm {year}"
            case PeriodKind.NINE_MONTHS:
                return f"9 tháng năm {year}"
            case PeriodKind.YEAR:
                return f"Năm {year}"
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def months(self) -> list[Period]:
        result = []
        current = dt.date(self.start.year, self.start.month, 1)
        while current <= self.end:
            result.append(month(current.year, current.month))
            current = dt.date(current.year + current.month // 12, current.month % 12 + 1, 1)
        return result

    def previous(self) -> Period:
        """The same kind of period one step earlier (the previous year for a year, half or 9 months)."""
        if self.kind == PeriodKind.MONTH:
            first = self.start - dt.timedelta(days=1)
            return month(first.year, first.month)
        if self.kind == PeriodKind.QUARTER:
            first = self.start - dt.timedelta(days=1)
            return quarter(first.year, (first.month - 1) // 3 + 1)
        if self.kind in (PeriodKind.HALF, PeriodKind.NINE_MONTHS, PeriodKind.YEAR):
            return parse(self.key.replace(str(self.start.year), str(self.start.year - 1), 1))
        length = self.end - self.start
        return Period(self.start - length - dt.timedelta(days=1), self.start - dt.timedelta(days=1), PeriodKind.CUSTOM)


def _month_end(year: int, month_number: int) -> dt.date:
    return dt.date(year, month_number, calendar.monthrange(year, month_number)[1])


def month(year: int, month_number: int) -> Period:
    if not 1 <= month_number <= 12:
        raise ValueError(f"tháng {month_number} không có (tháng từ 1 đến 12)")
    return Period(dt.date(year, month_number, 1), _month_end(year, month_number), PeriodKind.MONTH)


def quarter(year: int, number: int) -> Period:
    first_month = 3 * (number - 1) + 1
    return Period(dt.date(year, first_month, 1), _month_end(year, first_month + 2), PeriodKind.QUARTER)


def half(year: int, number: int) -> Period:
    return Period(
        dt.date(year, 1 if number == 1 else 7, 1), _month_end(year, 6 if number == 1 else 12), PeriodKind.HALF
    )


def nine_months(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 9, 30), PeriodKind.NINE_MONTHS)


def year(year_number: int) -> Period:
    return Period(dt.date(year_number, 1, 1), dt.date(year_number, 12, 31), PeriodKind.YEAR)


def custom(start: dt.date, end: dt.date) -> Period:
    if end < start:
        raise ValueError("Ngày kết thúc kỳ phải sau ngày bắt đầu.")
    return Period(start, end, PeriodKind.CUSTOM)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.strip().lower())
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn").replace("đ", "d")


def parse(text: str) -> Period:
    """Parse a period key or its Vietnamese wording; ValueError (Vietnamese) if it is not one."""
    raw = " ".join(str(text).split())
    plain = _plain(raw)
    patterns: list[tuple[str, object]] = [
        (r"^(\d{4})-(\d{1,2})$", lambda m: month(int(m[1]), int(m[2]))),
        (r"^(\d{1,2})/(\d{4})$", lambda m: month(int(m[2]), int(m[1]))),
        (r"^thang (\d{1,2})/(\d{4})$", lambda m: month(int(m[2]), int(m[1]))),
        (r"^(\d{4})-q([1-4])$", lambda m: quarter(int(m[1]), int(m[2]))),
        (r"^quy (i|ii|iii|iv|[1-4])/(\d{4})$", lambda m: quarter(int(m[2]), ROMAN.get(m[1].upper()) or int(m[1]))),
        (r"^(\d{4})-h([12])$", lambda m: half(int(m[1]), int(m[2]))),
        (r"^6 thang (?:dau nam )?(\d{4})$", lambda m: half(int(m[1]), 1)),
        (r"^6 thang cuoi nam (\d{4})$", lambda m: half(int(m[1]), 2)),
        (r"^(\d{4})-9m$", lambda m: nine_months(int(m[1]))),
        (r"^9 thang (?:nam )?(\d{4})$", lambda m: nine_months(int(m[1]))),
        (r"^(?:nam )?(\d{4})$", lambda m: year(int(m[1]))),
        (
            r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$",
            lambda m: custom(dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])),
        ),
    ]
    for pattern, build in patterns:
        found = re.match(pattern, plain)
        if found:
            try:
                return build(found)  # type: ignore[operator]
            except ValueError as error:
                raise ValueError(f"Kỳ «{raw}» không hợp lệ: {error}") from error
    raise ValueError(f"Kỳ «{raw}» không hợp lệ (ví dụ: 2024-03, 2024-Q1, 2024-H1, 2024-9M, 2024).")


def for_kind(kind: str, day: dt.date) -> Period:
    """The period of a given kind that contains `day`."""
    match kind:
        case PeriodKind.MONTH:
            return month(day.year, day.month)
        case PeriodKind.QUARTER:
            return quarter(day.year, (day.month - 1) // 3 + 1)
        case PeriodKind.HALF:
            return half(day.year, 1 if day.month <= 6 else 2)
        case PeriodKind.YEAR:
            return year(day.year)
    raise ValueError(f"Không có kỳ loại {kind}.")


def between(first: Period, last: Period, kind: str) -> list[Period]:
    """Every period of `kind` from the one containing first.start to the one containing last.end."""
    if last.end < first.start:
        raise ValueError("Kỳ cuối phải sau kỳ đầu.")
    result: list[Period] = []
    current = for_kind(kind, first.start)
    final = for_kind(kind, last.end)
    while current <= final:
        result.append(current)
        current = for_kind(kind, current.end + dt.timedelta(days=1))
    return result


def latest_complete(kind: str, today: dt.date) -> Period:
    """The last period of `kind` that ended before `today` (the one being reported now)."""
    return for_kind(kind, for_kind(kind, today).start - dt.timedelta(days=1))
