"""Questionnaire templates as versioned data: sections, questions, factors, conditions and their checks.

Pure Python on purpose: the survey models keep a questionnaire as JSON (see questionnaire_io) and
rebuild these dataclasses to show the form, check answers and compute results.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

LocalisedText = dict[str, str]
"""Language code → text; Vietnamese ("vi") is always present."""

DEFAULT_LANGUAGE = "vi"
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]+$")


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE5 = "scale5"
    NUMBER = "number"
    TEXT = "text"


KIND_LABELS: dict[QuestionKind, str] = {
    QuestionKind.SINGLE: "Một lựa chọn",
    QuestionKind.MULTIPLE: "Nhiều lựa chọn",
    QuestionKind.SCALE5: "Thang 5 mức",
    QuestionKind.NUMBER: "Số",
    QuestionKind.TEXT: "Văn bản ngắn",
}


class RespondentAttribute(StrEnum):
    AGE_BAND = "age_band"
    SEX = "sex"
    ETHNICITY = "ethnicity"
    OCCUPATION = "occupation"
    EDUCATION = "education"
    FIELD_USED = "field_used"


RESPONDENT_ATTRIBUTE_LABELS: dict[RespondentAttribute, str] = {
    RespondentAttribute.AGE_BAND: "Độ tuổi",
    RespondentAttribute.SEX: "Giới tính",
    RespondentAttribute.ETHNICITY: "Dân tộc",
    RespondentAttribute.OCCUPATION: "Nghề nghiệp",
    RespondentAttribute.EDUCATION: "Trình độ học vấn",
    RespondentAttribute.FIELD_USED: "Lĩnh vực thủ tục",
}


class FactorMethod(StrEnum):
    CRITERIA_MEAN = "criteria_mean"
    POOLED = "pooled"


FACTOR_METHOD_LABELS: dict[FactorMethod, str] = {
    FactorMethod.CRITERIA_MEAN: "Trung bình các tiêu chí",
    FactorMethod.POOLED: "Gộp mọi câu trả lời của yếu tố",
}

SCALE_LABELS: dict[str, LocalisedText] = {
    "1": {"vi": "Rất không hài lòng", "en": "Very dissatisfied"},
    "2": {"vi": "Không hài lòng", "en": "Dissatisfied"},
    "3": {"vi": "Bình thường", "en": "Neutral"},
    "4": {"vi": "Hài lòng", "en": "Satisfied"},
    "5": {"vi": "Rất hài lòng", "en": "Very satisfied"},
}


class QuestionnaireError(ValueError):
    """A questionnaire that cannot be used; `problems` are Vietnamese sentences naming where."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def answer_codes(value: object) -> set[str]:
    """The option codes an answer holds: "2", 2 and ["2"] all mean option 2; blank holds none."""
    if value is None:
        return set()
    if isinstance(value, list | tuple | set | frozenset):
        return {code for item in value for code in answer_codes(item)}
    if isinstance(value, float) and value.is_integer():
        return {str(int(value))}
    text = str(value).strip()
    return {text} if text else set()


def localised(text: Mapping[str, str], language: str = DEFAULT_LANGUAGE) -> str:
    """The text in `language`, falling back to Vietnamese when that translation is missing."""
    return text.get(language) or text.get(DEFAULT_LANGUAGE, "")


@dataclass(frozen=True)
class ScoringMethod:
    """How criteria make a factor and factors make the index; configurable per template."""

    factor_method: FactorMethod = FactorMethod.CRITERIA_MEAN
    # Empty means every factor weighs the same in the index.
    factor_weights: dict[str, Decimal] = field(default_factory=dict)


_CONDITION_PATTERN = re.compile(
    r"^\s*(?:hiện khi|show if)?\s*(?P<code>[^\s=≠!]+)\s*"
    r"(?P<operator>không thuộc|not in|thuộc|in|!=|≠|==|=)\s*(?P<values>.+?)\s*$",
    re.IGNORECASE,
)
_NEGATED_OPERATORS = {"không thuộc", "not in", "!=", "≠"}


@dataclass(frozen=True)
class Condition:
    """Show a question only when an earlier answer is (or, negated, is not) one of `values`."""

    question_code: str
    values: tuple[str, ...]
    negated: bool = False

    def is_met(self, answers: Mapping[str, object]) -> bool:
        chosen = answer_codes(answers.get(self.question_code))
        if not chosen:
            # An unanswered parent hides the child either way: nothing to follow up on.
            return False
        matches = bool(chosen & set(self.values))
        return not matches if self.negated else matches

    def as_text(self) -> str:
        if len(self.values) == 1:
            return f"{self.question_code} {'≠' if self.negated else '='} {self.values[0]}"
        operator = "không thuộc" if self.negated else "thuộc"
        return f"{self.question_code} {operator} [{', '.join(self.values)}]"

    @classmethod
    def parse(cls, text: str) -> Condition:
        """Read "Q3 = 2", "Q3 in [1, 2]", "Q3 thuộc 1; 2", "Q3 ≠ 1" or "Q3 không thuộc [1, 2]"."""
        match = _CONDITION_PATTERN.match(unicodedata.normalize("NFC", text))
        if match is None:
            raise ValueError(f"điều kiện '{text}' không đúng mẫu; ví dụ: 'Q3 = 2', 'Q3 thuộc [1, 2]', 'Q3 ≠ 1'")
        raw_values = match.group("values").strip().strip("[]{}()")
        values = tuple(value.strip() for value in re.split(r"[,;]", raw_values) if value.strip())
        if not values:
            raise ValueError(f"điều kiện '{text}' thiếu giá trị lựa chọn")
        negated = match.group("operator").casefold() in _NEGATED_OPERATORS
        return cls(question_code=match.group("code"), values=values, negated=negated)


@dataclass(frozen=True)
class Question:
    code: str
    text: LocalisedText
    kind: QuestionKind
    # Option code → labels; empty for a scale question means the standard five labels.
    options: dict[str, LocalisedText] = field(default_factory=dict)
    factor: str | None = None
    # Short name of the criterion a scale question measures, for result tables.
    criterion: str | None = None
    respondent_attribute: RespondentAttribute | None = None
    required: bool = False
    condition: Condition | None = None

    @property
    def is_criterion(self) -> bool:
        return self.kind is QuestionKind.SCALE5

    def option_labels(self) -> dict[str, LocalisedText]:
        if self.kind is QuestionKind.SCALE5 and not self.options:
            return SCALE_LABELS
        return self.options

    def criterion_label(self, language: str = DEFAULT_LANGUAGE) -> str:
        return self.criterion or localised(self.text, language)

    def is_shown(self, answers: Mapping[str, object]) -> bool:
        return self.condition is None or self.condition.is_met(answers)


@dataclass(frozen=True)
class Factor:
    code: str
    name: LocalisedText


@dataclass(frozen=True)
class Section:
    code: str
    title: LocalisedText
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class QuestionnaireProblem:
    """One thing wrong with a questionnaire, located by question and field so importers can name
    the row and column where it came from."""

    message: str
    question_code: str | None = None
    field_name: str | None = None


@dataclass(frozen=True)
class Questionnaire:
    code: str
    version: int
    name: LocalisedText
    languages: tuple[str, ...] = (DEFAULT_LANGUAGE,)
    method: ScoringMethod = field(default_factory=ScoringMethod)
    factors: tuple[Factor, ...] = ()
    sections: tuple[Section, ...] = ()

    @property
    def identity(self) -> str:
        return f"{self.code} v{self.version}"

    def questions(self) -> list[Question]:
        return [question for section in self.sections for question in section.questions]

    def question(self, code: str) -> Question:
        for question in self.questions():
            if question.code == code:
                return question
        raise KeyError(code)

    def criteria(self) -> list[Question]:
        return [question for question in self.questions() if question.is_criterion]

    def factor_criteria(self, factor_code: str) -> list[Question]:
        return [question for question in self.criteria() if question.factor == factor_code]

    def respondent_question(self, attribute: RespondentAttribute | str) -> Question | None:
        for question in self.questions():
            if question.respondent_attribute == attribute:
                return question
        return None

    def problems(self) -> list[QuestionnaireProblem]:
        return _questionnaire_problems(self)

    def validate(self) -> None:
        problems = self.problems()
        if problems:
            raise QuestionnaireError([_describe_problem(problem) for problem in problems])


# --- validation ---------------------------------------------------------------------------------


def _describe_problem(problem: QuestionnaireProblem) -> str:
    if problem.question_code is None:
        return problem.message
    return f"Câu hỏi '{problem.question_code}': {problem.message}"


def _text_problems(text: Mapping[str, str], languages: Sequence[str], what: str) -> list[str]:
    messages = []
    if not text.get(DEFAULT_LANGUAGE, "").strip():
        messages.append(f"{what} thiếu nội dung tiếng Việt")
    messages.extend(
        f"{what} có nội dung bằng ngôn ngữ '{language}' chưa khai báo trong bộ câu hỏi"
        for language in text
        if language not in languages
    )
    return messages


def _questionnaire_problems(questionnaire: Questionnaire) -> list[QuestionnaireProblem]:
    problems: list[QuestionnaireProblem] = []
    languages = questionnaire.languages

    def add(message: str, question_code: str | None = None, field_name: str | None = None) -> None:
        problems.append(QuestionnaireProblem(message, question_code, field_name))

    if not CODE_PATTERN.match(questionnaire.code):
        add(f"Mã bộ câu hỏi '{questionnaire.code}' chỉ được gồm chữ không dấu, số, '.', '_' và '-'")
    if questionnaire.version < 1:
        add(f"Phiên bản phải từ 1 trở lên, đang là {questionnaire.version}")
    if DEFAULT_LANGUAGE not in languages:
        add("Danh sách ngôn ngữ phải có tiếng Việt (vi)")
    for message in _text_problems(questionnaire.name, languages, "Tên bộ câu hỏi"):
        add(message)

    factor_codes: set[str] = set()
    for factor in questionnaire.factors:
        if factor.code in factor_codes:
            add(f"Mã yếu tố '{factor.code}' bị trùng")
        elif not CODE_PATTERN.match(factor.code):
            add(f"Mã yếu tố '{factor.code}' chỉ được gồm chữ không dấu, số, '.', '_' và '-'")
        factor_codes.add(factor.code)
        for message in _text_problems(factor.name, languages, f"Yếu tố '{factor.code}'"):
            add(message)

    weights = questionnaire.method.factor_weights
    if weights:
        for code, weight in weights.items():
            if code not in factor_codes:
                add(f"Trọng số cho yếu tố '{code}' nhưng bộ câu hỏi không có yếu tố này")
            elif weight <= 0:
                add(f"Trọng số của yếu tố '{code}' phải lớn hơn 0")
        for code in sorted(factor_codes - set(weights)):
            add(f"Yếu tố '{code}' chưa có trọng số (đã khai báo trọng số thì phải đủ mọi yếu tố)")

    section_codes: set[str] = set()
    for section in questionnaire.sections:
        if section.code in section_codes:
            add(f"Mã phần '{section.code}' bị trùng")
        section_codes.add(section.code)
        for message in _text_problems(section.title, languages, f"Phần '{section.code}'"):
            add(message)

    seen: dict[str, Question] = {}
    attributes: set[RespondentAttribute] = set()
    for question in questionnaire.questions():
        for message, field_name in _question_problems(question, seen, factor_codes, languages):
            add(message, question.code, field_name)
        attribute = question.respondent_attribute
        if attribute is not None:
            if attribute in attributes:
                label = RESPONDENT_ATTRIBUTE_LABELS[attribute]
                add(f"thông tin người trả lời '{label}' đã có ở câu khác", question.code, "attribute")
            attributes.add(attribute)
        seen.setdefault(question.code, question)
    return problems


def _question_problems(
    question: Question, earlier: Mapping[str, Question], factor_codes: set[str], languages: Sequence[str]
) -> Iterator[tuple[str, str]]:
    if question.code in earlier:
        yield "mã câu hỏi bị trùng", "code"
    if not CODE_PATTERN.match(question.code):
        yield "mã câu hỏi chỉ được gồm chữ không dấu, số, '.', '_' và '-'", "code"
    for message in _text_problems(question.text, languages, "nội dung"):
        yield message, "text"

    kind = question.kind
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and not question.options:
        yield f"câu '{KIND_LABELS[kind]}' phải có danh sách lựa chọn", "options"
    if kind in (QuestionKind.NUMBER, QuestionKind.TEXT) and question.options:
        yield f"câu '{KIND_LABELS[kind]}' không có danh sách lựa chọn", "options"
    if kind is QuestionKind.SCALE5 and question.options and set(question.options) != set(SCALE_LABELS):
        yield "câu thang 5 mức chỉ có các lựa chọn 1, 2, 3, 4, 5", "options"
    for option_code, labels in question.options.items():
        if not CODE_PATTERN.match(option_code):
            yield f"mã lựa chọn '{option_code}' chỉ được gồm chữ không dấu, số, '.', '_' và '-'", "options"
        for message in _text_problems(labels, languages, f"lựa chọn '{option_code}'"):
            yield message, "options"

    if question.factor is not None and question.factor not in factor_codes:
        yield f"yếu tố '{question.factor}' chưa được khai báo", "factor"
    if question.respondent_attribute is not None and kind is not QuestionKind.SINGLE:
        yield "câu hỏi về người trả lời phải là câu một lựa chọn", "attribute"

    condition = question.condition
    if condition is not None:
        parent = earlier.get(condition.question_code)
        if condition.question_code == question.code:
            yield "điều kiện không được dựa vào chính câu hỏi này", "condition"
        elif parent is None:
            yield f"điều kiện dựa vào câu '{condition.question_code}' không có ở phía trước", "condition"
        else:
            allowed = parent.option_labels()
            unknown = [value for value in condition.values if allowed and value not in allowed]
            if unknown:
                listed = ", ".join(unknown)
                yield f"điều kiện dùng lựa chọn không có ở câu '{parent.code}': {listed}", "condition"
