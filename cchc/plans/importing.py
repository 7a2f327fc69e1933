"""Reading a plan file (.docx, or a task table in .xlsx) for the command line and the web preview."""

from __future__ import annotations

import os
from pathlib import PurePath
from typing import IO

from cchc.plans.documents import PlanDraft, PlanImportError, read_plan_docx, read_task_table_xlsx

READERS = {".docx": read_plan_docx, ".xlsx": read_task_table_xlsx}


def read_plan_file(
    source: str | os.PathLike[str] | IO[bytes], filename: str, *, default_year: int | None = None
) -> PlanDraft:
    """The draft a file holds; PlanImportError (Vietnamese) for a file of another type or unreadable."""
    extension = PurePath(filename).suffix.lower()
    reader = READERS.get(extension)
    if reader is None:
        raise PlanImportError(
            f"Tệp «{PurePath(filename).name}» không phải .docx hoặc .xlsx; hãy chọn tệp Word hoặc Excel."
        )
    return reader(source, default_year=default_year)
