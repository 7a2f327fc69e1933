"""Reading a plan from a .docx file (or its task table from an .xlsx workbook) into a :class:`PlanDraft`.

The result is a draft to show and correct before saving: every value is kept as written, and
what the reader could not read is listed in ``warnings`` with the table, row and column.
"""

from __future__ import annotations

import os
import zipfile
from datetime import date
from typing import IO

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from lxml.etree import _Element

from cchc.plans.documents.budget_table import read_budget
from cchc.plans.documents.columns import TableHeader, find_header
from cchc.plans.documents.drafts import BudgetDraft, PlanDraft, PlanImportError, PlanMetadata
from cchc.plans.documents.grid import (
    GridTable,
    clean_text,
    docx_paragraph_text,
    grid_from_docx_table,
    grid_from_worksheet,
)
from cchc.plans.documents.metadata import HeaderCell, Paragraph, plan_year, read_metadata
from cchc.plans.documents.task_table import TaskCollector, finish_tasks

Source = str | os.PathLike[str] | IO[bytes]
NO_TASK_TABLE = (
    "Không tìm thấy bảng nhiệm vụ trong tệp. Bảng cần có dòng tiêu đề với các cột như “STT”, "
    "“Nội dung/Nhiệm vụ”, “Sản phẩm”, “Cơ quan chủ trì”, “Phối hợp”, “Thời gian hoàn thành”."
)


def read_plan_docx(source: Source, *, default_year: int | None = None) -> PlanDraft:
    """Read metadata, the task appendix and the budget appendix of a plan written in Word.

    Deadlines are resolved in the year named in the title, else the year of the date line, else
    ``default_year``, else the current year (with a warning).
    """
    document = _open_docx(source)
    paragraphs: list[Paragraph] = []
    header_cells: list[HeaderCell] = []
    tables: list[GridTable] = []
    adjacent_to_previous_table: list[bool] = []
    recent_text: list[str] = []
    seen_table_since_text = False
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            paragraph = _paragraph(element)
            paragraphs.append(paragraph)
            if paragraph.text:
                recent_text = [*recent_text[-2:], paragraph.text]
                seen_table_since_text = False
        elif element.tag == qn("w:tbl") and isinstance(element, CT_Tbl):
            table = grid_from_docx_table(element, len(tables) + 1, recent_text)
            adjacent_to_previous_table.append(seen_table_since_text)
            tables.append(table)
            seen_table_since_text = True
            recent_text = []
            if not _has_title(paragraphs):
                header_cells.extend(_header_cells(table))
    metadata = read_metadata(paragraphs, header_cells)
    draft = PlanDraft(metadata=metadata)
    _read_tables(draft, tables, adjacent_to_previous_table, default_year)
    return draft


def read_task_table_xlsx(source: Source, *, default_year: int | None = None) -> PlanDraft:
    """Read the task table (and a budget table, if any) from the sheets of an Excel workbook."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(source, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise PlanImportError("Tệp không phải là bảng tính Excel .xlsx hợp lệ.") from error
    tables = [grid_from_worksheet(sheet, number) for number, sheet in enumerate(workbook.worksheets, start=1)]
    draft = PlanDraft(metadata=PlanMetadata())
    _read_tables(draft, tables, [False] * len(tables), default_year)
    return draft


def _read_tables(
    draft: PlanDraft, tables: list[GridTable], adjacent_to_previous_table: list[bool], default_year: int | None
) -> None:
    collector = TaskCollector(warnings=draft.warnings)
    budget: BudgetDraft | None = None
    last_task_header: TableHeader | None = None
    previous_was_tasks = False
    for table, adjacent in zip(tables, adjacent_to_previous_table, strict=True):
        header = find_header(table)
        if header is not None and header.kind == "tasks":
            collector.collect(table, header)
            last_task_header = header
            previous_was_tasks = True
            continue
        continues_previous = (
            header is None
            and previous_was_tasks
            and adjacent
            and last_task_header is not None
            and table.width == _width_of(last_task_header)
        )
        if continues_previous and last_task_header is not None:
            # A table split without repeating its header: same columns, right after the first part.
            collector.collect(table, last_task_header, start_row=0)
            continue
        previous_was_tasks = False
        if header is not None and header.kind == "budget" and budget is None:
            budget = read_budget(table, header, draft.warnings)
    if last_task_header is None:
        raise PlanImportError(NO_TASK_TABLE)
    year = _year(draft, default_year)
    finish_tasks(collector.tasks, year)
    draft.tasks = collector.tasks
    draft.budget = budget


def _year(draft: PlanDraft, default_year: int | None) -> int:
    year = plan_year(draft.metadata) or default_year
    if year is None:
        year = date.today().year
        draft.warnings.append(f"Không xác định được năm của kế hoạch; tạm dùng năm {year} để tính hạn.")
    draft.metadata["year"] = year
    return year


def _width_of(header: TableHeader) -> int:
    return len(header.labels)


def _open_docx(source: Source) -> DocxDocument:
    try:
        return docx.Document(source)  # type: ignore[arg-type]
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise PlanImportError("Tệp không phải là tài liệu Word .docx hợp lệ.") from error


def _paragraph(element: _Element) -> Paragraph:
    # The alignment is read from the XML: python-docx raises on values such as "end" that
    # LibreOffice writes.
    alignment = element.find(f"{qn('w:pPr')}/{qn('w:jc')}")
    centered = alignment is not None and alignment.get(qn("w:val")) == "center"
    return Paragraph(text=clean_text(docx_paragraph_text(element)), centered=centered)


def _has_title(paragraphs: list[Paragraph]) -> bool:
    return any(paragraph.text.split("\n")[0].strip().upper() == "KẾ HOẠCH" for paragraph in paragraphs)


def _header_cells(table: GridTable) -> list[HeaderCell]:
    cells: list[HeaderCell] = []
    seen: set[object] = set()
    for row in table.rows[:4]:
        for cell in row:
            if cell.origin in seen or not cell.text:
                continue
            seen.add(cell.origin)
            cells.append(HeaderCell(cell.text.split("\n")))
    return cells
