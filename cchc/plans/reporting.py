"""Periodic reform reports (monthly, quarterly, 6-month, 9-month, yearly) drafted from task progress.

The draft is a .docx for the unit to edit before it signs and sends it upward: what it was assigned,
what is done (on time or late), what is overdue and needs explaining, bound objectives' values, and
what falls due next period. Numbers are as of the period's end (or today, for a running period).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef

from cchc.core.formatting import date as vn_date
from cchc.core.formatting import percent
from cchc.measures.periods import Period, PeriodKind, for_kind, half, latest_complete, nine_months
from cchc.organisation.models import Unit
from cchc.plans.documents import ReportDocument, Section, Signer, SimpleTable, write_report_docx
from cchc.plans.exporting import header_for, signer_for
from cchc.plans.models import Plan, ProgressUpdate, Task, TaskAssignment
from cchc.plans.objectives import objective_statuses
from cchc.plans.services import committee_name, lower_first

REPORT_KINDS: list[tuple[str, str]] = [
    (PeriodKind.MONTH, "Báo cáo tháng"),
    (PeriodKind.QUARTER, "Báo cáo quý"),
    (PeriodKind.HALF, "Báo cáo 6 tháng"),
    (PeriodKind.NINE_MONTHS, "Báo cáo 9 tháng"),
    (PeriodKind.YEAR, "Báo cáo năm"),
]
ISSUED_STATES = (Plan.Status.ISSUED, Plan.Status.CLOSED)
TABLE_WIDTHS_MM = [10.0, 75.0, 28.0, 20.0, 32.0]
HUNDRED = Decimal(100)


def report_period(kind: str, today: dt.date) -> Period:
    """The period a unit reports now: the last complete one (6-month: the first half of this year or
    the previous; 9-month: January–September)."""
    if kind == PeriodKind.HALF:
        return half(today.year, 1) if today.month >= 7 else half(today.year - 1, 2)
    if kind == PeriodKind.NINE_MONTHS:
        return nine_months(today.year if today.month >= 10 else today.year - 1)
    return latest_complete(kind, today)


@dataclass
class TaskLine:
    assignment: TaskAssignment
    note: str
    overdue: bool
    progress: Decimal  # as reported by the end of the period


def _as_of(period: Period, today: dt.date) -> dt.date:
    return min(period.end, today)


def unit_assignments(unit: Unit, year: int) -> list[TaskAssignment]:
    """The unit's lead assignments in issued plans of `year`, a superior task it implements through its
    own plan counted once (as its own tasks)."""
    mirrored = Task.objects.filter(
        assigned_from=OuterRef("task_id"), plan__unit=OuterRef("unit_id"), plan__status__in=ISSUED_STATES
    )
    return list(
        TaskAssignment.objects.filter(
            unit=unit, role=TaskAssignment.Role.LEAD, task__plan__status__in=ISSUED_STATES, task__plan__year=year
        )
        .exclude(Exists(mirrored))
        .exclude(task__status=Task.Status.CANCELLED)
        .select_related("task", "task__plan")
        .order_by("task__plan__pk", "task__order")
    )


def task_lines(unit: Unit, period: Period, today: dt.date) -> list[TaskLine]:
    as_of = _as_of(period, today)
    assignments = unit_assignments(unit, period.start.year)
    notes: dict[int, str] = {}
    progress: dict[int, Decimal] = {}
    for task_id, kind, reported_percent, note in (
        ProgressUpdate.objects.filter(
            unit=unit, task_id__in=[item.task_id for item in assignments], reported_on__lte=period.end
        )
        .order_by("task_id", "reported_on", "pk")
        .values_list("task_id", "kind", "percent", "note")
    ):
        if note:
            notes[task_id] = note
        if kind == ProgressUpdate.Kind.PROGRESS and reported_percent is not None:
            progress[task_id] = reported_percent
    lines = []
    for item in assignments:
        done = item.completed_on is not None and item.completed_on <= as_of
        due = item.task.due_date
        lines.append(
            TaskLine(
                item,
                notes.get(item.task_id, ""),
                due is not None and due < as_of and not done,
                HUNDRED if done else progress.get(item.task_id, Decimal(0)),
            )
        )
    return lines


def annual_plan(unit: Unit, year: int) -> Plan | None:
    return (
        Plan.objects.filter(unit=unit, year=year, kind=Plan.Kind.ANNUAL, status__in=ISSUED_STATES)
        .order_by("-document_date", "-pk")
        .first()
    )


def report_document(unit: Unit, period: Period, today: dt.date) -> ReportDocument:
    as_of = _as_of(period, today)
    plan = annual_plan(unit, period.start.year)
    lines = task_lines(unit, period, today)
    completed = [line for line in lines if line.assignment.completed_on and line.assignment.completed_on <= as_of]
    on_time = [
        line
        for line in completed
        if line.assignment.task.due_date is None or line.assignment.completed_on <= line.assignment.task.due_date  # type: ignore[operator]
    ]
    overdue = [line for line in lines if line.overdue]
    header = header_for(unit, "BC", "", "BC-UBND", None, period.end.year)
    label = period.label[:1].lower() + period.label[1:]
    preamble = []
    if plan is not None:
        issued = f" ngày {vn_date(plan.document_date)}" if plan.document_date else ""
        preamble.append(
            f"Thực hiện {plan.code_display}{issued} của {committee_name(unit)} về {lower_first(plan.title)}, "
            f"{committee_name(unit)} báo cáo kết quả thực hiện công tác cải cách hành chính {label} như sau:"
        )
    share = percent(len(completed) * 100 / len(lines)) if lines else "—"
    summary = (
        f"Tổng số nhiệm vụ được giao chủ trì trong năm: {len(lines)}; đã hoàn thành: {len(completed)} ({share}), "
        f"trong đó đúng hạn: {len(on_time)}; đang thực hiện: {len(lines) - len(completed)}; "
        f"quá hạn chưa hoàn thành: {len(overdue)} (số liệu đến ngày {vn_date(as_of)})."
    )
    table = SimpleTable(
        ["TT", "Nhiệm vụ", "Thời gian hoàn thành", "Tiến độ", "Kết quả"],
        [
            [
                str(index),
                line.assignment.task.title,
                line.assignment.task.deadline_text,
                percent(line.progress, 0),
                line.note or ("Hoàn thành" if line.progress >= HUNDRED else ""),
            ]
            for index, line in enumerate(lines, start=1)
        ],
        TABLE_WIDTHS_MM,
    )
    sections = [
        Section("KẾT QUẢ THỰC HIỆN NHIỆM VỤ", paragraphs=[summary], table=table if lines else None),
        Section("KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU", paragraphs=_objective_paragraphs(plan, as_of)),
        Section("TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", paragraphs=_overdue_paragraphs(overdue)),
        Section("PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", paragraphs=_next_paragraphs(lines, period)),
        Section("ĐỀ XUẤT, KIẾN NGHỊ", paragraphs=["(Đơn vị bổ sung đề xuất, kiến nghị nếu có.)"]),
    ]
    superior = unit.parent
    recipients = [committee_name(superior)] if superior is not None else []
    return ReportDocument(
        header=header,
        subject=f"Kết quả thực hiện công tác cải cách hành chính {label}",
        signer=signer_for(plan) if plan is not None else Signer("", "CHỦ TỊCH", on_behalf_of="ỦY BAN NHÂN DÂN"),
        preamble=preamble,
        sections=sections,
        recipients=[*recipients, "Lãnh đạo đơn vị"],
    )


def _objective_paragraphs(plan: Plan | None, as_of: dt.date) -> list[str]:
    if plan is None:
        return ["(Đơn vị chưa có kế hoạch cải cách hành chính năm đã ban hành.)"]
    paragraphs = []
    for status in objective_statuses(plan, as_of):
        text = status.objective.text.rstrip(".;")
        if status.target_text:
            paragraphs.append(f"- {text}: đạt {status.value_text} (chỉ tiêu {status.target_text}) – {status.label}.")
        else:
            paragraphs.append(f"- {text}: (đơn vị ghi kết quả).")
    return paragraphs or ["(Kế hoạch không có mục tiêu cụ thể.)"]


def _overdue_paragraphs(overdue: list[TaskLine]) -> list[str]:
    if not overdue:
        return ["Không có nhiệm vụ quá hạn."]
    return [
        f"- Nhiệm vụ «{line.assignment.task.title}» (hạn {vn_date(line.assignment.task.due_date)}) chưa hoàn "
        f"thành, đạt {percent(line.progress, 0)}. Nguyên nhân: (đơn vị giải trình)."
        for line in overdue
    ]


def _next_paragraphs(lines: list[TaskLine], period: Period) -> list[str]:
    kind = period.kind if period.kind in (PeriodKind.MONTH, PeriodKind.QUARTER) else PeriodKind.QUARTER
    following = for_kind(kind, period.end + dt.timedelta(days=1))
    upcoming = [
        line
        for line in lines
        if line.progress < HUNDRED
        and line.assignment.task.due_date is not None
        and line.assignment.task.due_date <= following.end
    ]
    if not upcoming:
        return [f"Tiếp tục thực hiện các nhiệm vụ thường xuyên theo kế hoạch ({following.label.lower()})."]
    return [f"- {line.assignment.task.title} (hạn {vn_date(line.assignment.task.due_date)})." for line in upcoming]


def report_docx_bytes(unit: Unit, period: Period, today: dt.date) -> bytes:
    buffer = io.BytesIO()
    write_report_docx(report_document(unit, period, today), buffer)
    return buffer.getvalue()
