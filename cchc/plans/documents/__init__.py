"""Plans as Word/Excel documents: reading imported plans, writing official documents.

Pure Python (python-docx, openpyxl); no Django models, so commands, views and tests can all use it.

- :mod:`.reader`: ``read_plan_docx``, ``read_task_table_xlsx`` → :class:`.drafts.PlanDraft`;
- :mod:`.drafts`: the import result and ``plan_draft_to_json``;
- :mod:`.inputs`: what the writers take (``PlanDocument``, ``DecisionDocument``, ``ReportDocument``);
- :mod:`.writer`: ``write_plan_docx``, ``write_decision_with_plan_docx``, ``write_report_docx``;
- :mod:`.official`: the decree 30/2020 layout blocks the writers are made of.
"""

from cchc.plans.documents.drafts import (
    BudgetDraft,
    BudgetLine,
    PlanDraft,
    PlanImportError,
    PlanMetadata,
    TaskDraft,
    plan_draft_to_json,
)
from cchc.plans.documents.inputs import (
    BudgetRow,
    BudgetTable,
    DecisionDocument,
    DocumentHeader,
    PlanDocument,
    ReportDocument,
    Section,
    Signer,
    SimpleTable,
    TaskArea,
    TaskRow,
)
from cchc.plans.documents.reader import read_plan_docx, read_task_table_xlsx
from cchc.plans.documents.writer import (
    standard_decision_articles,
    write_decision_with_plan_docx,
    write_plan_docx,
    write_report_docx,
)

__all__ = [
    "BudgetDraft",
    "BudgetLine",
    "BudgetRow",
    "BudgetTable",
    "DecisionDocument",
    "DocumentHeader",
    "PlanDocument",
    "PlanDraft",
    "PlanImportError",
    "PlanMetadata",
    "ReportDocument",
    "Section",
    "Signer",
    "SimpleTable",
    "TaskArea",
    "TaskDraft",
    "TaskRow",
    "plan_draft_to_json",
    "read_plan_docx",
    "read_task_table_xlsx",
    "standard_decision_articles",
    "write_decision_with_plan_docx",
    "write_plan_docx",
    "write_report_docx",
]
