"""Checking one answer sheet against its questionnaire: the same rules for the web form and imported files.

Answers are stored as: single choice → option code ("2"); multiple choice → list of option codes;
5-level scale → 1–5 as a number; number → a whole number; short text → text. A blank is left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from cchc.surveys.arithmetic import InvalidAnswerError, scale_answer
from cchc.surveys.questionnaire import (
    DEFAULT_LANGUAGE,
    Question,
    QuestionKind,
    Questionnaire,
    answer_codes,
)

TEXT_LIMIT = 2000
NUMBER_LIMIT = 1000

MESSAGES: dict[str, dict[str, str]] = {
    "vi": {
        "required": "Vui lòng trả lời câu này.",
        "scale": "Câu trả lời «{value}» ngoài thang 1–5.",
        "option": "Lựa chọn «{value}» không có trong câu hỏi (có: {allowed}).",
        "one_option": "Chỉ được chọn một phương án.",
        "number": "«{value}» không phải là số nguyên từ 0 đến {limit}.",
        "text": "Nội dung dài quá {limit} ký tự.",
    },
    "en": {
        "required": "Please answer this question.",
        "scale": "The answer «{value}» is not on the 1–5 scale.",
        "option": "The option «{value}» does not belong to this question (options: {allowed}).",
        "one_option": "Please choose only one option.",
        "number": "«{value}» is not a whole number from 0 to {limit}.",
        "text": "The text is longer than {limit} characters.",
    },
}


class AnswerError(ValueError):
    """An answer that does not fit its question; the message is in the requested language."""


def message(key: str, language: str = DEFAULT_LANGUAGE, **values: object) -> str:
    return MESSAGES.get(language, MESSAGES[DEFAULT_LANGUAGE])[key].format(**values)


def split_options(value: object) -> list[str]:
    """A multiple-choice cell "1; 3", "1,3" or a list → ["1", "3"]."""
    if isinstance(value, list | tuple | set):
        return [code for item in value for code in split_options(item)]
    return sorted(code for part in re.split(r"[;,\s]+", str(value or "")) for code in answer_codes(part))


def clean_answer(question: Question, value: object, language: str = DEFAULT_LANGUAGE) -> object | None:
    """The stored form of one answer, None for a blank; AnswerError when it does not fit the question."""
    if value is None or (isinstance(value, str) and not value.strip()) or value == []:
        return None
    kind = question.kind
    if kind is QuestionKind.SCALE5:
        try:
            return scale_answer(value)
        except InvalidAnswerError as error:
            raise AnswerError(message("scale", language, value=_shown(value))) from error
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        codes = split_options(value) if kind is QuestionKind.MULTIPLE else sorted(answer_codes(value))
        allowed = question.option_labels()
        unknown = [code for code in codes if code not in allowed]
        if unknown:
            raise AnswerError(message("option", language, value=", ".join(unknown), allowed=", ".join(allowed)))
        if kind is QuestionKind.SINGLE:
            if len(codes) > 1:
                raise AnswerError(message("one_option", language))
            return codes[0] if codes else None
        return codes or None
    if kind is QuestionKind.NUMBER:
        try:
            amount = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation as error:
            raise AnswerError(message("number", language, value=_shown(value), limit=NUMBER_LIMIT)) from error
        if not amount.is_finite() or amount != amount.to_integral_value() or not 0 <= amount <= NUMBER_LIMIT:
            raise AnswerError(message("number", language, value=_shown(value), limit=NUMBER_LIMIT))
        return int(amount)
    text = str(value).strip()
    if len(text) > TEXT_LIMIT:
        raise AnswerError(message("text", language, limit=TEXT_LIMIT))
    return text


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class CleanedSheet:
    answers: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # question code → message

    @property
    def ok(self) -> bool:
        return not self.errors


def clean_sheet(
    definition: Questionnaire,
    raw: Mapping[str, object],
    *,
    language: str = DEFAULT_LANGUAGE,
    enforce_required: bool = True,
    drop_hidden: bool = True,
) -> CleanedSheet:
    """Check every question in order. A question hidden by its condition is not required and, with
    `drop_hidden`, its answer is dropped, exactly as the form's script hides it."""
    sheet = CleanedSheet()
    for question in definition.questions():
        shown = question.is_shown(sheet.answers)
        value = raw.get(question.code)
        if not shown and drop_hidden:
            continue
        try:
            cleaned = clean_answer(question, value, language)
        except AnswerError as error:
            sheet.errors[question.code] = str(error)
            continue
        if cleaned is None:
            if shown and question.required and enforce_required:
                sheet.errors[question.code] = message("required", language)
            continue
        sheet.answers[question.code] = cleaned
    return sheet


def respondent_groups(definition: Questionnaire, answers: Mapping[str, object]) -> dict[str, str]:
    """The respondent's own group answers (age band, sex, field used…) by attribute name."""
    groups = {}
    for question in definition.questions():
        if question.respondent_attribute is not None:
            codes = sorted(answer_codes(answers.get(question.code)))
            if codes:
                groups[question.respondent_attribute.value] = codes[0]
    return groups
