"""Tables of .docx and .xlsx files as rectangular grids that know which positions are merged.

Word repeats a merged cell at every grid position it covers (python-docx returns the same cell
again), and Excel keeps the value of a merged range in its top-left cell only. Both become a
grid of :class:`GridCell` where every position of one merged cell shares the same ``origin``, so
the readers can tell a value that spans columns (count it once) from one that spans rows (it
applies to each row).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl, CT_Tc
from docx.text.paragraph import Paragraph
from lxml.etree import _Element


@dataclass(frozen=True)
class GridCell:
    origin: Hashable
    text: str


@dataclass
class GridTable:
    rows: list[list[GridCell]]
    number: int  # 1-based position among the tables (or sheets) of the file, for messages
    label: str = ""  # "Bảng 3" or "Trang tính “Nhiệm vụ”"
    preceding_text: list[str] = field(default_factory=list)  # paragraphs just before the table

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)


def clean_text(text: str) -> str:
    """NFC, single spaces, no blank lines; line breaks inside a cell are kept as "\\n"."""
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\t", " ")
    lines = (re.sub(r" {2,}", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def unique_texts(row: list[GridCell]) -> list[str]:
    """The row's texts with a horizontally merged cell counted once, at its first column."""
    seen: set[Hashable] = set()
    texts: list[str] = []
    for cell in row:
        texts.append("" if cell.origin in seen else cell.text)
        seen.add(cell.origin)
    return texts


def is_fully_merged(row: list[GridCell]) -> bool:
    return len({cell.origin for cell in row}) == 1


def docx_paragraph_text(paragraph: _Element) -> str:
    return Paragraph(paragraph, None).text  # type: ignore[arg-type]


def docx_cell_text(tc: CT_Tc) -> str:
    """Paragraphs of a cell joined by "\\n" (content controls included, nested tables not)."""
    return clean_text("\n".join(docx_paragraph_text(paragraph) for paragraph in _cell_paragraphs(tc)))


def _cell_paragraphs(container: _Element) -> Iterator[_Element]:
    for child in container:
        if child.tag == qn("w:p"):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _cell_paragraphs(content)


def grid_from_docx_table(tbl: CT_Tbl, number: int, preceding_text: list[str]) -> GridTable:
    rows: list[list[GridCell]] = []
    previous: list[GridCell] = []
    for tr in tbl.tr_lst:
        row = [GridCell(object(), "") for _ in range(tr.grid_before)]
        for tc in tr.tc_lst:
            span = max(tc.grid_span, 1)
            column = len(row)
            if tc.vMerge == "continue" and column < len(previous):
                cell = previous[column]
            else:
                cell = GridCell(tc, docx_cell_text(tc))
            row.extend([cell] * span)
        rows.append(row)
        previous = row
    return _padded(GridTable(rows, number, f"Bảng {number}", preceding_text))


def grid_from_worksheet(worksheet: Any, number: int) -> GridTable:
    """A grid of an openpyxl worksheet (loaded with ``data_only=True``), merged ranges resolved."""
    merged_origin: dict[tuple[int, int], tuple[int, int]] = {}
    for merged in worksheet.merged_cells.ranges:
        for row_index in range(merged.min_row, merged.max_row + 1):
            for column_index in range(merged.min_col, merged.max_col + 1):
                merged_origin[(row_index, column_index)] = (merged.min_row, merged.min_col)
    values = [list(row) for row in worksheet.iter_rows(values_only=True)]
    cells_by_origin: dict[tuple[int, int], GridCell] = {}
    rows: list[list[GridCell]] = []
    for row_index, row_values in enumerate(values, start=1):
        row: list[GridCell] = []
        for column_index in range(1, len(row_values) + 1):
            origin = merged_origin.get((row_index, column_index), (row_index, column_index))
            if origin not in cells_by_origin:
                origin_value = values[origin[0] - 1][origin[1] - 1]
                cells_by_origin[origin] = GridCell(origin, clean_text(spreadsheet_text(origin_value)))
            row.append(cells_by_origin[origin])
        rows.append(row)
    while rows and not any(cell.text for cell in rows[-1]):
        rows.pop()
    return _padded(GridTable(rows, number, f"Trang tính “{worksheet.title}”"))


def spreadsheet_text(value: object) -> str:
    """Text of a spreadsheet value in Vietnamese style (dates dd/mm/yyyy, decimal comma)."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if value.time() == time(0, 0) else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    return str(value)


def _padded(table: GridTable) -> GridTable:
    width = table.width
    for row in table.rows:
        row.extend(GridCell(object(), "") for _ in range(width - len(row)))
    return table
