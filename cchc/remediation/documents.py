"""A remediation plan as the .docx of seed 004: the decision, then the plan it issues, then the task table.

The plan body follows the seed: I. purpose and requirements (with the target), II. analysis of the
published result and, per area, each criterion that lost points with the official who advises on the
fix, the time frame and the direction, III. objectives and tasks, IV. organisation. The header,
decision, signature and appendix come from the plans writers (`cchc.plans.exporting`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from cchc.assessment.models import RoundUnit
from cchc.core.formatting import number, percent
from cchc.plans.documents import Section, write_decision_with_plan_docx
from cchc.plans.exporting import decision_document, plan_document
from cchc.plans.models import Plan, Task
from cchc.remediation.models import RemediationItem, RemediationPlan

TASK_APPENDIX_TITLE = "NHIỆM VỤ KHẮC PHỤC CÁC TIÊU CHÍ BỊ TRỪ ĐIỂM"


@dataclass(frozen=True)
class Finding:
    """One criterion that lost points, as section II lists it."""

    code: str
    title: str
    area: str
    points_lost: Decimal | None
    maximum: Decimal | None
    advising: str
    timeframe: str
    direction: str


def findings(plan: Plan) -> list[Finding]:
    """From the remediation items where the plan has them; from the tasks' criterion codes otherwise."""
    tasks = list(plan.tasks.select_related("area", "responsible").order_by("order", "pk"))
    items = {
        item.task_id: item
        for item in RemediationItem.objects.filter(task__plan=plan).select_related("criterion", "criterion__parent")
    }
    result = []
    for task in tasks:
        item = items.get(task.pk)
        if item is None and not task.criterion_code:
            continue
        result.append(_finding(task, item))
    return result


def _finding(task: Task, item: RemediationItem | None) -> Finding:
    who = task.lead_text
    if task.responsible is not None:
        who = f"{who} ({task.responsible.display_name})" if who else task.responsible.display_name
    area = task.area.title if task.area is not None else ""
    if item is None:
        return Finding(task.criterion_code, task.title, area, None, None, who, task.deadline_text, "")
    return Finding(
        code=item.criterion.code,
        title=item.criterion.title,
        area=area,
        points_lost=item.points_lost,
        maximum=item.maximum,
        advising=who or item.advising_position,
        timeframe=task.deadline_text or item.timeframe,
        direction=item.direction,
    )


def _analysis(plan: Plan, link: RemediationPlan | None) -> Section:
    year = link.round.year if link is not None else plan.year - 1
    section = Section(f"ĐÁNH GIÁ, PHÂN TÍCH KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}")
    summary = Section("Kết quả chỉ số tổng hợp", paragraphs=[_summary_sentence(plan, link)])
    lost = Section("Tiêu chí, tiêu chí thành phần bị trừ điểm cần tập trung khắc phục, không để tái phạm")
    current_area: str | None = None
    number_in_area = 0
    area_order = {area.title: area.order for area in plan.areas.all()}
    for finding in sorted(findings(plan), key=lambda item: area_order.get(item.area, 10_000)):
        if finding.area != current_area:
            current_area, number_in_area = finding.area, 0
            if finding.area:
                lost.paragraphs.append(f"* Lĩnh vực: {finding.area}")
        number_in_area += 1
        loss = ""
        if finding.points_lost is not None and finding.maximum is not None:
            loss = f" (bị trừ {number(finding.points_lost, 2)}/{number(finding.maximum, 2)} điểm)"
        lost.paragraphs.append(f"({number_in_area}) Tiêu chí {finding.code} – {finding.title}{loss}")
        lost.paragraphs.append(f"- Công chức tham mưu khắc phục: {finding.advising or '…'}.")
        lost.paragraphs.append(f"- Thời gian thực hiện: {finding.timeframe or '…'}.")
        if finding.direction:
            lost.paragraphs.append(f"- Định hướng khắc phục: {finding.direction}")
    if not lost.paragraphs:
        lost.paragraphs.append("Không có tiêu chí bị trừ điểm.")
    section.subsections = [summary, lost]
    return section


def _summary_sentence(plan: Plan, link: RemediationPlan | None) -> str:
    if link is None:
        return "Kết quả Chỉ số cải cách hành chính năm trước đã được công bố."
    entry = RoundUnit.objects.filter(round=link.round, unit=plan.unit).first()
    count = RoundUnit.objects.filter(round=link.round, rank__isnull=False).count()
    if entry is None or entry.index is None:
        return f"Năm {link.round.year}, đơn vị chưa có kết quả Chỉ số cải cách hành chính."
    text = f"Năm {link.round.year}, Chỉ số cải cách hành chính đạt {percent(entry.index)}"
    if entry.rank is not None:
        text += f", xếp thứ {entry.rank:02d}/{count:02d}"
    if entry.rank_change:
        direction = "tăng" if entry.rank_change > 0 else "giảm"
        text += f" ({direction} {abs(entry.rank_change):02d} bậc so với năm trước)"
    if entry.group_label:
        text += f"; xếp loại «{entry.group_label}»"
    return text + "."


def _objective_lines(plan: Plan) -> list[str]:
    return [f"- {objective.text.rstrip('.;')}." for objective in plan.objectives.all()]


def remediation_docx_bytes(plan: Plan) -> bytes:
    """The decision issuing the plan and the plan, laid out as seed 004."""
    link = RemediationPlan.objects.filter(plan=plan).select_related("round").first()
    document = plan_document(plan)
    document.title = plan.title
    document.objectives = []
    document.task_appendix_title = TASK_APPENDIX_TITLE
    purpose = [f"- {line}" for line in plan.purpose_lines()]
    objectives = _objective_lines(plan)
    if objectives:
        purpose.append(f"- Phấn đấu: {objectives[0][2:]}")
    tasks_section = Section(
        "MỤC TIÊU, NHIỆM VỤ, GIẢI PHÁP VÀ PHÂN CÔNG TRÁCH NHIỆM THAM MƯU, THỰC HIỆN",
        paragraphs=[
            *objectives,
            "Nhiệm vụ cụ thể, công chức chủ trì và thời gian hoàn thành của từng tiêu chí tại Phụ lục I kèm theo.",
        ],
    )
    document.sections = [
        Section("MỤC ĐÍCH, YÊU CẦU", paragraphs=purpose or ["(Chưa nhập mục đích, yêu cầu.)"]),
        _analysis(plan, link),
        tasks_section,
        Section("TỔ CHỨC THỰC HIỆN", paragraphs=[f"- {line}" for line in plan.implementation_lines()]),
    ]
    decision = decision_document(plan)
    if plan.unit.kind.is_administrative:
        decision.proposal = "Theo đề nghị của công chức Văn phòng – Thống kê."
    buffer = io.BytesIO()
    write_decision_with_plan_docx(decision, document, buffer)
    return buffer.getvalue()


def file_name(plan: Plan) -> str:
    return f"ke-hoach-khac-phuc-{plan.unit.code.lower()}-{plan.year}.docx"
