"""Results of a round as an Excel workbook: the ranking with points per area, and every lost point."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cchc.assessment.results import RoundResults, lost_points


def rank_change_text(change: int | None) -> str:
    if change is None:
        return "—"
    if change > 0:
        return f"Tăng {change:02d} bậc"
    if change < 0:
        return f"Giảm {-change:02d} bậc"
    return "Giữ nguyên"


def _header(sheet: Worksheet, headers: list[str], widths: list[int]) -> None:
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A2"


def _number_formats(sheet: Worksheet, columns: range) -> None:
    for row in sheet.iter_rows(min_row=2):
        for position in columns:
            row[position - 1].number_format = "0.00"


def results_workbook(results: RoundResults) -> bytes:
    workbook = Workbook()
    ranking = workbook.active
    assert ranking is not None
    ranking.title = "Xếp hạng"
    areas = results.areas()
    headers = [
        "Xếp hạng",
        "Mã đơn vị",
        "Đơn vị",
        "Điểm đạt",
        "Điểm tối đa áp dụng",
        "Chỉ số (%)",
        "Thay đổi",
        "Xếp loại",
    ]
    headers += [f"Lĩnh vực {area.code} (tối đa {area.max_points.normalize():f})" for area in areas]
    _header(ranking, headers, [10, 12, 36, 11, 12, 11, 16, 16, *([14] * len(areas))])
    for result in results.results:
        area_points: list[Decimal | None] = []
        for area in areas:
            node = result.total.nodes.get(area.code)
            area_points.append(node.points if node else None)
        ranking.append(
            [
                result.rank,
                result.unit.code,
                result.unit.name,
                result.points,
                result.applicable_max,
                result.index,
                rank_change_text(result.rank_change),
                result.group or "",
                *area_points,
            ]
        )
    _number_formats(ranking, range(4, 7))
    _number_formats(ranking, range(9, 9 + len(areas)))

    lost = workbook.create_sheet("Điểm bị trừ")
    _header(
        lost,
        ["Mã đơn vị", "Đơn vị", "Mã tiêu chí", "Tiêu chí", "Điểm tối đa", "Điểm đạt", "Điểm bị trừ"],
        [12, 36, 12, 60, 11, 11, 11],
    )
    for result in results.results:
        for item in lost_points(result, results.tree):
            lost.append(
                [
                    result.unit.code,
                    result.unit.name,
                    item.criterion.code,
                    item.criterion.title,
                    item.maximum,
                    item.points,
                    item.lost,
                ]
            )
    _number_formats(lost, range(5, 8))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
