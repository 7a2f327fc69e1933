"""Rows a user (or an import) gives for a plan's tasks, budget and objectives, before they are saved.

The import preview and the editing screens both produce these; `services.replace_contents` saves them.
Amounts are parsed here so that every error names its row and column in Vietnamese.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from cchc.plans.documents.amounts import AmountFormatError, parse_amount
from cchc.plans.documents.drafts import PlanDraft


@dataclass
class TaskEntry:
    title: str
    area: str = ""
    number: str = ""
    output: str = ""
    lead: str = ""
    coordinating: str = ""
    deadline_text: str = ""
    criterion_code: str = ""
    responsible_id: int | None = None
    weight: int = 1
    task_id: int | None = None  # an existing task to update in place


@dataclass
class BudgetEntry:
    item: str
    total: Decimal
    own: Decimal | None = None
    support: Decimal | None = None
    number: str = ""


@dataclass
class ObjectiveEntry:
    text: str
    measure_id: int | None = None
    comparator: str = ""
    target_value: Decimal | None = None
    target_date: date | None = None


@dataclass
class DraftContents:
    """Everything an imported file gives, ready to save as a draft plan."""

    metadata: dict[str, Any] = field(default_factory=dict)
    tasks: list[TaskEntry] = field(default_factory=list)
    budget: list[BudgetEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


BUDGET_COLUMNS = {"total": "Tổng kinh phí", "own": "Ngân sách tự đảm bảo", "support": "Đề nghị hỗ trợ"}


def amount_or_error(text: str, row: int, column: str, errors: list[str], *, required: bool = False) -> Decimal | None:
    """Parse an amount in thousand đồng; on failure add «Dòng N, cột «X»: …» to ``errors``."""
    label = BUDGET_COLUMNS.get(column, column)
    try:
        amount = parse_amount(text or "")
    except AmountFormatError:
        errors.append(f"Dòng {row}, cột «{label}»: «{text}» không phải là số tiền (ví dụ: 1.081.000).")
        return None
    if amount is None and required:
        errors.append(f"Dòng {row}, cột «{label}»: chưa nhập số tiền.")
    if amount is not None and amount < 0:
        errors.append(f"Dòng {row}, cột «{label}»: số tiền không được âm.")
        return None
    return amount


def contents_from_draft(draft: PlanDraft) -> tuple[DraftContents, list[str]]:
    """Entries from what the reader found; errors name the budget row and column that cannot be read."""
    errors: list[str] = []
    tasks = [
        TaskEntry(
            title=task.title,
            area=_area_label(task.area_number, task.area),
            number=task.number,
            output=task.output,
            lead=task.lead,
            coordinating=task.coordinating,
            deadline_text=task.deadline_text,
            criterion_code=task.criterion_code or "",
        )
        for task in draft.tasks
    ]
    budget: list[BudgetEntry] = []
    if draft.budget is not None:
        for position, line in enumerate(draft.budget.lines, start=1):
            row = line.row_number or position
            total = line.total_amount
            if total is None and line.own_amount is not None:
                total = line.own_amount + (line.support_amount or Decimal(0))
            if total is None:
                total = amount_or_error(line.total, row, "total", errors, required=True)
            budget.append(
                BudgetEntry(
                    item=line.item,
                    total=total or Decimal(0),
                    own=line.own_amount,
                    support=line.support_amount,
                    number=line.number,
                )
            )
    metadata = dict(draft.metadata)
    return DraftContents(metadata=metadata, tasks=tasks, budget=budget, warnings=list(draft.warnings)), errors


def _area_label(numeral: str, title: str) -> str:
    return f"{numeral}. {title}" if numeral and title else title


def split_area_label(label: str) -> tuple[str, str]:
    """«III. CẢI CÁCH THỦ TỤC HÀNH CHÍNH» → («III», «CẢI CÁCH THỦ TỤC HÀNH CHÍNH»)."""
    head, separator, rest = label.partition(".")
    if separator and head.strip() and all(char in "IVXLC" for char in head.strip()) and rest.strip():
        return head.strip(), rest.strip()
    return "", label.strip()
