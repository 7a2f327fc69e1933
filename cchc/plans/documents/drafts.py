"""What an import found in a plan document, before anyone saves it.

Everything is kept as written (a later screen lets the user fix it); derived values (due dates,
parsed amounts, amount in words) sit beside the written text, never instead of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypedDict


class PlanImportError(ValueError):
    """The file cannot be read as a plan; the message is in Vietnamese for the user."""


class PlanMetadata(TypedDict, total=False):
    """Header facts of the document; a key is absent when the document does not state it."""

    number: str  # "15"
    code: str  # "15/KH-UBND"
    document_type: str  # "KH", "QĐ"
    place: str  # "Hoàng Việt"
    date: date
    year: int  # the year the plan is for, used to resolve deadlines
    title: str
    issuing_body: str  # "ỦY BAN NHÂN DÂN XÃ HOÀNG VIỆT"
    superior_body: str  # "UBND HUYỆN VĂN LÃNG"
    attachment_note: str  # "(Kèm theo Quyết định số 12/QĐ-UBND ...)"


@dataclass
class TaskDraft:
    """One row (or several, when split across pages) of the task appendix table."""

    area: str = ""  # "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", without its numeral
    area_number: str = ""  # "III"
    number: str = ""
    title: str = ""
    output: str = ""
    lead: str = ""
    coordinating: str = ""
    deadline_text: str = ""
    due_dates: list[date] = field(default_factory=list)
    recurrence: str | None = None
    criterion_text: str = ""  # the criterion column as written, when the table has one
    criterion_code: str | None = None  # "3.4.1", from the criterion column or the title
    # (table, row) pairs, both 1-based: tables (or sheets) counted in the file; several pairs when the
    # task was split over rows or tables.
    source_rows: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class BudgetLine:
    """A budget line: amounts as written, and parsed in thousand đồng (None when blank)."""

    item: str
    total: str = ""
    own: str = ""
    support: str = ""
    number: str = ""
    total_amount: Decimal | None = None
    own_amount: Decimal | None = None
    support_amount: Decimal | None = None
    row_number: int = 0


@dataclass
class BudgetDraft:
    """The budget appendix; ``total_in_words`` reads ``total_amount`` × 1 000 đồng."""

    lines: list[BudgetLine] = field(default_factory=list)
    total: str = ""
    total_amount: Decimal | None = None
    total_in_words: str = ""
    unit: str = "nghìn đồng"


@dataclass
class PlanDraft:
    metadata: PlanMetadata = field(default_factory=lambda: PlanMetadata())
    tasks: list[TaskDraft] = field(default_factory=list)
    budget: BudgetDraft | None = None
    warnings: list[str] = field(default_factory=list)


def plan_draft_to_json(draft: PlanDraft) -> dict[str, Any]:
    """A JSON-ready dict: dates as YYYY-MM-DD, amounts as written in thousand đồng."""
    metadata: dict[str, Any] = {
        key: value.isoformat() if isinstance(value, date) else value for key, value in draft.metadata.items()
    }
    return {
        "metadata": metadata,
        "tasks": [_task_to_json(task) for task in draft.tasks],
        "budget": _budget_to_json(draft.budget) if draft.budget else None,
        "warnings": list(draft.warnings),
    }


def _task_to_json(task: TaskDraft) -> dict[str, Any]:
    return {
        "area": task.area,
        "number": task.number,
        "title": task.title,
        "output": task.output,
        "lead": task.lead,
        "coordinating": task.coordinating,
        "deadline_text": task.deadline_text,
        "due_dates": [due.isoformat() for due in task.due_dates],
        "recurrence": task.recurrence,
        "criterion": task.criterion_code,
    }


def _budget_to_json(budget: BudgetDraft) -> dict[str, Any]:
    return {
        "lines": [
            {"item": line.item, "total": line.total, "own": line.own, "support": line.support} for line in budget.lines
        ],
        "total": budget.total,
        "total_in_words": budget.total_in_words,
        "unit": budget.unit,
    }
