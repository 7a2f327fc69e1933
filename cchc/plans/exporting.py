"""A saved plan as documents: the official .docx (alone or issued by a decision) and the task table .xlsx.

`plan_document(plan)` and `decision_document(plan)` build the inputs of the pure writers in
`cchc.plans.documents`; other apps (remediation) use them to print their plans the same way.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from cchc.core.formatting import date as vn_date
from cchc.organisation.models import Unit
from cchc.plans.amount_words import amount_in_words
from cchc.plans.documents import (
    BudgetRow,
    BudgetTable,
    DecisionDocument,
    DocumentHeader,
    PlanDocument,
    Section,
    Signer,
    TaskArea,
    TaskRow,
    write_decision_with_plan_docx,
    write_plan_docx,
)
from cchc.plans.documents.amounts import format_amount
from cchc.plans.documents.official import to_roman
from cchc.plans.models import Area, Plan, Task
from cchc.plans.objectives import target_text

TASK_SHEET_COLUMNS = (
    "TT",
    "Nhiệm vụ",
    "Sản phẩm",
    "Chủ trì",
    "Phối hợp",
    "Thời gian hoàn thành",
    "Tiêu chí",
    "Hạn cuối",
    "Công chức được giao",
    "% đã đạt",
    "Tình trạng",
)
NO_AREA = "NHIỆM VỤ KHÁC"


def header_for(unit: Unit, type_code: str, number: str, code_suffix: str, date, year: int) -> DocumentHeader:  # type: ignore[no-untyped-def]
    body_code = code_suffix.split("-", 1)[1] if "-" in code_suffix else "UBND"
    type_part = code_suffix.split("-", 1)[0] if "-" in code_suffix else type_code
    if unit.kind.is_administrative:
        issuing_body = f"Ủy ban nhân dân {unit.name[:1].lower()}{unit.name[1:]}"
        superior = ""
    else:
        issuing_body = unit.name
        parent = unit.parent
        superior = f"UBND {parent.name}" if parent is not None and parent.kind.is_administrative else ""
    return DocumentHeader(
        issuing_body=issuing_body,
        place=unit.place_name or unit.name,
        type_code=type_part,
        body_code=body_code,
        number=number,
        date=date,
        year=year,
        superior_body=superior,
    )


def signer_for(plan: Plan) -> Signer:
    position = (plan.signer_position or "Chủ tịch").upper()
    body = "ỦY BAN NHÂN DÂN" if plan.unit.kind.is_administrative else plan.unit.name.upper()
    if plan.signer_authority == Plan.Authority.DEPUTY:
        return Signer(plan.signer_name, position, on_behalf_of=body, deputy_for="CHỦ TỊCH")
    if plan.signer_authority == Plan.Authority.ON_BEHALF:
        return Signer(plan.signer_name, position, on_behalf_of=body)
    return Signer(plan.signer_name, position)


def _areas_with_tasks(plan: Plan) -> list[tuple[Area | None, list[Task]]]:
    tasks = list(plan.tasks.select_related("area", "responsible").order_by("order", "pk"))
    groups: dict[int | None, list[Task]] = {}
    areas: dict[int | None, Area | None] = {}
    for task in tasks:
        groups.setdefault(task.area_id, []).append(task)
        areas[task.area_id] = task.area
    ordered = sorted(groups, key=lambda key: _area_order(areas[key]))
    return [(areas[key], groups[key]) for key in ordered]


def _area_order(area: Area | None) -> tuple[bool, int]:
    return (area is None, area.order if area is not None else 0)


def task_areas(plan: Plan) -> list[TaskArea]:
    result = []
    for index, (area, tasks) in enumerate(_areas_with_tasks(plan), start=1):
        rows = [
            TaskRow(
                number=task.number,
                title=task.title,
                output=task.output,
                lead=_lead_text(task),
                coordinating=task.coordinating_text or ", ".join(unit.name for unit in task.coordinating_units.all()),
                deadline_text=task.deadline_text,
            )
            for task in tasks
        ]
        result.append(TaskArea(area.title.upper() if area else NO_AREA, rows, numeral=to_roman(index)))
    return result


def _lead_text(task: Task) -> str:
    if task.lead_text:
        return task.lead_text
    names = ", ".join(unit.name for unit in task.lead_units.all())
    if not names and task.responsible is not None:
        return task.responsible.display_name
    return names


def _objective_lines(plan: Plan) -> list[str]:
    lines = []
    for objective in plan.objectives.select_related("measure"):
        text = objective.text.rstrip(".;")
        target = target_text(objective)
        # The target is added only when the wording does not already state a figure.
        if target and objective.measure is not None and not any(char.isdigit() for char in text):
            text = f"{text} (chỉ tiêu: {objective.measure.name} {target})"
        lines.append(f"- {text}.")
    return lines


def _budget(plan: Plan) -> BudgetTable | None:
    lines = list(plan.budget_lines.all())
    if not lines:
        return None
    level = "xã" if plan.unit.kind.level == "commune" else "tỉnh" if plan.unit.kind.level == "province" else "đơn vị"
    return BudgetTable(
        lines=[BudgetRow(line.item, line.total, line.own, line.support, line.number) for line in lines],
        own_label=f"Ngân sách {level} (tự đảm bảo)",
        support_label="Đề nghị cấp trên hỗ trợ",
    )


def budget_total(plan: Plan) -> Decimal:
    return sum((line.total for line in plan.budget_lines.all()), Decimal(0))


def budget_total_in_words(total_thousands: Decimal) -> str:
    dong = total_thousands * 1000
    if dong < 0 or dong != dong.to_integral_value():
        return ""
    return amount_in_words(int(dong))


def plan_document(plan: Plan) -> PlanDocument:
    """The plan as the writers take it (decree 30/2020 layout): body sections and appendices."""
    header = header_for(plan.unit, "KH", plan.number, plan.code_suffix, plan.document_date, plan.year)
    header.place = plan.place or header.place
    areas = task_areas(plan)
    sections = [Section("MỤC ĐÍCH, YÊU CẦU", paragraphs=plan.purpose_lines() or ["(Chưa nhập mục đích, yêu cầu.)"])]
    task_section = Section("NHIỆM VỤ, GIẢI PHÁP")
    for area in areas:
        task_section.subsections.append(
            Section(area.title[:1] + area.title[1:].lower(), paragraphs=[f"- {row.title}" for row in area.tasks])
        )
    if areas:
        task_section.paragraphs.append(
            "Nhiệm vụ cụ thể, sản phẩm, cơ quan chủ trì, phối hợp và thời gian hoàn thành tại Phụ lục I kèm theo."
        )
    sections.append(task_section)
    budget = _budget(plan)
    if budget is not None:
        total = budget.computed_total
        words = budget_total_in_words(total)
        sections.append(
            Section(
                "KINH PHÍ THỰC HIỆN",
                paragraphs=[
                    f"Tổng kinh phí thực hiện: {format_amount(total)} nghìn đồng"
                    + (f" ({words})." if words else ".")
                    + f" Chi tiết tại Phụ lục {'II' if areas else 'I'} kèm theo."
                ],
            )
        )
    sections.append(Section("TỔ CHỨC THỰC HIỆN", paragraphs=plan.implementation_lines()))
    preamble = plan.legal_basis_lines()
    if plan.theme:
        preamble.append(f"Chủ đề công tác cải cách hành chính năm {plan.year}: «{plan.theme}».")
    return PlanDocument(
        header=header,
        title=plan.title,
        signer=signer_for(plan),
        preamble=preamble,
        sections=sections,
        objectives=_objective_lines(plan),
        task_areas=areas,
        budget=budget,
        closing=plan.closing,
        recipients=_recipients(plan.recipients),
    )


def _recipients(recipients: Sequence[str]) -> list[str]:
    # The writer adds «Lưu: VT»; a list typed with its own archive line keeps only one.
    return [item for item in recipients if not item.strip().lower().lstrip("- ").startswith("lưu")]


def decision_document(plan: Plan) -> DecisionDocument:
    """The decision (QĐ) that issues the plan as its attachment."""
    header = header_for(
        plan.unit,
        "QĐ",
        plan.decision_number,
        plan.decision_code_suffix,
        plan.decision_date or plan.document_date,
        plan.year,
    )
    header.place = plan.place or header.place
    # Left blank for a People's Committee, the writer derives «CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ …» and its sentence form.
    authority = "" if plan.unit.kind.is_administrative else f"GIÁM ĐỐC {plan.unit.name.upper()}"
    title = plan.title[:1].lower() + plan.title[1:]
    return DecisionDocument(
        header=header,
        subject=f"Về việc ban hành Kế hoạch {title}",
        signer=Signer(
            plan.signer_name,
            (plan.signer_position or "Chủ tịch").upper(),
            deputy_for="CHỦ TỊCH" if plan.signer_authority == Plan.Authority.DEPUTY else "",
        ),
        authority=authority,
        legal_bases=plan.legal_basis_lines(),
        articles=list(plan.decision_articles),
        recipients=_recipients(plan.recipients),
    )


def write_plan(plan: Plan, out: io.BytesIO | str, *, with_decision: bool | None = None) -> None:
    """The plan .docx; issued by its decision when the plan is paired with one (or when asked)."""
    paired = plan.with_decision if with_decision is None else with_decision
    if paired:
        write_decision_with_plan_docx(decision_document(plan), plan_document(plan), out)
    else:
        write_plan_docx(plan_document(plan), out)


def plan_docx_bytes(plan: Plan, *, with_decision: bool | None = None) -> bytes:
    buffer = io.BytesIO()
    write_plan(plan, buffer, with_decision=with_decision)
    return buffer.getvalue()


def task_table_xlsx(plan: Plan) -> bytes:
    """The task table: area rows merged across (read back by `read_task_table_xlsx`), then progress."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    sheet: Any = workbook.active
    sheet.title = "Nhiệm vụ"
    sheet.append(list(TASK_SHEET_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    for index, (area, tasks) in enumerate(_areas_with_tasks(plan), start=1):
        sheet.append([to_roman(index), area.title.upper() if area else NO_AREA])
        row_number = sheet.max_row
        sheet.merge_cells(start_row=row_number, start_column=2, end_row=row_number, end_column=len(TASK_SHEET_COLUMNS))
        sheet.cell(row_number, 1).font = bold
        sheet.cell(row_number, 2).font = bold
        for task in tasks:
            sheet.append(
                [
                    task.number,
                    task.title,
                    task.output,
                    _lead_text(task),
                    task.coordinating_text or ", ".join(unit.name for unit in task.coordinating_units.all()),
                    task.deadline_text,
                    task.criterion_code,
                    vn_date(task.due_date) if task.due_date else "",
                    task.responsible.display_name if task.responsible else "",
                    task.progress,
                    task.get_status_display(),
                ]
            )
            for cell in sheet[sheet.max_row]:
                cell.alignment = wrap
    for column, width in zip("ABCDEFGHIJK", (6, 60, 30, 24, 30, 20, 10, 12, 24, 10, 16), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
