"""The public form: what the template draws for a questionnaire, and reading the posted answers back.

Inputs are named "q-<question code>". Conditional questions carry data-* attributes read by
static/surveys/survey.js to hide them; the server applies the same condition (answers.clean_sheet).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.http import QueryDict

from cchc.surveys.answers import CleanedSheet, clean_sheet
from cchc.surveys.questionnaire import DEFAULT_LANGUAGE, QuestionKind, Questionnaire, answer_codes, localised

PREFIX = "q-"
HONEYPOT_FIELD = "website"
TOKEN_FIELD = "opened"
INVITATION_FIELD = "invitation_code"

UI_TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "language_name": "Tiếng Việt",
        "intro": "Phiếu khảo sát ẩn danh: không hỏi họ tên, số điện thoại hay địa chỉ của ông/bà.",
        "required_note": "Câu có dấu * là câu bắt buộc.",
        "required_mark": "bắt buộc",
        "submit": "Gửi phiếu",
        "errors_title": "Phiếu chưa gửi được. Vui lòng xem lại các câu sau:",
        "invitation_label": "Mã mời (in trên phiếu hẹn trả kết quả)",
        "invitation_error": "Mã mời không đúng hoặc đã được dùng.",
        "honeypot_label": "Không điền vào ô này",
        "thanks_title": "Cảm ơn ông/bà đã tham gia khảo sát!",
        "thanks_text": "Ý kiến của ông/bà giúp cơ quan phục vụ người dân, tổ chức tốt hơn.",
        "kiosk_return": "Màn hình sẽ tự quay lại phiếu mới sau ít giây.",
        "kiosk_new": "Bắt đầu phiếu mới",
        "number_hint": "Nhập một số",
        "closed_title": "Đợt khảo sát không nhận phiếu",
        "refused_title": "Chưa gửi được phiếu",
        "other_language": "English",
        "scale_hint": "Chọn một mức từ 1 (Rất không hài lòng) đến 5 (Rất hài lòng).",
        "choose_any": "Có thể chọn nhiều phương án.",
        "unit_label": "Đơn vị",
    },
    "en": {
        "language_name": "English",
        "intro": "This survey is anonymous: it does not ask for your name, phone number or address.",
        "required_note": "Questions marked * are required.",
        "required_mark": "required",
        "submit": "Send",
        "errors_title": "The form was not sent. Please check these questions:",
        "invitation_label": "Invitation code (printed on your appointment slip)",
        "invitation_error": "The invitation code is wrong or has already been used.",
        "honeypot_label": "Leave this field empty",
        "thanks_title": "Thank you for taking part in the survey!",
        "thanks_text": "Your opinion helps us serve people and organisations better.",
        "kiosk_return": "The screen will return to a new form in a few seconds.",
        "kiosk_new": "Start a new form",
        "number_hint": "Enter a number",
        "closed_title": "This survey is not accepting answers",
        "refused_title": "The form could not be sent",
        "other_language": "Tiếng Việt",
        "scale_hint": "Choose one level from 1 (Very dissatisfied) to 5 (Very satisfied).",
        "choose_any": "You may choose several options.",
        "unit_label": "Office",
    },
}


def ui_text(language: str) -> dict[str, str]:
    return UI_TEXT.get(language, UI_TEXT[DEFAULT_LANGUAGE])


def choose_language(definition: Questionnaire, requested: str | None) -> str:
    return requested if requested in definition.languages and requested in UI_TEXT else DEFAULT_LANGUAGE


@dataclass
class OptionView:
    code: str
    label: str
    input_id: str
    checked: bool


@dataclass
class FieldView:
    code: str
    name: str
    input_id: str
    kind: str
    text: str
    required: bool
    options: list[OptionView] = field(default_factory=list)
    value: str = ""
    error: str = ""
    condition_question: str = ""
    condition_values: str = ""
    condition_negated: bool = False

    @property
    def is_group(self) -> bool:
        return self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE5)

    @property
    def is_scale(self) -> bool:
        return self.kind == QuestionKind.SCALE5

    @property
    def is_multiple(self) -> bool:
        return self.kind == QuestionKind.MULTIPLE

    @property
    def is_number(self) -> bool:
        return self.kind == QuestionKind.NUMBER

    @property
    def condition_input(self) -> str:
        return PREFIX + self.condition_question if self.condition_question else ""


@dataclass
class SectionView:
    code: str
    title: str
    fields: list[FieldView]


def _safe_id(code: str) -> str:
    return "q-" + "".join(character if character.isalnum() else "-" for character in code)


def build_sections(
    definition: Questionnaire,
    language: str = DEFAULT_LANGUAGE,
    answers: Mapping[str, object] | None = None,
    errors: Mapping[str, str] | None = None,
) -> list[SectionView]:
    answers = answers or {}
    errors = errors or {}
    sections = []
    for section in definition.sections:
        fields = []
        for question in section.questions:
            chosen = answer_codes(answers.get(question.code))
            input_id = _safe_id(question.code)
            options = [
                OptionView(code, localised(labels, language), f"{input_id}-{index}", code in chosen)
                for index, (code, labels) in enumerate(question.option_labels().items(), start=1)
            ]
            value = answers.get(question.code)
            condition = question.condition
            fields.append(
                FieldView(
                    code=question.code,
                    name=PREFIX + question.code,
                    input_id=input_id,
                    kind=question.kind.value,
                    text=localised(question.text, language),
                    required=question.required,
                    options=options,
                    value="" if value is None or isinstance(value, list) else str(value),
                    error=errors.get(question.code, ""),
                    condition_question=condition.question_code if condition else "",
                    condition_values=",".join(condition.values) if condition else "",
                    condition_negated=bool(condition and condition.negated),
                )
            )
        sections.append(SectionView(section.code, localised(section.title, language), fields))
    return sections


def read_posted(definition: Questionnaire, data: QueryDict, language: str = DEFAULT_LANGUAGE) -> CleanedSheet:
    raw: dict[str, object] = {}
    for question in definition.questions():
        name = PREFIX + question.code
        if question.kind is QuestionKind.MULTIPLE:
            raw[question.code] = [value for value in data.getlist(name) if value.strip()]
        else:
            raw[question.code] = data.get(name, "")
    return clean_sheet(definition, raw, language=language)
