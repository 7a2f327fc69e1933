"""Due dates and reporting recurrences derived from deadlines as written in Vietnamese plans.

Plans state completion times in words ("Quý I", "Tháng 02/2024", "Thường xuyên", "6 tháng, cuối
năm", "Trước ngày 30/11", "Theo quy định"). The wording is kept as the reference; this module only
derives what can be derived without guessing. Anything it does not recognise, even partly, gives
no dates and no recurrence.

Rules:

- a quarter ends on its last day (Quý I → 31/03), a month on its last day, a year on 31/12;
- a list ("Quý II, III", "Tháng 3, 6, 9, 12") gives one due date per element; a range
  ("Tháng 01 – 3/2024", "Quý I - II") gives the end of the range;
- a year written in the phrase wins over the plan year given by the caller;
- "Hằng tháng" / "Hằng quý" / "Hằng năm" give every period end of the plan year and the
  recurrence; a deadline followed by "hằng năm" is yearly;
- several reporting periods listed together ("6 tháng, cuối năm"; "Quý, 6 tháng, năm") are a
  periodic report: the dates of each period, recurring at the most frequent one.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Recurrence(StrEnum):
    """How often a task is due or reported.

    - ``monthly``, ``quarterly``, ``semiannual``, ``yearly``: a periodic task or report;
    - ``continuous``: done all the time ("Thường xuyên"), without a due date;
    - ``as_regulated``: at the times set by regulations ("Theo quy định"), not stated in the plan.
    """

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    YEARLY = "yearly"
    CONTINUOUS = "continuous"
    AS_REGULATED = "as_regulated"


# Finest first: when a phrase combines several, the most frequent one is the recurrence.
RECURRENCE_PRIORITY = (
    Recurrence.MONTHLY,
    Recurrence.QUARTERLY,
    Recurrence.SEMIANNUAL,
    Recurrence.YEARLY,
    Recurrence.CONTINUOUS,
    Recurrence.AS_REGULATED,
)


@dataclass(frozen=True)
class DeadlineInterpretation:
    """A deadline as written, with the due dates (sorted) and recurrence derived from it."""

    text: str
    due_dates: list[date] = field(default_factory=list)
    recurrence: str | None = None


@dataclass(frozen=True)
class _Part:
    """What one comma-separated part of a phrase means."""

    due_dates: tuple[date, ...] = ()
    recurrence: Recurrence | None = None
    # Set for a bare reporting period ("6 tháng", "năm", "quý"): listed together they recur.
    period: Recurrence | None = None
    # "Quý" or "tháng" alone mean nothing; only in "Quý, 6 tháng, năm" they name a report.
    only_in_a_list: bool = False


ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
EVERY = r"(?:hằng|hàng|định kỳ hằng|định kỳ hàng|định kỳ)"
YEAR = r"(?P<year>\d{4})"
YEAR_SUFFIX = r"(?:\s*/\s*\d{4}|\s+năm\s+\d{4})"
ITEM_SEPARATOR = r"\s*(?:,|và|-|đến|tới)\s*"
PLAN_YEAR_WORDS = r"(?:năm|cả năm|trong năm|cuối năm|năm nay)"

LEADING_VERBS = re.compile(r"^(?:thực hiện|hoàn thành|triển khai|báo cáo|thời gian)\s*:?\s+")
TRAILING_EVERY_YEAR = re.compile(rf"\s+{EVERY}\s+năm$")
BARE_ITEM = re.compile(rf"^(?:[ivx]+|\d{{1,2}}){YEAR_SUFFIX}?$")
PART_SEPARATOR = re.compile(r"\s*(?:[,;+]|\bvà\b)\s*")

CONTINUOUS = re.compile(
    r"^(?:thường xuyên|liên tục)(?:\s*,?\s*(?:liên tục|thường xuyên|lâu dài))*"
    rf"(?:\s+(?:trong\s+)?(?:cả\s+)?(?:năm(?:\s+\d{{4}})?|{EVERY}\s+năm))?$"
)
AS_REGULATED = re.compile(r"^(?:theo|đúng) (?:quy định|thời gian quy định|thời hạn quy định)\b.*$")
EVERY_MONTH = re.compile(rf"^{EVERY}\s+tháng$")
EVERY_QUARTER = re.compile(rf"^{EVERY}\s+quý$")
EVERY_HALF = re.compile(rf"^{EVERY}\s+(?:6|sáu)\s+tháng$")
EVERY_YEAR = re.compile(rf"^{EVERY}\s+năm$")
PERIOD_MONTH = re.compile(r"^(?:báo cáo\s+)?tháng$")
PERIOD_QUARTER = re.compile(r"^(?:báo cáo\s+)?quý$")
HALF_YEAR = re.compile(rf"^(?:(?:6|sáu) tháng(?: đầu năm| năm)?|giữa năm)(?:\s*/?\s*{YEAR})?$")
NINE_MONTHS = re.compile(rf"^(?:9|chín) tháng(?: đầu năm| năm)?(?:\s*/?\s*{YEAR})?$")
PLAN_YEAR = re.compile(rf"^{PLAN_YEAR_WORDS}$")
EXPLICIT_YEAR = re.compile(r"^(?:(?:trong |cuối |cả )?năm\s+)?(?P<years>\d{4}(?:\s*-\s*\d{4})?)$")
PERIOD_PREFIX = r"(?:trong |cuối |hết |đến hết |đến cuối )?"
QUARTER_ITEM = rf"(?:[ivx]+|\d){YEAR_SUFFIX}?"
MONTH_ITEM = rf"\d{{1,2}}{YEAR_SUFFIX}?"
QUARTERS = re.compile(
    rf"^{PERIOD_PREFIX}quý\s+(?P<items>{QUARTER_ITEM}(?:{ITEM_SEPARATOR}(?:quý\s+)?{QUARTER_ITEM})*)$"
)
MONTHS = re.compile(rf"^{PERIOD_PREFIX}tháng\s+(?P<items>{MONTH_ITEM}(?:{ITEM_SEPARATOR}(?:tháng\s+)?{MONTH_ITEM})*)$")
DAY_PREFIX = r"(?:(?:trước|chậm nhất(?: là)?|đến|trong|hạn chót|hạn)\s+)?(?:ngày\s+)?"
NUMERIC_DATE = re.compile(rf"^{DAY_PREFIX}(?P<day>\d{{1,2}})\s*/\s*(?P<month>\d{{1,2}})(?:\s*/\s*{YEAR})?$")
WORDED_DATE = re.compile(rf"^{DAY_PREFIX}(?P<day>\d{{1,2}}) tháng (?P<month>\d{{1,2}})(?: năm {YEAR})?$")


def interpret_deadline(text: str, year: int) -> DeadlineInterpretation:
    """Derive due dates and a recurrence from a deadline phrase of a plan for ``year``."""
    normalised = normalise_phrase(text)
    whole = _interpret_whole(normalised)
    if whole is not None:
        return DeadlineInterpretation(text=text, recurrence=whole.recurrence and whole.recurrence.value)
    every_year = False
    if TRAILING_EVERY_YEAR.search(normalised) and not EVERY_YEAR.match(normalised):
        # "Tháng 01 hằng năm", "Trước ngày 15/12 hằng năm": a yearly deadline.
        normalised = TRAILING_EVERY_YEAR.sub("", normalised)
        every_year = True
    parts = _interpret_parts(normalised, year) if normalised else None
    if parts is None:
        return DeadlineInterpretation(text=text)
    due_dates = sorted({due for part in parts for due in part.due_dates})
    recurrence = _combined_recurrence(parts)
    if every_year:
        if not due_dates or recurrence not in (None, Recurrence.YEARLY):
            return DeadlineInterpretation(text=text)
        recurrence = Recurrence.YEARLY
    return DeadlineInterpretation(text=text, due_dates=due_dates, recurrence=recurrence.value if recurrence else None)


def normalise_phrase(text: str) -> str:
    """NFC, lower case, one space between words, ASCII dashes, no closing punctuation."""
    phrase = unicodedata.normalize("NFC", text).lower()
    phrase = re.sub(r"[\u2010-\u2015\u2212]", "-", phrase)
    phrase = re.sub(r"\s+", " ", phrase).strip()
    phrase = re.sub(r"\s*([,;/])\s*", r"\1 ", phrase).replace("/ ", "/")
    phrase = re.sub(r"\s+", " ", phrase).strip(" .;,")
    return LEADING_VERBS.sub("", phrase)


def _interpret_parts(phrase: str, year: int) -> list[_Part] | None:
    parts: list[_Part] = []
    for segment in _segments(phrase):
        part = _interpret_segment(segment, year)
        if part is None:
            return None
        parts.append(part)
    if len(parts) == 1 and parts[0].only_in_a_list:
        return None
    return parts or None


def _interpret_whole(phrase: str) -> _Part | None:
    """Phrases that are only meaningful as a whole (they may contain commas)."""
    if CONTINUOUS.match(phrase):
        return _Part(recurrence=Recurrence.CONTINUOUS)
    if AS_REGULATED.match(phrase):
        return _Part(recurrence=Recurrence.AS_REGULATED)
    return None


def _segments(phrase: str) -> list[str]:
    """Split a phrase into parts, keeping list continuations ("Quý II, III") with their unit."""
    segments: list[str] = []
    for piece in PART_SEPARATOR.split(phrase):
        if not piece:
            continue
        if segments and BARE_ITEM.match(piece):
            segments[-1] = f"{segments[-1]}, {piece}"
        else:
            segments.append(piece)
    return segments


def _interpret_segment(segment: str, year: int) -> _Part | None:
    if EVERY_MONTH.match(segment):
        return _Part(tuple(_month_end(year, month) for month in range(1, 13)), Recurrence.MONTHLY)
    if EVERY_QUARTER.match(segment):
        return _Part(tuple(_month_end(year, month) for month in (3, 6, 9, 12)), Recurrence.QUARTERLY)
    if EVERY_HALF.match(segment):
        return _Part((date(year, 6, 30), date(year, 12, 31)), Recurrence.SEMIANNUAL)
    if EVERY_YEAR.match(segment):
        return _Part((date(year, 12, 31),), Recurrence.YEARLY)
    if PERIOD_MONTH.match(segment):
        month_ends = tuple(_month_end(year, month) for month in range(1, 13))
        return _Part(month_ends, period=Recurrence.MONTHLY, only_in_a_list=True)
    if PERIOD_QUARTER.match(segment):
        quarter_ends = tuple(_month_end(year, month) for month in (3, 6, 9, 12))
        return _Part(quarter_ends, period=Recurrence.QUARTERLY, only_in_a_list=True)
    if match := HALF_YEAR.match(segment):
        return _Part((date(_year_or(match, year), 6, 30),), period=Recurrence.SEMIANNUAL)
    if match := NINE_MONTHS.match(segment):
        return _Part((date(_year_or(match, year), 9, 30),))
    if PLAN_YEAR.match(segment):
        return _Part((date(year, 12, 31),), period=Recurrence.YEARLY)
    if match := EXPLICIT_YEAR.match(segment):
        last_year = int(match["years"].split("-")[-1])
        return _Part((date(last_year, 12, 31),)) if _plausible_year(last_year) else None
    if match := QUARTERS.match(segment):
        return _periods(match["items"], year, _quarter_number, lambda y, q: _month_end(y, q * 3))
    if match := MONTHS.match(segment):
        return _periods(match["items"], year, _month_number, _month_end)
    if match := NUMERIC_DATE.match(segment) or WORDED_DATE.match(segment):
        return _day(int(match["day"]), int(match["month"]), _year_or(match, year))
    return None


def _periods(
    items_text: str,
    year: int,
    parse_number: Callable[[str], int | None],
    period_end: Callable[[int, int], date],
) -> _Part | None:
    """Quarters or months as a list or a range; a year written on a later item applies before it."""
    tokens = re.split(r"\s*(,|và|-|đến|tới)\s*", items_text)
    items: list[tuple[int, int | None]] = []
    range_starts: set[int] = set()
    for position, token in enumerate(tokens):
        if position % 2:
            if token in ("-", "đến", "tới"):
                range_starts.add(len(items) - 1)
            continue
        match = re.fullmatch(r"(?:quý\s+|tháng\s+)?([ivx]+|\d{1,2})(?:\s*/\s*(\d{4})|\s+năm\s+(\d{4}))?", token)
        if match is None:
            return None
        number = parse_number(match[1])
        written_year = match[2] or match[3]
        if number is None or (written_year and not _plausible_year(int(written_year))):
            return None
        items.append((number, int(written_year) if written_year else None))
    resolved: list[tuple[int, int]] = []
    following_year = year
    for number, written_year in reversed(items):
        following_year = written_year or following_year
        resolved.append((following_year, number))
    resolved.reverse()
    due_dates = [
        period_end(item_year, number) for index, (item_year, number) in enumerate(resolved) if index not in range_starts
    ]
    return _Part(tuple(due_dates))


def _day(day: int, month: int, year: int) -> _Part | None:
    if not _plausible_year(year):
        return None
    try:
        return _Part((date(year, month, day),))
    except ValueError:
        return None


def _combined_recurrence(parts: list[_Part]) -> Recurrence | None:
    candidates = {part.recurrence for part in parts if part.recurrence}
    periods = [part.period for part in parts if part.period]
    if len(periods) >= 2:
        candidates.update(periods)
    for recurrence in RECURRENCE_PRIORITY:
        if recurrence in candidates:
            return recurrence
    return None


def _quarter_number(token: str) -> int | None:
    number = ROMAN_QUARTERS.get(token) if not token.isdigit() else int(token)
    return number if number and 1 <= number <= 4 else None


def _month_number(token: str) -> int | None:
    return int(token) if token.isdigit() and 1 <= int(token) <= 12 else None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_or(match: re.Match[str], year: int) -> int:
    written = match.groupdict().get("year")
    return int(written) if written else year


def _plausible_year(year: int) -> bool:
    return 1990 <= year <= 2100
