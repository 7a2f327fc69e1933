"""Rows of a task appendix table → :class:`TaskDraft` records.

Handles the shapes plans take in practice: Roman-numeral area rows (often one merged cell), a
header repeated on every page, a task whose row was broken by a page break so that its
continuation sits in the next row with an empty number, values merged down several tasks, and
one table split into several.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cchc.plans.deadlines import interpret_deadline
from cchc.plans.documents.columns import TableHeader, is_header_repeat, is_numbering_row
from cchc.plans.documents.drafts import TaskDraft
from cchc.plans.documents.grid import GridCell, GridTable, is_fully_merged, unique_texts

ROMAN_NUMERAL = re.compile(r"^(?P<numeral>[IVXL]+)\s*[.)]?$")
AREA_PREFIX = re.compile(r"^(?P<numeral>[IVXL]+|[A-H])\s*[.)/:-]\s*(?P<title>\S.*)$", re.DOTALL)
AREA_LETTER = re.compile(r"^(?P<numeral>[A-H])\s*[.)]?$")
DETAIL_FIELDS = ("output", "lead", "coordinating", "deadline")
TASK_FIELDS = ("title", "output", "lead", "coordinating", "deadline", "criterion")
CRITERION_MENTION = re.compile(r"tiêu chí(?:\s+thành phần)?\s*(?:số\s*)?(?P<code>\d+(?:\.\d+){1,4})", re.IGNORECASE)
CRITERION_AT_START = re.compile(r"^(?P<code>\d+(?:\.\d+){2,4})\.?\s*[-–:)]?\s+\S")
CRITERION_CODE = re.compile(r"(?<![\d.])(?P<code>\d+(?:\.\d+){1,4})(?![\d])")


@dataclass
class TaskCollector:
    """Collects tasks across the tables of one file; the current area carries over a table split."""

    tasks: list[TaskDraft] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    area: str = ""
    area_number: str = ""
    _previous_row: list[GridCell] | None = None

    def collect(self, table: GridTable, header: TableHeader, start_row: int | None = None) -> None:
        # The previous row is kept across tables: a table split at a page may continue a task.
        first = header.data_start if start_row is None else start_row
        for index in range(first, len(table.rows)):
            self._collect_row(table, header, index)

    def _collect_row(self, table: GridTable, header: TableHeader, index: int) -> None:
        row = table.rows[index]
        if is_header_repeat(row, header) or is_numbering_row(row):
            return
        texts = unique_texts(row)
        if not any(texts):
            return
        columns = header.columns
        number_column = columns.get("number")
        number = texts[number_column] if number_column is not None else ""
        if self._start_area(row, texts, columns, number):
            self._previous_row = None
            return
        previous_task = self.tasks[-1] if self.tasks else None
        continues_number_cell = (
            number_column is not None
            and self._previous_row is not None
            and row[number_column].origin == self._previous_row[number_column].origin
        )
        continues_previous_task = (
            previous_task is not None
            and self._previous_row is not None
            and number_column is not None
            and (not number or continues_number_cell)
        )
        if continues_previous_task and previous_task is not None:
            self._append_continuation(previous_task, row, texts, columns, (table.number, index + 1))
            self._previous_row = row
            return
        if number_column is not None and not number:
            self.warnings.append(
                f"{table.label}, dòng {index + 1}: dòng không có số thứ tự và không nối tiếp nhiệm vụ nào; "
                "đã nhận thành một nhiệm vụ riêng."
            )
        task = TaskDraft(
            area=self.area,
            area_number=self.area_number,
            number=number.rstrip("."),
            source_rows=[(table.number, index + 1)],
        )
        for field_name in TASK_FIELDS:
            column = columns.get(field_name)
            if column is not None:
                _set_field(task, field_name, texts[column])
        if not task.title:
            label = header.labels.get(columns["title"], "Nhiệm vụ")
            self.warnings.append(f"{table.label}, dòng {index + 1}, cột “{label}”: nhiệm vụ không có nội dung.")
        self.tasks.append(task)
        self._previous_row = row

    def _start_area(self, row: list[GridCell], texts: list[str], columns: dict[str, int], number: str) -> bool:
        detail_texts = [texts[columns[name]] for name in DETAIL_FIELDS if name in columns]
        title_column = columns["title"]
        title = texts[title_column]
        if is_fully_merged(row):
            numeral, area_title = _split_area(next(text for text in texts if text))
        elif match := ROMAN_NUMERAL.match(number):
            numeral, area_title = match["numeral"], title or _first_other_text(texts, columns.get("number"))
        elif match := AREA_PREFIX.match(number):
            numeral, area_title = match["numeral"], match["title"]
        elif (match := AREA_LETTER.match(number)) and not any(detail_texts):
            numeral, area_title = match["numeral"], title
        elif not number and not any(detail_texts) and (match := AREA_PREFIX.match(title)):
            if not ROMAN_NUMERAL.match(match["numeral"]):
                return False
            numeral, area_title = match["numeral"], match["title"]
        else:
            return False
        self.area, self.area_number = area_title.replace("\n", " ").strip(), numeral
        return True

    def _append_continuation(
        self,
        task: TaskDraft,
        row: list[GridCell],
        texts: list[str],
        columns: dict[str, int],
        source_row: tuple[int, int],
    ) -> None:
        previous_row = self._previous_row or []
        for field_name in TASK_FIELDS:
            column = columns.get(field_name)
            if column is None or not texts[column]:
                continue
            if column < len(previous_row) and row[column].origin == previous_row[column].origin:
                continue  # merged down from the row above: already read
            _set_field(task, field_name, _joined(_get_field(task, field_name), texts[column]))
        task.source_rows.append(source_row)


def finish_tasks(tasks: list[TaskDraft], year: int) -> None:
    """Derive due dates and criterion codes once every continuation row has been appended."""
    for task in tasks:
        interpretation = interpret_deadline(task.deadline_text, year)
        task.due_dates = interpretation.due_dates
        task.recurrence = interpretation.recurrence
        task.criterion_code = criterion_code(task.criterion_text, task.title)


def criterion_code(criterion_text: str, title: str) -> str | None:
    """The index criterion a task serves: from its criterion column, else from its title."""
    if match := CRITERION_CODE.search(criterion_text):
        return match["code"]
    if match := CRITERION_MENTION.search(title) or CRITERION_AT_START.match(title):
        return match["code"]
    return None


def _split_area(text: str) -> tuple[str, str]:
    match = AREA_PREFIX.match(text)
    if match and (ROMAN_NUMERAL.match(match["numeral"]) or AREA_LETTER.match(match["numeral"])):
        return match["numeral"], match["title"]
    return "", text


def _first_other_text(texts: list[str], number_column: int | None) -> str:
    return next((text for index, text in enumerate(texts) if index != number_column and text), "")


def _joined(existing: str, addition: str) -> str:
    return f"{existing}\n{addition}" if existing else addition


FIELD_ATTRIBUTES = {"deadline": "deadline_text", "criterion": "criterion_text"}


def _set_field(task: TaskDraft, field_name: str, value: str) -> None:
    setattr(task, FIELD_ATTRIBUTES.get(field_name, field_name), value)


def _get_field(task: TaskDraft, field_name: str) -> str:
    value = getattr(task, FIELD_ATTRIBUTES.get(field_name, field_name))
    return value or ""
