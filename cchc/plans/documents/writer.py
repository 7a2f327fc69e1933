"""Writing plans, decisions issuing a plan, and reports as official .docx documents.

The task appendix is written so that :func:`cchc.plans.documents.reader.read_plan_docx` reads
it back unchanged: a header row (repeated on every page), a numbering row, area rows merged
across and numbered I, II, III…, one row per task.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from decimal import Decimal
from typing import IO

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from cchc.plans.amount_words import amount_in_words
from cchc.plans.documents.amounts import format_amount
from cchc.plans.documents.inputs import (
    BudgetTable,
    DecisionDocument,
    PlanDocument,
    ReportDocument,
    Section,
    SimpleTable,
    TaskArea,
)
from cchc.plans.documents.official import (
    LANDSCAPE_BODY_WIDTH_MM,
    PORTRAIT_BODY_WIDTH_MM,
    TABLE_TEXT_STYLE,
    add_appendix_heading,
    add_body_paragraph,
    add_header_block,
    add_heading,
    add_page_break,
    add_paragraph,
    add_recipients_and_signature,
    add_section,
    add_title_block,
    keep_row_on_one_page,
    new_document,
    new_table,
    repeat_as_header,
    short_date,
    to_roman,
    write_cell,
)

Destination = str | os.PathLike[str] | IO[bytes]
TASK_COLUMNS = ("TT", "Nhiệm vụ", "Sản phẩm", "Chủ trì", "Phối hợp", "Thời gian hoàn thành")
TASK_WIDTHS_MM = (12.0, 88.0, 45.0, 35.0, 47.0, 30.0)  # sum: the landscape body width, 257 mm
BUDGET_WIDTHS_MM = (12.0, 63.0, 30.0, 30.0, 30.0)  # sum: the portrait body width, 165 mm
CENTRE = WD_ALIGN_PARAGRAPH.CENTER
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT


def write_plan_docx(plan: PlanDocument, out: Destination) -> None:
    """A plan with its own number, signature and appendices (tasks landscape, budget portrait)."""
    document = new_document()
    add_header_block(document, plan.header)
    add_title_block(document, "KẾ HOẠCH", plan.title)
    _write_plan_body(document, plan)
    add_recipients_and_signature(document, plan.recipients, plan.archive, plan.signer)
    reference = (
        f"(Kèm theo Kế hoạch số {plan.header.number or '     '}/{plan.header.type_code}-{plan.header.body_code} "
        f"ngày {short_date(plan.header.date, plan.header.year)} của {plan.header.issuing_body})"
    )
    _write_appendices(document, plan, reference)
    _save(document, out)


def write_decision_with_plan_docx(decision: DecisionDocument, plan: PlanDocument, out: Destination) -> None:
    """The decision (Điều 1…4, signature), then on a new page the plan it issues, then the appendices."""
    document = new_document()
    header = decision.header
    add_header_block(document, header)
    add_title_block(document, "QUYẾT ĐỊNH", decision.subject)
    authority = decision.authority or f"CHỦ TỊCH {header.issuing_body.upper()}"
    add_paragraph(document, authority, bold=True, align=CENTRE, space_before=Pt(6), space_after=Pt(6))
    for basis in decision.legal_bases:
        add_body_paragraph(document, basis, italic=True)
    if decision.proposal:
        add_body_paragraph(document, decision.proposal, italic=True)
    add_paragraph(document, "QUYẾT ĐỊNH:", bold=True, align=CENTRE, space_before=Pt(6), keep_with_next=True)
    articles = decision.articles or standard_decision_articles(plan.title, decision.executors)
    for number, article in enumerate(articles, start=1):
        paragraph = add_body_paragraph(document, "")
        paragraph.add_run(f"Điều {number}. ").bold = True
        paragraph.add_run(article)
    add_recipients_and_signature(document, decision.recipients, decision.archive, decision.signer)

    add_page_break(document)
    decision_reference = (
        f"Quyết định số {header.number or '     '}/{header.type_code}-{header.body_code} "
        f"ngày {short_date(header.date, header.year)} của {_sentence_authority(decision)}"
    )
    add_header_block(document, plan.header, show_number=False, show_date=False)
    add_title_block(document, "KẾ HOẠCH", plan.title, note=f"(Kèm theo {decision_reference})")
    _write_plan_body(document, plan)
    _write_appendices(document, plan, f"(Kèm theo Kế hoạch ban hành kèm theo {decision_reference})")
    _save(document, out)


def write_report_docx(report: ReportDocument, out: Destination) -> None:
    """A report (BÁO CÁO): header, subject, numbered sections with optional tables, signature."""
    document = new_document()
    add_header_block(document, report.header)
    add_title_block(document, "BÁO CÁO", report.subject)
    for paragraph in report.preamble:
        add_body_paragraph(document, paragraph)
    _write_sections(document, report.sections)
    if report.closing:
        add_body_paragraph(document, report.closing)
    add_recipients_and_signature(document, report.recipients, report.archive, report.signer)
    _save(document, out)


def _save(document: DocxDocument, out: Destination) -> None:
    document.save(os.fspath(out) if isinstance(out, os.PathLike) else out)


def standard_decision_articles(plan_title: str, executors: str) -> list[str]:
    title = plan_title[:1].lower() + plan_title[1:] if plan_title[:2] != plan_title[:2].upper() else plan_title
    return [
        f"Ban hành kèm theo Quyết định này Kế hoạch {title}.",
        "Các bộ phận chuyên môn, cơ quan, đơn vị có liên quan căn cứ Kế hoạch, chủ động triển khai thực "
        "hiện các nhiệm vụ được giao, báo cáo kết quả theo quy định.",
        "Quyết định này có hiệu lực thi hành kể từ ngày ký.",
        f"{executors} chịu trách nhiệm thi hành Quyết định này./.",
    ]


def _sentence_authority(decision: DecisionDocument) -> str:
    if decision.authority:
        return decision.authority[:1] + decision.authority[1:].lower()
    return f"Chủ tịch {decision.header.issuing_body}"


def _write_plan_body(document: DocxDocument, plan: PlanDocument) -> None:
    for paragraph in plan.preamble:
        add_body_paragraph(document, paragraph)
    sections = list(plan.sections)
    if plan.objectives:
        objectives = Section(plan.objectives_heading, paragraphs=list(plan.objectives))
        sections.insert(min(plan.objectives_position, len(sections)), objectives)
    _write_sections(document, sections)
    if plan.closing:
        add_body_paragraph(document, plan.closing)


def _write_sections(document: DocxDocument, sections: Sequence[Section], level: int = 1) -> None:
    for index, section in enumerate(sections, start=1):
        add_heading(document, f"{_section_label(index, level)} {_heading_text(section.heading, level)}", level)
        for paragraph in section.paragraphs:
            add_body_paragraph(document, paragraph)
        if section.table is not None:
            _write_simple_table(document, section.table)
        _write_sections(document, section.subsections, level + 1)


def _section_label(index: int, level: int) -> str:
    if level == 1:
        return f"{to_roman(index)}."
    if level == 2:
        return f"{index}."
    if level == 3:
        return f"{chr(ord('a') + index - 1)})" if index <= 26 else f"{index})"
    return "-"


def _heading_text(heading: str, level: int) -> str:
    return heading.upper() if level == 1 else heading


def _write_appendices(document: DocxDocument, plan: PlanDocument, reference: str) -> None:
    appendix_number = 0
    if plan.task_areas:
        appendix_number += 1
        add_section(document, landscape=True)
        add_appendix_heading(
            document, f"Phụ lục {to_roman(appendix_number)}", plan.task_appendix_title, reference,
            LANDSCAPE_BODY_WIDTH_MM,
        )  # fmt: skip
        _write_task_table(document, plan.task_areas)
    if plan.budget is not None:
        appendix_number += 1
        add_section(document, landscape=False)
        add_appendix_heading(
            document, f"Phụ lục {to_roman(appendix_number)}", plan.budget.title, reference, PORTRAIT_BODY_WIDTH_MM
        )
        _write_budget_table(document, plan.budget)


def _write_task_table(document: DocxDocument, areas: Sequence[TaskArea]) -> None:
    row_count = 2 + sum(1 + len(area.tasks) for area in areas)
    table = new_table(document, row_count, TASK_WIDTHS_MM, borders=True)
    style_id = document.styles[TABLE_TEXT_STYLE].style_id
    rows = iter(table.rows)
    header_row, numbering_row = next(rows), next(rows)
    for cell, label in zip(header_row.cells, TASK_COLUMNS, strict=True):
        write_cell(cell, label, bold=True, align=CENTRE, style_id=style_id)
    for position, cell in enumerate(numbering_row.cells, start=1):
        write_cell(cell, f"({position})", italic=True, align=CENTRE, style_id=style_id)
    repeat_as_header(header_row)
    repeat_as_header(numbering_row)
    for area_index, area in enumerate(areas, start=1):
        area_row = next(rows)
        keep_row_on_one_page(area_row)
        cells = area_row.cells
        # Keep-with-next on an area row keeps it on the page of its first task.
        numeral = area.numeral or to_roman(area_index)
        write_cell(cells[0], numeral, bold=True, align=CENTRE, style_id=style_id, keep_with_next=True)
        merged = cells[1].merge(cells[-1])
        write_cell(merged, area.title, bold=True, style_id=style_id, keep_with_next=True)
        for task in area.tasks:
            cells = next(rows).cells
            values = (task.number, task.title, task.output, task.lead, task.coordinating, task.deadline_text)
            for column, (cell, value) in enumerate(zip(cells, values, strict=True)):
                write_cell(
                    cell, value, align=CENTRE if column in (0, 5) else WD_ALIGN_PARAGRAPH.LEFT, style_id=style_id
                )


def _write_budget_table(document: DocxDocument, budget: BudgetTable) -> None:
    add_paragraph(document, "Đơn vị tính: nghìn đồng", italic=True, align=RIGHT, space_after=Pt(2))
    table = new_table(document, 2 + len(budget.lines), BUDGET_WIDTHS_MM, borders=True)
    style_id = document.styles[TABLE_TEXT_STYLE].style_id
    rows = list(table.rows)
    labels = ("TT", "Nội dung", "Tổng kinh phí", budget.own_label, budget.support_label)
    for cell, label in zip(rows[0].cells, labels, strict=True):
        write_cell(cell, label, bold=True, align=CENTRE, style_id=style_id)
    repeat_as_header(rows[0])
    for index, (row, line) in enumerate(zip(rows[1:-1], budget.lines, strict=True), start=1):
        cells = row.cells
        write_cell(cells[0], line.number or str(index), align=CENTRE, style_id=style_id)
        write_cell(cells[1], line.item, style_id=style_id)
        for cell, amount in zip(cells[2:], (line.total, line.own, line.support), strict=True):
            write_cell(cell, _amount_text(amount), align=RIGHT, style_id=style_id)
    total = budget.computed_total
    total_cells = rows[-1].cells
    keep_row_on_one_page(rows[-1])
    write_cell(total_cells[1], "Tổng cộng", bold=True, align=CENTRE, style_id=style_id)
    own_total = _sum_of_written([line.own for line in budget.lines])
    support_total = _sum_of_written([line.support for line in budget.lines])
    for cell, amount in zip(total_cells[2:], (total, own_total, support_total), strict=True):
        write_cell(cell, _amount_text(amount), bold=True, align=RIGHT, style_id=style_id)
    dong = total * 1000
    if dong >= 0 and dong == dong.to_integral_value():
        add_paragraph(
            document, f"(Bằng chữ: {amount_in_words(int(dong))})", italic=True, space_before=Pt(6),
            first_line_indent=Mm(10),
        )  # fmt: skip


def _write_simple_table(document: DocxDocument, simple: SimpleTable) -> None:
    widths = simple.widths_mm or [PORTRAIT_BODY_WIDTH_MM / len(simple.columns)] * len(simple.columns)
    table = new_table(document, 1 + len(simple.rows), widths, borders=True)
    style_id = document.styles[TABLE_TEXT_STYLE].style_id
    rows = list(table.rows)
    for cell, label in zip(rows[0].cells, simple.columns, strict=True):
        write_cell(cell, label, bold=True, align=CENTRE, style_id=style_id)
    repeat_as_header(rows[0])
    for row, values in zip(rows[1:], simple.rows, strict=True):
        for cell, value in zip(row.cells, values, strict=False):
            write_cell(cell, value, style_id=style_id)


def _amount_text(amount: Decimal | None) -> str:
    return format_amount(amount) if amount is not None else ""


def _sum_of_written(amounts: list[Decimal | None]) -> Decimal | None:
    """A blank amount counts as zero; a column left entirely blank stays blank."""
    written = [amount for amount in amounts if amount is not None]
    return sum(written, Decimal(0)) if written else None
