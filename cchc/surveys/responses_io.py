"""Answer sheets in files: reading paper and offline answers, writing the answers export.

Two layouts are read (Excel or CSV):
- wide, the layout the product exports: one row per answer sheet, `Mã đơn vị`, optionally `Mã phiếu` and
  `Kênh`, then one column per question code;
- long: one row per answer, `Mã phiếu`, `Mã đơn vị`, `Mã câu hỏi`, `Trả lời` (a multiple-choice question
  may take several rows or "1; 3" in one cell).
Every problem names its row and column in Vietnamese; the caller saves nothing unless there are none.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cchc.organisation.tabular import TableError, column_indexes, normalise_header, read_table
from cchc.surveys.answers import AnswerError, clean_answer, split_options
from cchc.surveys.questionnaire import Question, QuestionKind, Questionnaire

SHEET = "Mã phiếu"
UNIT = "Mã đơn vị"
UNIT_NAME = "Tên đơn vị"
CHANNEL = "Kênh"
QUESTION = "Mã câu hỏi"
ANSWER = "Trả lời"
IGNORED = ("STT", "Ghi chú", UNIT_NAME)


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.column:
            return f"Dòng {self.row}: {self.message}"
        return f"Dòng {self.row}, cột «{self.column}»: {self.message}"


@dataclass
class ParsedSheet:
    row: int  # where the sheet starts in the file
    unit_code: str
    reference: str
    channel: str = ""
    answers: dict[str, object] = field(default_factory=dict)


@dataclass
class ParsedFile:
    sheets: list[ParsedSheet] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _text(values: Sequence[Any], index: int | None) -> str:
    if index is None or index >= len(values) or values[index] is None:
        return ""
    return str(values[index]).strip()


def parse_responses(
    source: str | Path | IO[bytes],
    definition: Questionnaire,
    unit_codes: Iterable[str],
    *,
    round_code: str,
    channels: Mapping[str, str],
    filename: str | None = None,
) -> ParsedFile:
    """Read a file into answer sheets. `unit_codes` are the round's units; `channels` maps a normalised
    channel label or code to the stored channel."""
    parsed = ParsedFile()
    try:
        headers, rows = read_table(source, filename)
    except TableError as error:
        parsed.errors.append(RowError(1, "", str(error)))
        return parsed
    normalised = {normalise_header(header) for header in headers}
    context = _Context(definition, set(unit_codes), round_code, channels, parsed)
    try:
        if normalise_header(QUESTION) in normalised and normalise_header(ANSWER) in normalised:
            _read_long(headers, rows, context)
        else:
            _read_wide(headers, rows, context)
    except TableError as error:
        parsed.errors.append(RowError(1, "", str(error)))
    if not parsed.errors and not parsed.sheets:
        parsed.errors.append(RowError(2, "", "tệp không có phiếu trả lời nào"))
    return parsed


@dataclass
class _Context:
    definition: Questionnaire
    unit_codes: set[str]
    round_code: str
    channels: Mapping[str, str]
    parsed: ParsedFile

    def error(self, row: int, column: str, message: str) -> None:
        self.parsed.errors.append(RowError(row, column, message))

    def check_unit(self, row: int, code: str) -> bool:
        if not code:
            self.error(row, UNIT, "thiếu mã đơn vị")
            return False
        if code not in self.unit_codes:
            self.error(row, UNIT, f"đơn vị «{code}» không tham gia đợt khảo sát «{self.round_code}»")
            return False
        return True

    def channel(self, row: int, text: str) -> str:
        if not text:
            return ""
        channel = self.channels.get(normalise_header(text))
        if channel is None:
            self.error(row, CHANNEL, f"kênh «{text}» không hợp lệ")
            return ""
        return channel


def _read_wide(headers: Sequence[str], rows: Iterator[tuple[int, list[Any]]], context: _Context) -> None:
    columns = column_indexes(headers, [UNIT], [SHEET, CHANNEL])
    known = {normalise_header(name) for name in (UNIT, SHEET, CHANNEL, *IGNORED)}
    questions = {question.code.casefold(): question for question in context.definition.questions()}
    question_columns: list[tuple[int, Question]] = []
    for index, header in enumerate(headers):
        if not header or normalise_header(header) in known:
            continue
        question = questions.get(header.strip().casefold())
        if question is None:
            context.error(1, header, f"không có câu hỏi mã «{header}» trong bộ câu hỏi {context.definition.identity}")
        else:
            question_columns.append((index, question))
    if context.parsed.errors:
        return
    seen: dict[tuple[str, str], int] = {}
    for number, values in rows:
        unit_code = _text(values, columns[UNIT])
        reference = _text(values, columns.get(SHEET))
        unit_ok = context.check_unit(number, unit_code)
        if reference and unit_ok:
            first = seen.setdefault((unit_code, reference), number)
            if first != number:
                context.error(number, SHEET, f"mã phiếu «{reference}» trùng với dòng {first}")
        sheet = ParsedSheet(number, unit_code, reference, context.channel(number, _text(values, columns.get(CHANNEL))))
        for index, question in question_columns:
            value = values[index] if index < len(values) else None
            try:
                cleaned = clean_answer(question, value)
            except AnswerError as error:
                context.error(number, headers[index], _lower_first(str(error)))
                continue
            if cleaned is not None:
                sheet.answers[question.code] = cleaned
        if not sheet.answers:
            context.error(number, "", "phiếu không có câu trả lời nào")
        context.parsed.sheets.append(sheet)


def _read_long(headers: Sequence[str], rows: Iterator[tuple[int, list[Any]]], context: _Context) -> None:
    columns = column_indexes(headers, [SHEET, UNIT, QUESTION, ANSWER], [CHANNEL])
    questions = {question.code.casefold(): question for question in context.definition.questions()}
    sheets: dict[tuple[str, str], ParsedSheet] = {}
    answered_at: dict[tuple[str, str, str], int] = {}
    for number, values in rows:
        reference = _text(values, columns[SHEET])
        unit_code = _text(values, columns[UNIT])
        question_code = _text(values, columns[QUESTION])
        raw = values[columns[ANSWER]] if columns[ANSWER] < len(values) else None
        if not reference:
            context.error(number, SHEET, "thiếu mã phiếu")
        unit_ok = context.check_unit(number, unit_code)
        question = questions.get(question_code.casefold())
        if question is None:
            message = "thiếu mã câu hỏi" if not question_code else f"không có câu hỏi mã «{question_code}»"
            context.error(number, QUESTION, f"{message} trong bộ câu hỏi {context.definition.identity}")
        channel = context.channel(number, _text(values, columns.get(CHANNEL)))
        if not reference or not unit_ok or question is None:
            continue
        sheet = sheets.setdefault((unit_code, reference), ParsedSheet(number, unit_code, reference, channel))
        try:
            cleaned = clean_answer(question, raw)
        except AnswerError as error:
            context.error(number, ANSWER, _lower_first(str(error)))
            continue
        if cleaned is None:
            continue
        key = (unit_code, reference, question.code)
        if question.kind is QuestionKind.MULTIPLE:
            merged = sorted({*split_options(sheet.answers.get(question.code)), *split_options(cleaned)})
            sheet.answers[question.code] = merged
        elif key in answered_at and sheet.answers.get(question.code) != cleaned:
            context.error(
                number,
                ANSWER,
                f"câu «{question.code}» của phiếu «{reference}» đã có câu trả lời khác ở dòng {answered_at[key]}",
            )
        else:
            sheet.answers[question.code] = cleaned
        answered_at.setdefault(key, number)
    context.parsed.sheets.extend(sheets.values())


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


# --- export ------------------------------------------------------------------------------------------


def wide_headers(definition: Questionnaire) -> list[str]:
    return [SHEET, UNIT, UNIT_NAME, CHANNEL, *(question.code for question in definition.questions())]


def wide_row(
    definition: Questionnaire, reference: str, unit_code: str, unit_name: str, channel_label: str, answers: Mapping
) -> list[Any]:
    row: list[Any] = [reference, unit_code, unit_name, channel_label]
    for question in definition.questions():
        value = answers.get(question.code)
        if isinstance(value, list):
            value = "; ".join(str(item) for item in value)
        row.append("" if value is None else value)
    return row
