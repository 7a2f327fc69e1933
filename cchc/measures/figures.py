"""Checking a reported figure before it is stored, shared by the entry form and the importer.

Problems name the field they concern so the importer can say «Dòng N, cột «Tử số»: …» and a form can
put the message under the right input.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from cchc.measures.models import Measure
from cchc.measures.periods import Period
from cchc.measures.readings import rate

NUMERATOR = "numerator"
DENOMINATOR = "denominator"
VALUE = "value"
PERIOD = "period"

_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
PERIOD_EXAMPLES = {"month": "2026-03", "quarter": "2026-Q1", "year": "2026"}


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


@dataclass(frozen=True)
class Figures:
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None


def parse_number(raw: Any) -> Decimal | None:
    """A number as typed in Vietnamese or English style: 1.234 / 1234 / 92,5 / 1.234,5 / 92.5.

    A dot followed by groups of exactly three digits is a thousands separator (Vietnamese style);
    ValueError (Vietnamese) if the text is not a number.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError("không phải là số")
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    text = str(raw).strip().replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    elif _THOUSANDS.match(text):
        text = text.replace(".", "")
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(f"«{raw}» không phải là số") from error
    if not number.is_finite():
        raise ValueError(f"«{raw}» không phải là số")
    return number


def period_problem(measure: Measure, period: Period, today: dt.date) -> str:
    """Why `period` cannot carry a value of `measure`, or "" if it can."""
    if period.kind != measure.periodicity:
        example = PERIOD_EXAMPLES.get(measure.periodicity, "")
        return (
            f"chỉ số «{measure.name}» báo cáo {measure.get_periodicity_display().lower()}: "
            f"kỳ «{period.key}» không phù hợp (ví dụ: {example})"
        )
    if period.start > today:
        return f"kỳ {period.label} chưa bắt đầu"
    return ""


def clean_figures(
    measure: Measure, numerator: Decimal | None, denominator: Decimal | None, value: Decimal | None
) -> tuple[Figures, list[Problem]]:
    """The figures to store for `measure`, or the problems that prevent it."""
    if measure.is_rate:
        return _clean_rate(measure, numerator, denominator, value)
    return _clean_plain(measure, numerator, denominator, value)


def _clean_rate(
    measure: Measure, numerator: Decimal | None, denominator: Decimal | None, value: Decimal | None
) -> tuple[Figures, list[Problem]]:
    problems: list[Problem] = []
    if numerator is None:
        problems.append(Problem(NUMERATOR, f"thiếu tử số ({measure.numerator_label or 'tử số'})"))
    elif numerator < 0:
        problems.append(Problem(NUMERATOR, "tử số không được âm"))
    if denominator is None:
        problems.append(Problem(DENOMINATOR, f"thiếu mẫu số ({measure.denominator_label or 'mẫu số'})"))
    elif denominator < 0:
        problems.append(Problem(DENOMINATOR, "mẫu số không được âm"))
    if value is not None and numerator is None and denominator is None:
        problems.append(
            Problem(VALUE, "chỉ số tỷ lệ phải nhập tử số và mẫu số (không nhập tỷ lệ) để cấp trên tổng hợp đúng")
        )
    if problems or numerator is None or denominator is None:
        return Figures(None, None, None), problems
    if measure.kind == Measure.Kind.PERCENTAGE and numerator > denominator:
        problems.append(
            Problem(NUMERATOR, f"tử số ({_plain(numerator)}) không được lớn hơn mẫu số ({_plain(denominator)})")
        )
    if denominator == 0 and numerator != 0:
        problems.append(Problem(DENOMINATOR, "mẫu số bằng 0 thì tử số cũng phải bằng 0"))
    return Figures(numerator, denominator, rate(numerator, denominator)), problems


def _clean_plain(
    measure: Measure, numerator: Decimal | None, denominator: Decimal | None, value: Decimal | None
) -> tuple[Figures, list[Problem]]:
    problems: list[Problem] = []
    if value is None:
        field = NUMERATOR if numerator is not None else VALUE
        problems.append(Problem(field, "chỉ số này nhập một giá trị (cột «Giá trị»), không nhập tử số, mẫu số"))
        return Figures(None, None, None), problems
    if measure.kind in (Measure.Kind.COUNT, Measure.Kind.MONEY, Measure.Kind.DAYS) and value < 0:
        problems.append(Problem(VALUE, "giá trị không được âm"))
    if measure.kind == Measure.Kind.COUNT and value != value.to_integral_value():
        problems.append(Problem(VALUE, "số lượng phải là số nguyên"))
    if measure.kind == Measure.Kind.YES_NO and value not in (0, 1):
        problems.append(Problem(VALUE, "chỉ nhập 1 (có) hoặc 0 (không)"))
    if measure.kind == Measure.Kind.PERCENTAGE and not 0 <= value <= 100:
        problems.append(Problem(VALUE, "tỷ lệ phải từ 0 đến 100"))
    return Figures(None, None, value), problems


def _plain(number: Decimal) -> str:
    from cchc.core.formatting import number as vn_number

    places = 0 if number == number.to_integral_value() else 2
    return vn_number(number, places)
