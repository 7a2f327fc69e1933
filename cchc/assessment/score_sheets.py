"""Score sheets: bulk entry of self and appraised points for a round, and the same layout exported.

Columns (header on row 1): «Mã đơn vị», «Mã tiêu chí», «Điểm tự chấm», «Điểm thẩm định», «Không áp dụng»
(x, có, 1 or true mark the leaf not applicable; its points stay empty). An empty points cell means no
score. The export adds «Tên đơn vị» and «Tên tiêu chí» for reading; the import ignores them. Every row
is checked before anything is saved; errors name the row and column.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from cchc.assessment.criteria import load_tree, rows_for_display
from cchc.assessment.models import Criterion, LeafScore, Round, RoundUnit
from cchc.assessment.scoring import ScoringError, format_number, quantize_points, to_decimal
from cchc.assessment.services import ScoreRow
from cchc.organisation.tabular import TableError, column_indexes, read_table, write_xlsx

UNIT = "Mã đơn vị"
CRITERION = "Mã tiêu chí"
SELF_POINTS = "Điểm tự chấm"
APPRAISED_POINTS = "Điểm thẩm định"
NOT_APPLICABLE = "Không áp dụng"
COLUMNS = (UNIT, CRITERION, SELF_POINTS, APPRAISED_POINTS, NOT_APPLICABLE)
READING_COLUMNS = ("Tên đơn vị", "Tên tiêu chí")
TRUE_MARKS = {"x", "có", "co", "1", "true"}
FALSE_MARKS = {"", "không", "khong", "0", "false"}


class ScoreSheetError(ValueError):
    """A sheet that cannot be imported; ``errors`` lists every problem in Vietnamese."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _points(criterion: Criterion, raw: Any, place: str, errors: list[str]) -> Decimal | None:
    if _text(raw) == "":
        return None
    try:
        value = to_decimal(raw)
    except ScoringError:
        errors.append(f"{place}: «{raw}» không phải là số")
        return None
    if value != quantize_points(value):
        errors.append(f"{place}: điểm «{raw}» có quá hai chữ số thập phân")
        return None
    low, high = criterion.minimum_points, criterion.maximum_points
    if not low <= value <= high:
        errors.append(
            f"{place}: điểm {format_number(value)} của tiêu chí {criterion.code} phải từ {format_number(low)} "
            f"đến {format_number(high)}"
        )
        return None
    return value


def read_score_sheet(source: str | Path | IO[bytes], round_: Round, filename: str | None = None) -> list[ScoreRow]:
    """Validated rows of a sheet (.xlsx or .csv); ScoreSheetError lists every problem, row by row."""
    try:
        headers, rows = read_table(source, filename)
        positions = column_indexes(headers, COLUMNS)
    except TableError as error:
        raise ScoreSheetError([str(error)]) from None
    round_units = {
        round_unit.unit.code.casefold(): round_unit
        for round_unit in RoundUnit.objects.filter(round=round_).select_related("unit")
    }
    leaves = {
        criterion.code: criterion
        for criterion in Criterion.objects.filter(criteria_set_id=round_.criteria_set_id, is_leaf=True)
    }
    errors: list[str] = []
    result: list[ScoreRow] = []
    seen: dict[tuple[int, int], int] = {}
    for row_number, values in rows:

        def cell(column: str, values: list[Any] = values) -> Any:
            position = positions[column]
            return values[position] if position < len(values) else None

        def place(column: str, row_number: int = row_number) -> str:
            return f"Dòng {row_number}, cột «{column}»"

        start = len(errors)
        unit_code = _text(cell(UNIT))
        round_unit = round_units.get(unit_code.casefold())
        if not unit_code:
            errors.append(f"{place(UNIT)}: thiếu mã đơn vị")
        elif round_unit is None:
            errors.append(f"{place(UNIT)}: đơn vị «{unit_code}» không tham gia đợt {round_.code}")
        code = _text(cell(CRITERION))
        criterion = leaves.get(code)
        if not code:
            errors.append(f"{place(CRITERION)}: thiếu mã tiêu chí")
        elif criterion is None:
            errors.append(f"{place(CRITERION)}: «{code}» không phải tiêu chí chấm điểm của bộ tiêu chí")
        mark = _text(cell(NOT_APPLICABLE)).casefold()
        not_applicable = mark in TRUE_MARKS
        if mark not in TRUE_MARKS | FALSE_MARKS:
            errors.append(f"{place(NOT_APPLICABLE)}: «{cell(NOT_APPLICABLE)}» không hợp lệ; ghi x nếu không áp dụng")
        if criterion is None or round_unit is None:
            continue
        self_points = _points(criterion, cell(SELF_POINTS), place(SELF_POINTS), errors)
        appraised_points = _points(criterion, cell(APPRAISED_POINTS), place(APPRAISED_POINTS), errors)
        if not_applicable and (self_points is not None or appraised_points is not None):
            errors.append(f"{place(NOT_APPLICABLE)}: tiêu chí không áp dụng thì để trống điểm")
        key = (round_unit.pk, criterion.pk)
        if key in seen:
            errors.append(f"Dòng {row_number}: đơn vị {unit_code}, tiêu chí {code} đã có ở dòng {seen[key]}")
        seen.setdefault(key, row_number)
        if len(errors) == start:
            result.append(ScoreRow(row_number, round_unit, criterion, self_points, appraised_points, not_applicable))
    if errors:
        raise ScoreSheetError(errors)
    if not result:
        raise ScoreSheetError(["Tệp không có dòng điểm nào."])
    return result


def export_scores(round_: Round) -> bytes:
    """Every leaf of every unit of the round, in tree order, in the import layout."""
    leaves = [criterion for criterion in rows_for_display(load_tree(round_.criteria_set)) if criterion.is_leaf]
    round_units = list(RoundUnit.objects.filter(round=round_).select_related("unit").order_by("unit__code"))
    scores = {
        (score.round_unit_id, score.criterion_id): score
        for score in LeafScore.objects.filter(round_unit__round=round_).only(
            "round_unit_id", "criterion_id", "self_points", "appraised_points", "not_applicable"
        )
    }
    rows = []
    for round_unit in round_units:
        for criterion in leaves:
            score = scores.get((round_unit.pk, criterion.pk))
            not_applicable = score is not None and score.not_applicable
            rows.append(
                [
                    round_unit.unit.code,
                    criterion.code,
                    None if score is None or not_applicable else score.self_points,
                    None if score is None or not_applicable else score.appraised_points,
                    "x" if not_applicable else "",
                    round_unit.unit.name,
                    criterion.title,
                ]
            )
    return write_xlsx([*COLUMNS, *READING_COLUMNS], rows, sheet_title="Điểm")
