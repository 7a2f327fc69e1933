"""Reading and writing questionnaires: JSON (how the database and the shipped templates keep them) and an
Excel workbook (how focal officers edit them), every problem reported at once with its sheet, row and column.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cchc.surveys.questionnaire import (
    CODE_PATTERN,
    DEFAULT_LANGUAGE,
    FACTOR_METHOD_LABELS,
    KIND_LABELS,
    RESPONDENT_ATTRIBUTE_LABELS,
    Condition,
    Factor,
    FactorMethod,
    LocalisedText,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireError,
    RespondentAttribute,
    ScoringMethod,
    Section,
)

JSON_FORMAT = "cchc-questionnaire"
JSON_FORMAT_VERSION = 1

# --- JSON ---------------------------------------------------------------------------------------


def questionnaire_to_dict(questionnaire: Questionnaire) -> dict[str, Any]:
    return {
        "format": JSON_FORMAT,
        "format_version": JSON_FORMAT_VERSION,
        "code": questionnaire.code,
        "version": questionnaire.version,
        "name": dict(questionnaire.name),
        "languages": list(questionnaire.languages),
        "method": {
            "factor_method": questionnaire.method.factor_method.value,
            "factor_weights": {code: str(weight) for code, weight in questionnaire.method.factor_weights.items()},
        },
        "factors": [{"code": factor.code, "name": dict(factor.name)} for factor in questionnaire.factors],
        "sections": [
            {
                "code": section.code,
                "title": dict(section.title),
                "questions": [_question_to_dict(question) for question in section.questions],
            }
            for section in questionnaire.sections
        ],
    }


def _question_to_dict(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = {"code": question.code, "text": dict(question.text), "kind": question.kind.value}
    if question.options:
        data["options"] = {code: dict(labels) for code, labels in question.options.items()}
    if question.factor is not None:
        data["factor"] = question.factor
    if question.criterion is not None:
        data["criterion"] = question.criterion
    if question.respondent_attribute is not None:
        data["respondent_attribute"] = question.respondent_attribute.value
    if question.required:
        data["required"] = True
    if question.condition is not None:
        data["condition"] = {
            "question": question.condition.question_code,
            "values": list(question.condition.values),
            "negated": question.condition.negated,
        }
    return data


class _Reader:
    """Reads nested JSON values, turning a missing or mistyped value into a Vietnamese message
    that names its path (e.g. sections[2].questions[0].kind)."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def get(self, data: Any, key: str, path: str, kind: type, default: Any, *, required: bool = False) -> Any:
        if not isinstance(data, Mapping):
            self.problems.append(f"{path}: phải là một đối tượng")
            return default
        value = data.get(key)
        if value is None:
            if required:
                self.problems.append(f"{path}.{key}: thiếu giá trị")
            return default
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.problems.append(f"{path}.{key}: kiểu dữ liệu không đúng")
            return default
        return value

    def text(self, data: Any, key: str, path: str) -> LocalisedText:
        value = self.get(data, key, path, dict, {}, required=True)
        if not all(isinstance(text, str) for text in value.values()):
            self.problems.append(f"{path}.{key}: nội dung phải là chữ")
            return {}
        return dict(value)

    def choice(self, enum: type[StrEnum], value: Any, path: str) -> Any:
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            self.problems.append(f"{path}: giá trị '{value}' không hợp lệ; dùng một trong: {allowed}")
            return None


def questionnaire_from_dict(data: Mapping[str, Any]) -> Questionnaire:
    """Build and validate a questionnaire; every problem found is reported at once."""
    reader = _Reader()
    if data.get("format", JSON_FORMAT) != JSON_FORMAT:
        raise QuestionnaireError([f"Tệp không phải bộ câu hỏi CCHC (format = '{data.get('format')}')"])
    format_version = data.get("format_version", JSON_FORMAT_VERSION)
    if not isinstance(format_version, int) or format_version > JSON_FORMAT_VERSION:
        raise QuestionnaireError(["Tệp được tạo bởi phiên bản CCHC mới hơn; hãy cập nhật phần mềm"])

    method_data = reader.get(data, "method", "method", dict, {})
    factor_method = reader.choice(
        FactorMethod,
        method_data.get("factor_method", FactorMethod.CRITERIA_MEAN.value),
        "method.factor_method",
    )
    weights: dict[str, Decimal] = {}
    for code, weight in (method_data.get("factor_weights") or {}).items():
        try:
            weights[code] = Decimal(str(weight))
        except InvalidOperation:
            reader.problems.append(f"method.factor_weights.{code}: '{weight}' không phải là số")

    factors = tuple(
        Factor(
            code=reader.get(item, "code", f"factors[{index}]", str, "", required=True),
            name=reader.text(item, "name", f"factors[{index}]"),
        )
        for index, item in enumerate(reader.get(data, "factors", "questionnaire", list, []))
    )
    sections = []
    for section_index, section_data in enumerate(reader.get(data, "sections", "questionnaire", list, [])):
        path = f"sections[{section_index}]"
        questions = tuple(
            _question_from_dict(reader, question_data, f"{path}.questions[{question_index}]")
            for question_index, question_data in enumerate(reader.get(section_data, "questions", path, list, []))
        )
        sections.append(
            Section(
                code=reader.get(section_data, "code", path, str, "", required=True),
                title=reader.text(section_data, "title", path),
                questions=questions,
            )
        )
    questionnaire = Questionnaire(
        code=reader.get(data, "code", "questionnaire", str, "", required=True),
        version=reader.get(data, "version", "questionnaire", int, 0, required=True),
        name=reader.text(data, "name", "questionnaire"),
        languages=tuple(reader.get(data, "languages", "questionnaire", list, [DEFAULT_LANGUAGE])),
        method=ScoringMethod(factor_method=factor_method or FactorMethod.CRITERIA_MEAN, factor_weights=weights),
        factors=factors,
        sections=tuple(sections),
    )
    if reader.problems:
        raise QuestionnaireError(reader.problems)
    questionnaire.validate()
    return questionnaire


def _question_from_dict(reader: _Reader, data: Any, path: str) -> Question:
    if not isinstance(data, Mapping):
        reader.problems.append(f"{path}: phải là một đối tượng")
        return Question(code="", text={}, kind=QuestionKind.TEXT)
    condition = None
    condition_data = reader.get(data, "condition", path, dict, {})
    if condition_data:
        condition = Condition(
            question_code=reader.get(condition_data, "question", f"{path}.condition", str, "", required=True),
            values=tuple(
                str(value)
                for value in reader.get(condition_data, "values", f"{path}.condition", list, [], required=True)
            ),
            negated=bool(condition_data.get("negated", False)),
        )
    attribute = data.get("respondent_attribute")
    options = reader.get(data, "options", path, dict, {})
    if not all(isinstance(labels, dict) for labels in options.values()):
        reader.problems.append(f"{path}.options: mỗi lựa chọn phải là một bảng nhãn theo ngôn ngữ")
        options = {}
    return Question(
        code=reader.get(data, "code", path, str, "", required=True),
        text=reader.text(data, "text", path),
        kind=reader.choice(QuestionKind, data.get("kind"), f"{path}.kind") or QuestionKind.TEXT,
        options={str(code): dict(labels) for code, labels in options.items()},
        factor=reader.get(data, "factor", path, str, None),
        criterion=reader.get(data, "criterion", path, str, None),
        respondent_attribute=None
        if attribute is None
        else reader.choice(RespondentAttribute, attribute, f"{path}.respondent_attribute"),
        required=bool(data.get("required", False)),
        condition=condition,
    )


def dump_questionnaire_json(questionnaire: Questionnaire) -> str:
    return json.dumps(questionnaire_to_dict(questionnaire), ensure_ascii=False, indent=2) + "\n"


def load_questionnaire_json(text: str | bytes) -> Questionnaire:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise QuestionnaireError([f"Tệp JSON lỗi ở dòng {error.lineno}, cột {error.colno}: {error.msg}"]) from error
    if not isinstance(data, dict):
        raise QuestionnaireError(["Tệp JSON phải chứa một bộ câu hỏi (một đối tượng)"])
    return questionnaire_from_dict(data)


def load_template(name: str) -> Questionnaire:
    """A template shipped in cchc/surveys/data, e.g. load_template("sipas_2024")."""
    resource = resources.files("cchc.surveys").joinpath("data", f"{name}.json")
    return load_questionnaire_json(resource.read_text(encoding="utf-8"))


# --- Excel --------------------------------------------------------------------------------------

QUESTIONS_SHEET = "Câu hỏi"
FACTORS_SHEET = "Yếu tố"
SECTIONS_SHEET = "Phần"
INFORMATION_SHEET = "Thông tin"

SECTION_COLUMN = "Phần"
CODE_COLUMN = "Mã câu hỏi"
TEXT_COLUMN = "Nội dung"
KIND_COLUMN = "Loại"
OPTIONS_COLUMN = "Lựa chọn"
FACTOR_COLUMN = "Yếu tố"
CRITERION_COLUMN = "Tiêu chí"
ATTRIBUTE_COLUMN = "Thông tin người trả lời"
REQUIRED_COLUMN = "Bắt buộc"
CONDITION_COLUMN = "Điều kiện"
IGNORED_COLUMNS = ("STT", "Ghi chú")

FIELD_COLUMNS = {
    "code": CODE_COLUMN,
    "text": TEXT_COLUMN,
    "kind": KIND_COLUMN,
    "options": OPTIONS_COLUMN,
    "factor": FACTOR_COLUMN,
    "attribute": ATTRIBUTE_COLUMN,
    "condition": CONDITION_COLUMN,
}

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "zh": "中文", "km": "Khmer", "lo": "Lao"}

INFO_CODE = "Mã bộ câu hỏi"
INFO_VERSION = "Phiên bản"
INFO_NAME = "Tên bộ câu hỏi"
INFO_LANGUAGES = "Ngôn ngữ"
INFO_METHOD = "Cách tính yếu tố"

YES_WORDS = {"có", "x", "1", "yes", "true", "bắt buộc"}
NO_WORDS = {"", "không", "0", "no", "false"}


def _normalise(text: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text or "")).replace("\ufeff", "").split()).casefold()


def _language_suffix(language: str) -> str:
    return f" ({LANGUAGE_NAMES.get(language, language)})"


def _language_of_suffix(suffix: str) -> str | None:
    for code, name in LANGUAGE_NAMES.items():
        if _normalise(suffix) in (_normalise(name), code):
            return code
    return suffix.lower() if re.fullmatch(r"[A-Za-z]{2,3}", suffix) else None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFC", str(value)).strip()


def _format_options(options: Mapping[str, LocalisedText], language: str) -> str:
    # An option not translated yet is left out of that language's column, not written as "3=".
    labels = [(code, labels[language]) for code, labels in options.items() if labels.get(language)]
    # A label containing ";" would split wrongly, so such lists go one option a line.
    separator = "\n" if any(";" in label for _, label in labels) else "; "
    return separator.join(f"{code}={label}" for code, label in labels)


def _parse_options(text: str) -> dict[str, str]:
    """ "1=Có; 2=Không" (or one option a line) → {"1": "Có", "2": "Không"}."""
    if not text:
        return {}
    parts = text.splitlines() if "\n" in text else text.split(";")
    options: dict[str, str] = {}
    for part in (part.strip() for part in parts):
        if not part:
            continue
        code, separator, label = part.partition("=")
        if not separator or not code.strip() or not label.strip():
            raise ValueError(f"'{part}' không đúng dạng 'mã=nhãn' (ví dụ: 1=Có; 2=Không)")
        if code.strip() in options:
            raise ValueError(f"mã lựa chọn '{code.strip()}' bị trùng")
        options[code.strip()] = label.strip()
    return options


def _parse_kind(text: str) -> QuestionKind:
    wanted = _normalise(text)
    for kind, label in KIND_LABELS.items():
        if wanted in (_normalise(label), kind.value):
            return kind
    allowed = ", ".join(KIND_LABELS.values())
    raise ValueError(f"loại '{text}' không hợp lệ; dùng một trong: {allowed}")


def _parse_attribute(text: str) -> RespondentAttribute | None:
    if not text:
        return None
    wanted = _normalise(text)
    for attribute, label in RESPONDENT_ATTRIBUTE_LABELS.items():
        if wanted in (_normalise(label), attribute.value):
            return attribute
    allowed = ", ".join(RESPONDENT_ATTRIBUTE_LABELS.values())
    raise ValueError(f"'{text}' không hợp lệ; dùng một trong: {allowed}")


def _parse_required(text: str) -> bool:
    wanted = _normalise(text)
    if wanted in YES_WORDS:
        return True
    if wanted in NO_WORDS:
        return False
    raise ValueError(f"'{text}' không hợp lệ; ghi 'Có' hoặc để trống")


@dataclass
class _Sheet:
    """A worksheet's rows as {normalised header: text} with the row number Excel shows."""

    title: str
    headers: dict[str, str]  # normalised header → header as written
    rows: list[tuple[int, dict[str, str]]]


def _read_sheet(worksheet: Any) -> _Sheet:
    rows = iter(worksheet.iter_rows(values_only=True))
    header_row = next(rows, ())
    headers = [_cell(value) for value in header_row]
    sheet = _Sheet(worksheet.title, {_normalise(h): h for h in headers if h}, [])
    for number, values in enumerate(rows, start=2):
        texts = [_cell(value) for value in values]
        if any(texts):
            sheet.rows.append((number, {_normalise(h): t for h, t in zip(headers, texts, strict=False) if h}))
    return sheet


def _localised_columns(sheet: _Sheet, base: str, problems: list[str]) -> dict[str, str]:
    """Language → normalised header for `base` and its translations, e.g. "Nội dung (English)"."""
    columns: dict[str, str] = {}
    prefix = _normalise(base)
    for normalised, written in sheet.headers.items():
        if normalised == prefix:
            columns[DEFAULT_LANGUAGE] = normalised
        elif normalised.startswith(prefix + " (") and normalised.endswith(")"):
            language = _language_of_suffix(written.strip()[len(base) + 2 : -1])
            if language is None:
                problems.append(f"Trang tính '{sheet.title}', cột '{written}': không nhận ra ngôn ngữ")
            else:
                columns[language] = normalised
    # Vietnamese first: translations are checked against the Vietnamese options.
    return dict(sorted(columns.items(), key=lambda item: item[0] != DEFAULT_LANGUAGE))


def _localised(row: Mapping[str, str], columns: Mapping[str, str]) -> LocalisedText:
    return {language: row[header] for language, header in columns.items() if row.get(header)}


def read_questionnaire_excel(
    source: str | Path | bytes | IO[bytes],
    *,
    code: str | None = None,
    version: int | None = None,
    name: str | None = None,
) -> Questionnaire:
    """Read a workbook with at least a question sheet (`Mã câu hỏi`, `Nội dung`, `Loại`, `Yếu tố`).

    Optional sheets "Thông tin", "Yếu tố" and "Phần" carry the questionnaire's code, version, name,
    method, factor names and weights and section titles; without them `code`, `version` and `name`
    (or their defaults) are used, factors are named by their codes and sections by the `Phần` column.
    Every problem is reported at once, each naming the sheet, row and column.
    """
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | Path):
        data = Path(source).read_bytes()
    else:
        data = source.read()
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a file that is not a workbook
        raise QuestionnaireError([f"Không đọc được tệp Excel: {error}"]) from error
    sheets = {_normalise(worksheet.title): _read_sheet(worksheet) for worksheet in workbook.worksheets}
    workbook.close()
    if not sheets:
        raise QuestionnaireError(["Tệp Excel không có trang tính nào"])
    question_sheet = sheets.get(_normalise(QUESTIONS_SHEET)) or next(iter(sheets.values()))
    return _ExcelImport(sheets, question_sheet).build(code=code, version=version, name=name)


class _ExcelImport:
    def __init__(self, sheets: Mapping[str, _Sheet], question_sheet: _Sheet) -> None:
        self.sheets = sheets
        self.question_sheet = question_sheet
        self.problems: list[str] = []
        self.languages_seen: list[str] = []

    def problem(self, sheet: _Sheet, row: int | None, column: str | None, message: str) -> None:
        where = f"Trang tính '{sheet.title}'"
        if row is not None:
            where += f", dòng {row}"
        if column is not None:
            where += f", cột '{column}'"
        self.problems.append(f"{where}: {message}")

    def build(self, *, code: str | None, version: int | None, name: str | None) -> Questionnaire:
        information = self.read_information()
        languages = list(information.get("languages") or [DEFAULT_LANGUAGE])
        factors, weights = self.read_factors()
        sections, row_of_question = self.read_questions()
        if factors is None:
            used = dict.fromkeys(q.factor for s in sections for q in s.questions if q.factor)
            factors = tuple(Factor(code=factor_code, name={DEFAULT_LANGUAGE: factor_code}) for factor_code in used)
        all_languages = tuple(dict.fromkeys([*languages, *self.languages_seen]))
        method = ScoringMethod(
            factor_method=information.get("method") or FactorMethod.CRITERIA_MEAN, factor_weights=weights
        )
        questionnaire = Questionnaire(
            code=code or information.get("code") or "KHAO-SAT",
            version=version or information.get("version") or 1,
            name=({DEFAULT_LANGUAGE: name} if name else information.get("name"))
            or {DEFAULT_LANGUAGE: "Phiếu khảo sát"},
            languages=all_languages,
            method=method,
            factors=factors,
            sections=sections,
        )
        if not self.problems:
            for problem in questionnaire.problems():
                row = row_of_question.get(problem.question_code or "")
                column = FIELD_COLUMNS.get(problem.field_name or "")
                if row is None:
                    self.problems.append(problem.message)
                else:
                    self.problem(self.question_sheet, row, column, problem.message)
        if self.problems:
            raise QuestionnaireError(self.problems)
        return questionnaire

    def read_information(self) -> dict[str, Any]:
        sheet = self.sheets.get(_normalise(INFORMATION_SHEET))
        information: dict[str, Any] = {}
        if sheet is None:
            return information
        names: LocalisedText = {}
        for number, row in sheet.rows:
            values = list(row.values())
            key, value = [*values, "", ""][:2]
            normalised = _normalise(key)
            if normalised == _normalise(INFO_CODE):
                information["code"] = value
            elif normalised == _normalise(INFO_VERSION):
                if value.isdigit() and int(value) >= 1:
                    information["version"] = int(value)
                else:
                    self.problem(sheet, number, None, f"phiên bản '{value}' phải là số nguyên từ 1 trở lên")
            elif normalised == _normalise(INFO_NAME):
                names[DEFAULT_LANGUAGE] = value
            elif normalised.startswith(_normalise(INFO_NAME) + " ("):
                language = _language_of_suffix(key.strip()[len(INFO_NAME) + 2 : -1])
                if language:
                    names[language] = value
                else:
                    self.problem(sheet, number, None, f"không nhận ra ngôn ngữ của '{key}'")
            elif normalised == _normalise(INFO_LANGUAGES):
                information["languages"] = [part.strip() for part in re.split(r"[,;]", value) if part.strip()]
            elif normalised == _normalise(INFO_METHOD):
                method = next(
                    (
                        m
                        for m, label in FACTOR_METHOD_LABELS.items()
                        if _normalise(label) == _normalise(value) or value == m.value
                    ),
                    None,
                )
                if method is None:
                    allowed = ", ".join(FACTOR_METHOD_LABELS.values())
                    self.problem(sheet, number, None, f"cách tính '{value}' không hợp lệ; dùng một trong: {allowed}")
                information["method"] = method
            else:
                self.problem(sheet, number, None, f"không nhận ra thông tin '{key}'")
        if names:
            information["name"] = names
        return information

    def read_factors(self) -> tuple[tuple[Factor, ...] | None, dict[str, Decimal]]:
        sheet = self.sheets.get(_normalise(FACTORS_SHEET))
        if sheet is None:
            return None, {}
        code_header = _normalise("Mã yếu tố")
        weight_header = _normalise("Trọng số")
        names = _localised_columns(sheet, "Tên yếu tố", self.problems)
        if code_header not in sheet.headers:
            self.problem(sheet, None, None, "thiếu cột 'Mã yếu tố'")
            return (), {}
        self.check_columns(sheet, {code_header, weight_header, *names.values()})
        factors, weights = [], {}
        for number, row in sheet.rows:
            factor_code = row.get(code_header, "")
            if not factor_code:
                self.problem(sheet, number, "Mã yếu tố", "thiếu mã yếu tố")
                continue
            factors.append(Factor(code=factor_code, name=_localised(row, names)))
            self.languages_seen.extend(language for language in names if row.get(names[language]))
            if row.get(weight_header):
                try:
                    weights[factor_code] = Decimal(row[weight_header].replace(",", "."))
                except InvalidOperation:
                    self.problem(sheet, number, "Trọng số", f"'{row[weight_header]}' không phải là số")
        return tuple(factors), weights

    def check_columns(self, sheet: _Sheet, known: set[str]) -> None:
        known |= {_normalise(column) for column in IGNORED_COLUMNS}
        for normalised, written in sheet.headers.items():
            if normalised not in known:
                self.problem(sheet, 1, written, "cột không được hỗ trợ; hãy đổi tên hoặc xoá cột này")

    def read_sections(self) -> tuple[list[Section], dict[str, str]]:
        """Declared sections, and a lookup from normalised code or title to section code."""
        sheet = self.sheets.get(_normalise(SECTIONS_SHEET))
        if sheet is None:
            return [], {}
        code_header = _normalise("Mã phần")
        titles = _localised_columns(sheet, "Tên phần", self.problems)
        self.check_columns(sheet, {code_header, *titles.values()})
        sections, lookup = [], {}
        for number, row in sheet.rows:
            section_code = row.get(code_header, "")
            if not section_code:
                self.problem(sheet, number, "Mã phần", "thiếu mã phần")
                continue
            title = _localised(row, titles)
            self.languages_seen.extend(title)
            sections.append(Section(code=section_code, title=title))
            lookup[_normalise(section_code)] = section_code
            lookup.setdefault(_normalise(title.get(DEFAULT_LANGUAGE, "")), section_code)
        return sections, lookup

    def read_questions(self) -> tuple[tuple[Section, ...], dict[str, int]]:
        sheet = self.question_sheet
        problems_before = len(self.problems)
        texts = _localised_columns(sheet, TEXT_COLUMN, self.problems)
        options_columns = _localised_columns(sheet, OPTIONS_COLUMN, self.problems)
        single_columns = [SECTION_COLUMN, CODE_COLUMN, KIND_COLUMN, FACTOR_COLUMN, CRITERION_COLUMN]
        single_columns += [ATTRIBUTE_COLUMN, REQUIRED_COLUMN, CONDITION_COLUMN]
        headers = {column: _normalise(column) for column in single_columns}
        for required in (CODE_COLUMN, TEXT_COLUMN, KIND_COLUMN):
            if _normalise(required) not in sheet.headers:
                self.problem(sheet, None, None, f"thiếu cột '{required}'")
        self.check_columns(sheet, {*headers.values(), *texts.values(), *options_columns.values()})
        if len(self.problems) > problems_before:
            # Without the right columns every row would repeat the same complaint.
            return (), {}

        declared, lookup = self.read_sections()
        questions_by_section: dict[str, list[Question]] = {section.code: [] for section in declared}
        generated_titles: dict[str, str] = {}
        row_of_question: dict[str, int] = {}
        for number, row in sheet.rows:
            question = self.read_question(sheet, number, row, headers, texts, options_columns)
            if question is None:
                continue
            row_of_question.setdefault(question.code, number)
            section_text = row.get(headers[SECTION_COLUMN], "")
            section_code = lookup.get(_normalise(section_text))
            if section_code is None and declared:
                self.problem(sheet, number, SECTION_COLUMN, f"phần '{section_text}' không có trong trang tính 'Phần'")
                continue
            if section_code is None:
                section_code = self.generated_section_code(section_text, generated_titles)
            questions_by_section.setdefault(section_code, []).append(question)
        sections = [Section(s.code, s.title, tuple(questions_by_section[s.code])) for s in declared]
        sections += [
            Section(
                code=section_code,
                title={DEFAULT_LANGUAGE: title},
                questions=tuple(questions_by_section[section_code]),
            )
            for section_code, title in generated_titles.items()
        ]
        return tuple(sections), row_of_question

    @staticmethod
    def generated_section_code(text: str, generated: dict[str, str]) -> str:
        for section_code, title in generated.items():
            if _normalise(title) == _normalise(text or "Câu hỏi"):
                return section_code
        section_code = text if CODE_PATTERN.match(text or "-") and text not in generated else f"P{len(generated) + 1}"
        generated[section_code] = text or "Câu hỏi"
        return section_code

    def read_question(
        self,
        sheet: _Sheet,
        number: int,
        row: Mapping[str, str],
        headers: Mapping[str, str],
        texts: Mapping[str, str],
        options_columns: Mapping[str, str],
    ) -> Question | None:
        problems_before = len(self.problems)
        question_code = row.get(headers[CODE_COLUMN], "")
        if not question_code:
            self.problem(sheet, number, CODE_COLUMN, "thiếu mã câu hỏi")
        kind = QuestionKind.TEXT
        try:
            kind = _parse_kind(row.get(headers[KIND_COLUMN], ""))
        except ValueError as error:
            self.problem(sheet, number, KIND_COLUMN, str(error))
        options: dict[str, LocalisedText] = {}
        for language, header in options_columns.items():
            column = sheet.headers[header]
            try:
                parsed = _parse_options(row.get(header, ""))
            except ValueError as error:
                self.problem(sheet, number, column, str(error))
                continue
            if language != DEFAULT_LANGUAGE and parsed and set(parsed) - set(options):
                unknown = ", ".join(sorted(set(parsed) - set(options)))
                self.problem(sheet, number, column, f"mã lựa chọn không có ở cột '{OPTIONS_COLUMN}': {unknown}")
                continue
            for option_code, label in parsed.items():
                options.setdefault(option_code, {})[language] = label
            if parsed:
                self.languages_seen.append(language)
        attribute = None
        try:
            attribute = _parse_attribute(row.get(headers[ATTRIBUTE_COLUMN], ""))
        except ValueError as error:
            self.problem(sheet, number, ATTRIBUTE_COLUMN, str(error))
        required = False
        try:
            required = _parse_required(row.get(headers[REQUIRED_COLUMN], ""))
        except ValueError as error:
            self.problem(sheet, number, REQUIRED_COLUMN, str(error))
        condition = None
        if row.get(headers[CONDITION_COLUMN]):
            try:
                condition = Condition.parse(row[headers[CONDITION_COLUMN]])
            except ValueError as error:
                self.problem(sheet, number, CONDITION_COLUMN, str(error))
        if len(self.problems) > problems_before:
            return None
        text = _localised(row, texts)
        self.languages_seen.extend(text)
        return Question(
            code=question_code,
            text=text,
            kind=kind,
            options=options,
            factor=row.get(headers[FACTOR_COLUMN]) or None,
            criterion=row.get(headers[CRITERION_COLUMN]) or None,
            respondent_attribute=attribute,
            required=required,
            condition=condition,
        )


def _write_rows(
    worksheet: Worksheet, headers: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int]
) -> None:
    worksheet.append(list(headers))
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for values in rows:
        worksheet.append(list(values))
        for cell in worksheet[worksheet.max_row]:
            # Text that starts with "=" must stay text, never become a formula.
            if isinstance(cell.value, str):
                cell.data_type = "s"
    worksheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width


def write_questionnaire_excel(questionnaire: Questionnaire, destination: str | Path | IO[bytes]) -> None:
    """Write the workbook `read_questionnaire_excel` reads back into the same questionnaire."""
    translations = [language for language in questionnaire.languages if language != DEFAULT_LANGUAGE]
    workbook = Workbook()
    questions_sheet = workbook.active
    assert questions_sheet is not None  # a new workbook always has its first sheet
    questions_sheet.title = QUESTIONS_SHEET
    headers = [SECTION_COLUMN, CODE_COLUMN, TEXT_COLUMN]
    headers += [TEXT_COLUMN + _language_suffix(language) for language in translations]
    headers += [KIND_COLUMN, OPTIONS_COLUMN]
    headers += [OPTIONS_COLUMN + _language_suffix(language) for language in translations]
    headers += [FACTOR_COLUMN, CRITERION_COLUMN, ATTRIBUTE_COLUMN, REQUIRED_COLUMN, CONDITION_COLUMN]
    rows = []
    for section in questionnaire.sections:
        for question in section.questions:
            row: list[Any] = [section.code, question.code, question.text.get(DEFAULT_LANGUAGE, "")]
            row += [question.text.get(language, "") for language in translations]
            row += [KIND_LABELS[question.kind], _format_options(question.options, DEFAULT_LANGUAGE)]
            row += [_format_options(question.options, language) for language in translations]
            row += [
                question.factor or "",
                question.criterion or "",
                RESPONDENT_ATTRIBUTE_LABELS[question.respondent_attribute] if question.respondent_attribute else "",
                "Có" if question.required else "",
                question.condition.as_text() if question.condition else "",
            ]
            rows.append(row)
    widths = [8, 12, 60, *[50] * len(translations), 16, 40, *[36] * len(translations), 10, 30, 22, 10, 22]
    _write_rows(questions_sheet, headers, rows, widths)
    kind_column = get_column_letter(headers.index(KIND_COLUMN) + 1)
    validation = DataValidation(type="list", formula1='"' + ",".join(KIND_LABELS.values()) + '"', allow_blank=False)
    validation.add(f"{kind_column}2:{kind_column}{max(len(rows) + 1, 200)}")
    questions_sheet.add_data_validation(validation)

    weights = questionnaire.method.factor_weights
    factor_headers = [
        "Mã yếu tố",
        "Tên yếu tố",
        *["Tên yếu tố" + _language_suffix(lang) for lang in translations],
    ]
    factor_rows = [
        [
            factor.code,
            factor.name.get(DEFAULT_LANGUAGE, ""),
            *[factor.name.get(lang, "") for lang in translations],
        ]
        + ([str(weights[factor.code]) if factor.code in weights else ""] if weights else [])
        for factor in questionnaire.factors
    ]
    _write_rows(
        workbook.create_sheet(FACTORS_SHEET),
        factor_headers + (["Trọng số"] if weights else []),
        factor_rows,
        [12, 50, *[40] * len(translations), 10],
    )
    section_headers = ["Mã phần", "Tên phần", *["Tên phần" + _language_suffix(lang) for lang in translations]]
    section_rows = [
        [
            section.code,
            section.title.get(DEFAULT_LANGUAGE, ""),
            *[section.title.get(lang, "") for lang in translations],
        ]
        for section in questionnaire.sections
    ]
    _write_rows(
        workbook.create_sheet(SECTIONS_SHEET),
        section_headers,
        section_rows,
        [12, 60, *[50] * len(translations)],
    )
    information_rows: list[list[Any]] = [
        [INFO_CODE, questionnaire.code],
        [INFO_VERSION, str(questionnaire.version)],
        [INFO_NAME, questionnaire.name.get(DEFAULT_LANGUAGE, "")],
        *[
            [INFO_NAME + _language_suffix(lang), questionnaire.name[lang]]
            for lang in translations
            if lang in questionnaire.name
        ],
        [INFO_LANGUAGES, ", ".join(questionnaire.languages)],
        [INFO_METHOD, FACTOR_METHOD_LABELS[questionnaire.method.factor_method]],
    ]
    _write_rows(workbook.create_sheet(INFORMATION_SHEET), ["Thuộc tính", "Giá trị"], information_rows, [30, 60])
    if isinstance(destination, str | Path):
        workbook.save(str(destination))
    else:
        workbook.save(destination)


def questionnaire_excel_bytes(questionnaire: Questionnaire) -> bytes:
    buffer = io.BytesIO()
    write_questionnaire_excel(questionnaire, buffer)
    return buffer.getvalue()
