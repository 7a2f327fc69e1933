"""Rows of a budget appendix table → :class:`BudgetDraft` (amounts in thousand đồng)."""

from __future__ import annotations

import re
from decimal import Decimal

from cchc.plans.amount_words import amount_in_words
from cchc.plans.documents.amounts import AmountFormatError, format_amount, parse_amount
from cchc.plans.documents.columns import TableHeader, is_header_repeat, is_numbering_row, normalise_header
from cchc.plans.documents.drafts import BudgetDraft, BudgetLine
from cchc.plans.documents.grid import GridTable, unique_texts

TOTAL_ROW = re.compile(r"^(?:tổng cộng|tổng số|tổng|cộng)\b", re.IGNORECASE)
IN_WORDS_ROW = re.compile(r"^\(?\s*(?:bằng chữ|số tiền bằng chữ)", re.IGNORECASE)
TOP_LEVEL_NUMBER = re.compile(r"^(?:[IVXL]+|\d+)\.?$")
AMOUNT_FIELDS = ("total", "own", "support")
# Multiplier from the unit the table states to thousand đồng.
UNITS = {
    "triệu đồng": Decimal(1000),
    "nghìn đồng": Decimal(1),
    "ngàn đồng": Decimal(1),
    "1.000 đồng": Decimal(1),
    "1000 đồng": Decimal(1),
    "đồng": Decimal("0.001"),
}
UNIT_PATTERN = r"(?P<unit>triệu đồng|nghìn đồng|ngàn đồng|1\.000 đồng|1000 đồng|đồng)"
UNIT_STATEMENT = re.compile(rf"(?:đvt|đơn vị tính|đơn vị)\s*:?\s*{UNIT_PATTERN}")
UNIT_IN_HEADER = re.compile(rf"\((?:đvt\s*:?\s*)?{UNIT_PATTERN}\)")
UNIT_LABELS = {Decimal(1000): "triệu đồng", Decimal(1): "nghìn đồng", Decimal("0.001"): "đồng"}


def read_budget(table: GridTable, header: TableHeader, warnings: list[str]) -> BudgetDraft:
    multiplier = _unit_multiplier(table, header, warnings)
    budget = BudgetDraft(unit=UNIT_LABELS[multiplier])
    written_total: str | None = None
    total_row_number = 0
    for index in range(header.data_start, len(table.rows)):
        row = table.rows[index]
        if is_header_repeat(row, header) or is_numbering_row(row):
            continue
        texts = unique_texts(row)
        if not any(texts) or IN_WORDS_ROW.match(next(text for text in texts if text)):
            continue
        item = texts[header.columns["item"]]
        number = texts[header.columns["number"]] if "number" in header.columns else ""
        if TOTAL_ROW.match(item) or TOTAL_ROW.match(number):
            written_total = texts[header.columns["total"]]
            total_row_number = index + 1
            continue
        line = BudgetLine(item=item, number=number.rstrip("."), row_number=index + 1)
        for field_name in AMOUNT_FIELDS:
            column = header.columns.get(field_name)
            if column is None:
                continue
            written = texts[column]
            setattr(line, field_name, written)
            amount = _parsed(written, table, header, index, column, warnings)
            setattr(line, f"{field_name}_amount", amount * multiplier if amount is not None else None)
        budget.lines.append(line)
    computed = _sum_of_lines(budget.lines)
    if written_total is not None:
        budget.total = written_total
        column = header.columns["total"]
        parsed = _parsed(written_total, table, header, total_row_number - 1, column, warnings)
        budget.total_amount = parsed * multiplier if parsed is not None else None
        if budget.total_amount is not None and computed is not None and computed != budget.total_amount:
            warnings.append(
                f"{table.label}, dòng {total_row_number}: tổng cộng ghi {written_total} nhưng cộng các dòng "
                f"được {format_amount(computed / multiplier)}."
            )
    elif computed is not None:
        budget.total_amount = computed
        budget.total = format_amount(computed / multiplier)
        warnings.append(f"{table.label}: bảng kinh phí không có dòng “Tổng cộng”; tổng được cộng từ các dòng.")
    budget.total_in_words = _in_words(budget.total_amount, table, warnings)
    return budget


def _parsed(
    written: str, table: GridTable, header: TableHeader, index: int, column: int, warnings: list[str]
) -> Decimal | None:
    try:
        return parse_amount(written)
    except AmountFormatError:
        label = header.labels.get(column, "")
        warnings.append(f"{table.label}, dòng {index + 1}, cột “{label}”: không đọc được số tiền “{written}”.")
        return None


def _sum_of_lines(lines: list[BudgetLine]) -> Decimal | None:
    """Sum of the top-level lines when the lines are numbered in levels, else of all lines."""
    amounts = [line for line in lines if line.total_amount is not None]
    if not amounts:
        return None
    top_level = [line for line in amounts if TOP_LEVEL_NUMBER.match(line.number)]
    counted = top_level if top_level and len(top_level) < len(amounts) else amounts
    return sum((line.total_amount for line in counted if line.total_amount is not None), Decimal(0))


def _unit_multiplier(table: GridTable, header: TableHeader, warnings: list[str]) -> Decimal:
    """The unit stated before the table ("ĐVT: nghìn đồng") or in a header ("Tổng (triệu đồng)")."""
    for text in reversed(table.preceding_text):
        if match := UNIT_STATEMENT.search(normalise_header(text)):
            return UNITS[match["unit"]]
    for label in header.labels.values():
        if match := UNIT_IN_HEADER.search(normalise_header(label)):
            return UNITS[match["unit"]]
    warnings.append(f"{table.label}: không thấy đơn vị tính của bảng kinh phí; coi số tiền là nghìn đồng.")
    return Decimal(1)


def _in_words(total_thousands: Decimal | None, table: GridTable, warnings: list[str]) -> str:
    if total_thousands is None:
        return ""
    dong = total_thousands * 1000
    if dong < 0 or dong != dong.to_integral_value():
        warnings.append(f"{table.label}: tổng kinh phí {format_amount(total_thousands)} không đọc được thành chữ.")
        return ""
    return amount_in_words(int(dong))
