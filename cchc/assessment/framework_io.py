"""Criteria sets (bộ tiêu chí) as data: JSON and Excel import and export, with validation.

Both formats hold one row per node, parents before children in the export; a node's parent is derived
from its code ("3.4.1" → "3.4"). Excel layout:

- sheet «Tiêu chí», header on row 1, then one row per node, columns (the first five are required):
  ``Mã``, ``Tên tiêu chí``, ``Điểm tối đa``, ``Cách chấm`` (a kind code such as ``tiers`` or its
  Vietnamese word: Thủ công, Đạt/Không đạt, Theo bậc, Tỷ lệ, Trừ điểm, Điểm thưởng, Từ chỉ số),
  ``Tham số`` (a JSON object), ``Điều tra xã hội học`` (x when the points come from a survey),
  ``Minh chứng yêu cầu``, ``Vị trí tham mưu``, ``Hướng khắc phục``, ``Thời gian khắc phục``,
  ``Công sức`` (the remediation effort, default 1);
- sheet «Thông tin», label in column A and value in column B: Mã bộ tiêu chí, Tên bộ tiêu chí, Từ năm,
  Đến năm, Loại đơn vị áp dụng (codes separated by commas), Quyết định ban hành, Bộ mẫu (Có/Không),
  Tổng điểm.

Rules checked on import (every problem is reported, each naming its row, and nothing is returned):
an empty ``Cách chấm`` on a leaf means manual points within [0, max]; parents carry no rule and no
parameters; a parent's maximum equals the sum of its children's maxima, **bonus leaves excluded**
(their points come on top of the maximum); the areas add up to the set's total (``Tổng điểm``).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from cchc.assessment.ranking import CriterionNode, parent_code, walk_tree
from cchc.assessment.scoring import (
    KIND_LABELS,
    MANUAL,
    ScoringError,
    format_number,
    parse_kind,
    to_decimal,
    validate_params,
)

FORMAT_NAME = "cchc-criteria-set"
FORMAT_VERSION = 1
CRITERIA_SHEET = "Tiêu chí"
INFO_SHEET = "Thông tin"
SAMPLES_DIRECTORY = Path(__file__).resolve().parent / "data"

# (field, Excel header); JSON uses the field names.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", "Mã"),
    ("title", "Tên tiêu chí"),
    ("max_points", "Điểm tối đa"),
    ("rule", "Cách chấm"),
    ("params", "Tham số"),
    ("survey", "Điều tra xã hội học"),
    ("evidence_required", "Minh chứng yêu cầu"),
    ("advising_position", "Vị trí tham mưu"),
    ("remediation_hint", "Hướng khắc phục"),
    ("timeframe", "Thời gian khắc phục"),
    ("effort", "Công sức"),
)
REQUIRED_COLUMNS = ("code", "title", "max_points", "rule", "params")
INFO_FIELDS: tuple[tuple[str, str], ...] = (
    ("code", "Mã bộ tiêu chí"),
    ("name", "Tên bộ tiêu chí"),
    ("year_from", "Từ năm"),
    ("year_to", "Đến năm"),
    ("unit_kinds", "Loại đơn vị áp dụng"),
    ("decision", "Quyết định ban hành"),
    ("is_sample", "Bộ mẫu"),
    ("total_points", "Tổng điểm"),
)
_TEXT_FIELDS = ("evidence_required", "advising_position", "remediation_hint", "timeframe")
_CODE_PATTERN = re.compile(r"^\d+(\.\d+)*$")
_TRUE_WORDS = {"x", "có", "co", "1", "true", "yes", "đúng", "dung"}
_FALSE_WORDS = {"", "không", "khong", "0", "false", "no", "sai"}


@dataclass
class CriteriaSet:
    """A versioned criteria set: valid for years ``year_from``–``year_to`` and the listed unit kinds."""

    code: str
    name: str
    year_from: int
    year_to: int | None = None
    unit_kinds: list[str] = field(default_factory=list)
    decision: str = ""
    is_sample: bool = False
    total_points: Decimal = Decimal(100)
    nodes: list[CriterionNode] = field(default_factory=list)

    def walk(self) -> Iterator[CriterionNode]:
        return walk_tree(self.nodes)

    def leaves(self) -> list[CriterionNode]:
        return [node for node in self.walk() if node.is_leaf]

    def find(self, code: str) -> CriterionNode | None:
        return next((node for node in self.walk() if node.code == code), None)

    def applies_to_year(self, year: int) -> bool:
        return self.year_from <= year and (self.year_to is None or year <= self.year_to)

    def computed_total(self) -> Decimal:
        return sum((node.max_points for node in self.nodes if not node.is_bonus), Decimal(0))

    def survey_points(self) -> Decimal:
        return sum((node.max_points for node in self.leaves() if node.survey and not node.is_bonus), Decimal(0))


class FrameworkImportError(ValueError):
    """A criteria set that cannot be accepted; ``errors`` lists every problem in Vietnamese."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


# --- values -------------------------------------------------------------------------------------


def canonical_params(value: Any) -> Any:
    """JSON parameters with every number as a Decimal, so that equal sets compare equal."""
    if isinstance(value, Mapping):
        return {str(key): canonical_params(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical_params(item) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal):
        return to_decimal(value)
    raise ValueError(f"giá trị «{value}» không dùng được trong tham số")


def _plain(value: Any) -> Any:
    # JSON has no Decimal; integral values become ints and the rest floats, exact for point values.
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def params_to_json(params: Mapping[str, Any]) -> str:
    return json.dumps(_plain(dict(params)), ensure_ascii=False) if params else ""


def _parse_json_text(text: str) -> Any:
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _has_two_decimals_at_most(value: Decimal) -> bool:
    return value == value.quantize(Decimal("0.01"))


# --- rows → nodes -------------------------------------------------------------------------------


@dataclass
class _Row:
    location: str
    values: dict[str, object]


@dataclass
class _Source:
    """How error messages name a place: "Dòng 7, cột «Mã»" for Excel, "Mục 7, trường «code»" for JSON."""

    column_word: str
    column_names: dict[str, str]

    def at(self, location: str, field_name: str | None = None) -> str:
        if field_name is None:
            return location
        return f"{location}, {self.column_word} «{self.column_names[field_name]}»"


_EXCEL = _Source("cột", dict(COLUMNS))
_JSON = _Source("trường", {name: name for name, _ in COLUMNS})


def _parse_bool(raw: object) -> bool | None:
    if isinstance(raw, bool):
        return raw
    text = _cell_text(raw).casefold()
    if text in _TRUE_WORDS:
        return True
    if text in _FALSE_WORDS:
        return False
    return None


def _parse_row(row: _Row, source: _Source, errors: list[str]) -> CriterionNode | None:
    values = row.values
    failed = False

    def error(field_name: str | None, message: str) -> None:
        nonlocal failed
        failed = True
        errors.append(f"{source.at(row.location, field_name)}: {message}")

    code = _cell_text(values.get("code"))
    if not code:
        error("code", "thiếu mã tiêu chí")
    elif not _CODE_PATTERN.match(code):
        error("code", f"mã «{code}» không hợp lệ (dạng 3, 3.4, 3.4.1)")
    title = _cell_text(values.get("title"))
    if not title:
        error("title", "thiếu tên tiêu chí")
    max_points = Decimal(0)
    raw_max = values.get("max_points")
    if raw_max is None or _cell_text(raw_max) == "":
        error("max_points", "thiếu điểm tối đa")
    else:
        try:
            max_points = to_decimal(raw_max)
        except ScoringError:
            error("max_points", f"«{raw_max}» không phải là số")
        else:
            if max_points < 0:
                error("max_points", f"điểm tối đa {format_number(max_points)} không được âm")
            elif not _has_two_decimals_at_most(max_points):
                error("max_points", f"điểm tối đa «{raw_max}» có quá hai chữ số thập phân")
    rule_kind: str | None = None
    rule_text = _cell_text(values.get("rule"))
    if rule_text:
        rule_kind = parse_kind(rule_text)
        if rule_kind is None:
            accepted = ", ".join(f"«{label}»" for label in KIND_LABELS.values())
            error("rule", f"cách chấm «{rule_text}» không hợp lệ; dùng một trong: {accepted}")
    params: dict[str, Any] = {}
    raw_params = values.get("params")
    try:
        parsed = _parse_json_text(raw_params) if isinstance(raw_params, str) and raw_params.strip() else raw_params
        if parsed is None or parsed == "":
            parsed = {}
        if not isinstance(parsed, Mapping):
            error("params", 'tham số phải là một đối tượng JSON, ví dụ {"full_at": 80}')
        else:
            params = canonical_params(parsed)
    except json.JSONDecodeError as problem:
        error("params", f"tham số không phải JSON hợp lệ ({problem.msg}, ký tự {problem.pos + 1})")
    except ValueError as problem:
        error("params", str(problem))
    survey = _parse_bool(values.get("survey"))
    if survey is None:
        error("survey", f"«{values.get('survey')}» không hợp lệ; ghi «x» nếu điểm lấy từ điều tra xã hội học")
    effort = Decimal(1)
    raw_effort = values.get("effort")
    if raw_effort is not None and _cell_text(raw_effort) != "":
        try:
            effort = to_decimal(raw_effort)
        except ScoringError:
            error("effort", f"«{raw_effort}» không phải là số")
        else:
            if effort < 0:
                error("effort", "công sức không được âm")
    texts = {name: _cell_text(values.get(name)) for name in _TEXT_FIELDS}
    if failed:
        return None
    return CriterionNode(
        code=code,
        title=title,
        max_points=max_points,
        rule_kind=rule_kind,
        params=params,
        survey=bool(survey),
        effort=effort,
        evidence_required=texts["evidence_required"],
        advising_position=texts["advising_position"],
        remediation_hint=texts["remediation_hint"],
        timeframe=texts["timeframe"],
    )


def _assemble(
    parsed: Sequence[tuple[CriterionNode, str]], source: _Source, errors: list[str]
) -> tuple[list[CriterionNode], dict[str, str]]:
    """The tree from flat nodes, parents found by code; children keep their row order."""
    by_code: dict[str, CriterionNode] = {}
    locations: dict[str, str] = {}
    for node, location in parsed:
        if node.code in by_code:
            errors.append(f"{source.at(location, 'code')}: mã {node.code} trùng với {locations[node.code].lower()}")
            continue
        by_code[node.code] = node
        locations[node.code] = location
    roots: list[CriterionNode] = []
    for code, node in by_code.items():
        parent = parent_code(code)
        if parent is None:
            roots.append(node)
        elif parent in by_code:
            by_code[parent].children.append(node)
        else:
            errors.append(f"{source.at(locations[code], 'code')}: tiêu chí {code} không có tiêu chí cha {parent}")
    return roots, locations


def _check_tree(
    roots: Sequence[CriterionNode],
    total_points: Decimal | None,
    locations: Mapping[str, str],
    source: _Source,
) -> list[str]:
    errors: list[str] = []
    for node in walk_tree(roots):
        location = locations.get(node.code, f"Tiêu chí {node.code}")
        if node.is_leaf:
            kind = node.rule_kind or MANUAL
            for problem in validate_params(kind, node.params, node.max_points):
                errors.append(f"{source.at(location, 'params')}: tiêu chí {node.code}: {problem}")
            continue
        if node.rule_kind is not None:
            errors.append(
                f"{source.at(location, 'rule')}: tiêu chí {node.code} có tiêu chí con nên không được có "
                f"cách chấm (đang là «{KIND_LABELS.get(node.rule_kind, node.rule_kind)}»)"
            )
        if node.params:
            errors.append(f"{source.at(location, 'params')}: tiêu chí {node.code} có tiêu chí con nên không có tham số")
        if node.survey:
            errors.append(
                f"{source.at(location, 'survey')}: chỉ đánh dấu điều tra xã hội học ở tiêu chí không có tiêu chí con"
            )
        for child in node.children:
            if parent_code(child.code) != node.code:
                errors.append(f"{location}: tiêu chí {child.code} không thể là tiêu chí con của {node.code}")
        children_sum = node.children_sum()
        if children_sum != node.max_points:
            errors.append(
                f"{location}: tiêu chí {node.code} có tổng điểm con {format_number(children_sum, 2)} "
                f"khác điểm tối đa {format_number(node.max_points, 2)}"
            )
    for root in roots:
        if parent_code(root.code) is not None:
            errors.append(f"{locations.get(root.code, root.code)}: lĩnh vực phải có mã một cấp (đang là {root.code})")
    computed = sum((root.max_points for root in roots if not root.is_bonus), Decimal(0))
    if total_points is not None and computed != total_points:
        errors.append(
            f"Tổng điểm các lĩnh vực {format_number(computed, 2)} khác tổng điểm của bộ tiêu chí "
            f"{format_number(total_points, 2)}"
        )
    return errors


def _normalise_leaf_rules(roots: Sequence[CriterionNode]) -> None:
    # An empty rule on a leaf means manual points; stored explicitly so export and import agree.
    for node in walk_tree(roots):
        if node.is_leaf and node.rule_kind is None:
            node.rule_kind = MANUAL


def validate_criteria_set(criteria_set: CriteriaSet) -> list[str]:
    """Problems of a set built in code; places are named by position in the tree ("Mục 7")."""
    locations: dict[str, str] = {}
    errors: list[str] = []
    for position, node in enumerate(criteria_set.walk(), start=1):
        location = f"Mục {position}"
        if not _CODE_PATTERN.match(node.code):
            errors.append(f"{location}: mã «{node.code}» không hợp lệ (dạng 3, 3.4, 3.4.1)")
        if node.code in locations:
            errors.append(f"{location}: mã {node.code} trùng với {locations[node.code].lower()}")
        else:
            locations[node.code] = location
        if not node.title.strip():
            errors.append(f"{location}: tiêu chí {node.code} thiếu tên")
        if node.max_points < 0 or not _has_two_decimals_at_most(node.max_points):
            errors.append(
                f"{location}: điểm tối đa của tiêu chí {node.code} phải không âm, tối đa hai chữ số thập phân"
            )
        if node.effort < 0:
            errors.append(f"{location}: công sức của tiêu chí {node.code} không được âm")
    errors.extend(_metadata_problems(criteria_set))
    errors.extend(_check_tree(criteria_set.nodes, criteria_set.total_points, locations, _JSON))
    return errors


def _metadata_problems(criteria_set: CriteriaSet) -> list[str]:
    errors: list[str] = []
    if not criteria_set.code.strip():
        errors.append("Thiếu mã bộ tiêu chí")
    if not criteria_set.name.strip():
        errors.append("Thiếu tên bộ tiêu chí")
    if criteria_set.year_to is not None and criteria_set.year_to < criteria_set.year_from:
        errors.append(f"Năm kết thúc {criteria_set.year_to} trước năm bắt đầu {criteria_set.year_from}")
    return errors


# --- metadata -----------------------------------------------------------------------------------


def _parse_metadata(
    values: Mapping[str, object], place: Callable[[str], str], errors: list[str]
) -> dict[str, Any] | None:
    start = len(errors)
    result: dict[str, Any] = {}
    for name in ("code", "name", "decision"):
        result[name] = _cell_text(values.get(name))
    for name in ("code", "name"):
        if not result[name]:
            errors.append(f"{place(name)}: bắt buộc phải có")
    for name in ("year_from", "year_to"):
        raw = values.get(name)
        text = _cell_text(raw)
        if not text:
            result[name] = None
            if name == "year_from":
                errors.append(f"{place(name)}: bắt buộc phải có")
            continue
        if not text.isdigit() or not 1900 <= int(text) <= 2200:
            errors.append(f"{place(name)}: «{raw}» không phải là năm")
            continue
        result[name] = int(text)
    if result.get("year_from") and result.get("year_to") and result["year_to"] < result["year_from"]:
        errors.append(f"{place('year_to')}: năm {result['year_to']} trước năm bắt đầu {result['year_from']}")
    raw_kinds = values.get("unit_kinds")
    if isinstance(raw_kinds, list):
        result["unit_kinds"] = [str(kind).strip() for kind in raw_kinds if str(kind).strip()]
    else:
        result["unit_kinds"] = [part.strip() for part in re.split(r"[,;]", _cell_text(raw_kinds)) if part.strip()]
    is_sample = _parse_bool(values.get("is_sample"))
    if is_sample is None:
        errors.append(f"{place('is_sample')}: «{values.get('is_sample')}» không hợp lệ; ghi Có hoặc Không")
    result["is_sample"] = bool(is_sample)
    raw_total = values.get("total_points")
    if raw_total is None or _cell_text(raw_total) == "":
        result["total_points"] = Decimal(100)
    else:
        try:
            result["total_points"] = to_decimal(raw_total)
        except ScoringError:
            errors.append(f"{place('total_points')}: «{raw_total}» không phải là số")
    return result if len(errors) == start else None


def _build(metadata: dict[str, Any] | None, rows: Sequence[_Row], source: _Source, errors: list[str]) -> CriteriaSet:
    parsed: list[tuple[CriterionNode, str]] = []
    for row in rows:
        node = _parse_row(row, source, errors)
        if node is not None:
            parsed.append((node, row.location))
    if not rows:
        errors.append("Bộ tiêu chí không có tiêu chí nào")
    roots, locations = _assemble(parsed, source, errors)
    if len(parsed) == len(rows):
        total = metadata["total_points"] if metadata is not None else None
        errors.extend(_check_tree(roots, total, locations, source))
    if errors or metadata is None:
        raise FrameworkImportError(errors)
    _normalise_leaf_rules(roots)
    return CriteriaSet(nodes=roots, **metadata)


# --- JSON ---------------------------------------------------------------------------------------


def criteria_set_to_dict(criteria_set: CriteriaSet) -> dict[str, Any]:
    """A JSON-ready dict; optional node fields are left out when they hold their defaults."""
    criteria: list[dict[str, Any]] = []
    for node in criteria_set.walk():
        item: dict[str, Any] = {"code": node.code, "title": node.title, "max_points": _plain(node.max_points)}
        if node.is_leaf:
            item["rule"] = node.rule_kind or MANUAL
        if node.params:
            item["params"] = _plain(node.params)
        if node.survey:
            item["survey"] = True
        for name in _TEXT_FIELDS:
            if getattr(node, name):
                item[name] = getattr(node, name)
        if node.effort != 1:
            item["effort"] = _plain(node.effort)
        criteria.append(item)
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "code": criteria_set.code,
        "name": criteria_set.name,
        "year_from": criteria_set.year_from,
        "year_to": criteria_set.year_to,
        "unit_kinds": list(criteria_set.unit_kinds),
        "decision": criteria_set.decision,
        "is_sample": criteria_set.is_sample,
        "total_points": _plain(criteria_set.total_points),
        "criteria": criteria,
    }


def criteria_set_from_dict(data: Mapping[str, Any]) -> CriteriaSet:
    errors: list[str] = []
    if data.get("format", FORMAT_NAME) != FORMAT_NAME:
        raise FrameworkImportError([f"Trường «format» phải là «{FORMAT_NAME}»"])
    metadata = _parse_metadata(data, lambda name: f"Trường «{name}»", errors)
    criteria = data.get("criteria")
    if not isinstance(criteria, list):
        raise FrameworkImportError([*errors, "Trường «criteria» phải là danh sách các tiêu chí"])
    rows: list[_Row] = []
    for position, item in enumerate(criteria, start=1):
        if not isinstance(item, Mapping):
            errors.append(f"Mục {position}: mỗi tiêu chí phải là một đối tượng JSON")
            continue
        unknown = sorted(set(item) - {name for name, _ in COLUMNS})
        if unknown:
            errors.append(f"Mục {position}: trường không hợp lệ: " + ", ".join(f"«{name}»" for name in unknown))
        rows.append(_Row(f"Mục {position}", dict(item)))
    return _build(metadata, rows, _JSON, errors)


def criteria_set_to_json(criteria_set: CriteriaSet) -> str:
    return json.dumps(criteria_set_to_dict(criteria_set), ensure_ascii=False, indent=2) + "\n"


def criteria_set_from_json(text: str | bytes) -> CriteriaSet:
    try:
        data = _parse_json_text(text.decode("utf-8") if isinstance(text, bytes) else text)
    except (json.JSONDecodeError, UnicodeDecodeError) as problem:
        raise FrameworkImportError([f"Tệp không phải JSON hợp lệ: {problem}"]) from None
    if not isinstance(data, Mapping):
        raise FrameworkImportError(["Tệp JSON phải là một đối tượng có các trường của bộ tiêu chí"])
    return criteria_set_from_dict(data)


def load_json(path: Path | str) -> CriteriaSet:
    return criteria_set_from_json(Path(path).read_bytes())


def sample_paths() -> list[Path]:
    return sorted(SAMPLES_DIRECTORY.glob("*.json"))


def load_samples() -> list[CriteriaSet]:
    """The sample criteria sets shipped with CCHC, each named «Mẫu – …» and marked ``is_sample``."""
    return [load_json(path) for path in sample_paths()]


# --- Excel --------------------------------------------------------------------------------------


def write_excel(criteria_set: CriteriaSet, target: Path | str | IO[bytes]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = CRITERIA_SHEET
    sheet.append([header for _, header in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for node in criteria_set.walk():
        row = sheet.max_row + 1
        values = [
            node.code,
            node.title,
            node.max_points,
            KIND_LABELS[node.rule_kind or MANUAL] if node.is_leaf else None,
            params_to_json(node.params) or None,
            "x" if node.survey else None,
            *(getattr(node, name) or None for name in _TEXT_FIELDS),
            node.effort,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            if isinstance(value, str):
                # A title starting with "=" is text, not a formula.
                cell.data_type = "s"
        # Codes stay text: typed as numbers, Excel would turn 3.10 into 3.1.
        sheet.cell(row=row, column=1).number_format = "@"
        sheet.cell(row=row, column=3).number_format = "0.00"
        if not node.is_leaf:
            for column in (1, 2, 3):
                sheet.cell(row=row, column=column).font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJK", (10, 60, 12, 16, 40, 12, 40, 24, 40, 28, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    info = workbook.create_sheet(INFO_SHEET)
    metadata: dict[str, object] = {
        "code": criteria_set.code,
        "name": criteria_set.name,
        "year_from": criteria_set.year_from,
        "year_to": criteria_set.year_to,
        "unit_kinds": ", ".join(criteria_set.unit_kinds),
        "decision": criteria_set.decision,
        "is_sample": "Có" if criteria_set.is_sample else "Không",
        "total_points": criteria_set.total_points,
    }
    for name, label in INFO_FIELDS:
        info.append([label, metadata[name]])
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 80
    workbook.save(target)


def excel_bytes(criteria_set: CriteriaSet) -> bytes:
    buffer = io.BytesIO()
    write_excel(criteria_set, buffer)
    return buffer.getvalue()


def _header_key(text: object) -> str:
    return _cell_text(text).casefold()


def read_excel(source: Path | str | IO[bytes]) -> CriteriaSet:
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not an .xlsx workbook
        raise FrameworkImportError(["Tệp không phải là bảng tính Excel (.xlsx) hợp lệ"]) from None
    try:
        return _read_workbook(workbook)
    finally:
        workbook.close()


def _read_workbook(workbook: Any) -> CriteriaSet:
    errors: list[str] = []
    if CRITERIA_SHEET not in workbook.sheetnames:
        raise FrameworkImportError([f"Thiếu trang «{CRITERIA_SHEET}» chứa danh sách tiêu chí"])
    rows_iter = workbook[CRITERIA_SHEET].iter_rows(values_only=True)
    header = next(rows_iter, None) or ()
    by_header = {_header_key(header_cell): name for name, header_cell in COLUMNS}
    positions: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = by_header.get(_header_key(cell))
        if name is not None and name not in positions:
            positions[name] = position
    missing = [dict(COLUMNS)[name] for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        names = ", ".join(f"«{name}»" for name in missing)
        raise FrameworkImportError([f"Trang «{CRITERIA_SHEET}», dòng 1: thiếu cột {names}"])
    rows: list[_Row] = []
    for number, cells in enumerate(rows_iter, start=2):
        if all(_cell_text(cell) == "" for cell in cells):
            continue
        values = {name: cells[position] if position < len(cells) else None for name, position in positions.items()}
        rows.append(_Row(f"Dòng {number}", values))
    metadata = None
    if INFO_SHEET not in workbook.sheetnames:
        errors.append(f"Thiếu trang «{INFO_SHEET}» (mã, tên, năm áp dụng của bộ tiêu chí)")
    else:
        info_values: dict[str, object] = {}
        info_rows: dict[str, int] = {}
        by_label = {_header_key(label): name for name, label in INFO_FIELDS}
        for number, cells in enumerate(workbook[INFO_SHEET].iter_rows(values_only=True), start=1):
            if not cells:
                continue
            name = by_label.get(_header_key(cells[0]))
            if name is not None:
                info_values[name] = cells[1] if len(cells) > 1 else None
                info_rows[name] = number
        labels = dict(INFO_FIELDS)

        def place(name: str) -> str:
            if name in info_rows:
                return f"Trang «{INFO_SHEET}», dòng {info_rows[name]} («{labels[name]}»)"
            return f"Trang «{INFO_SHEET}», «{labels[name]}»"

        metadata = _parse_metadata(info_values, place, errors)
    return _build(metadata, rows, _EXCEL, errors)
