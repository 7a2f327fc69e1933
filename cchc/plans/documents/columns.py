"""Recognising the header of a task appendix table or a budget table, by its column titles.

Plans word their headers freely ("STT"/"TT", "Nội dung"/"Nhiệm vụ", "Cơ quan chủ trì"/"Chủ trì",
"Thời gian hoàn thành"/"Thời hạn"), sometimes on two rows ("Cơ quan thực hiện" over "Chủ trì" and
"Phối hợp"). Rules are tried in order; the first column matching a field takes it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable
from dataclasses import dataclass

from cchc.plans.documents.grid import GridCell, GridTable, is_fully_merged

NUMBER_HEADER = re.compile(r"^(?:s\.?\s?tt|tt|số tt|số thứ tự|thứ tự|số)\.?$")
NUMBERING_CELL = re.compile(r"^\(?\d{1,2}\)?$")

# (field, keywords); a header containing any keyword is that field. Order matters.
TASK_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("output", ("sản phẩm", "đầu ra", "kết quả")),
    ("deadline", ("thời gian", "thời hạn", "tiến độ", "hoàn thành")),
    ("coordinating", ("phối hợp",)),
    ("lead", ("chủ trì",)),
    ("title", ("nội dung", "nhiệm vụ", "công việc", "giải pháp", "định hướng", "hướng khắc phục", "tên")),
    ("lead", ("thực hiện", "tham mưu", "phụ trách", "trách nhiệm", "cơ quan", "đơn vị", "bộ phận")),
    ("criterion", ("tiêu chí", "chỉ số")),
    ("note", ("ghi chú",)),
)
BUDGET_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("support", ("hỗ trợ", "đề nghị", "cấp trên")),
    ("own", ("tự đảm bảo", "tự cân đối", "ngân sách", "đối ứng")),
    ("total", ("tổng", "kinh phí", "thành tiền", "số tiền", "dự toán")),
    ("item", ("nội dung", "hạng mục", "khoản", "diễn giải", "tên")),
    ("note", ("ghi chú",)),
)
TASK_DETAIL_FIELDS = ("output", "lead", "coordinating", "deadline")

COLUMN_LABELS = {
    "number": "STT",
    "title": "Nhiệm vụ",
    "output": "Sản phẩm",
    "lead": "Chủ trì",
    "coordinating": "Phối hợp",
    "deadline": "Thời gian hoàn thành",
    "criterion": "Tiêu chí",
    "item": "Nội dung",
    "total": "Tổng kinh phí",
    "own": "Ngân sách tự đảm bảo",
    "support": "Đề nghị hỗ trợ",
}


@dataclass
class TableHeader:
    """Where the header sits in a table and which column holds which field."""

    kind: str  # "tasks" or "budget"
    first_row: int  # 0-based
    row_count: int
    columns: dict[str, int]
    labels: dict[int, str]  # header text by column as written, for messages
    row_signatures: list[tuple[str, ...]]  # normalised header rows, to skip repeats

    @property
    def data_start(self) -> int:
        return self.first_row + self.row_count


def normalise_header(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower().replace("\n", " ")
    return re.sub(r"\s+", " ", text).strip(" :.")


def row_signature(row: list[GridCell]) -> tuple[str, ...]:
    return tuple(normalise_header(cell.text) for cell in row)


def find_header(table: GridTable, *, search_rows: int = 6) -> TableHeader | None:
    """The first task or budget header among the first rows of ``table``."""
    for first_row in range(min(search_rows, len(table.rows))):
        best: TableHeader | None = None
        for row_count in (1, 2):
            if first_row + row_count > len(table.rows):
                break
            if row_count == 2 and not _is_two_row_header(table.rows[first_row], table.rows[first_row + 1]):
                break
            written = _header_texts(table.rows[first_row : first_row + row_count])
            texts = [normalise_header(text) for text in written]
            for kind, rules in (("tasks", TASK_RULES), ("budget", BUDGET_RULES)):
                columns = _map_columns(texts, rules)
                if not _is_valid(kind, columns):
                    continue
                candidate = TableHeader(
                    kind=kind,
                    first_row=first_row,
                    row_count=row_count,
                    columns=columns,
                    labels=dict(enumerate(written)),
                    row_signatures=[row_signature(row) for row in table.rows[first_row : first_row + row_count]],
                )
                if best is None or len(columns) > len(best.columns):
                    best = candidate
                break
        if best is not None:
            return best
    return None


def is_header_repeat(row: list[GridCell], header: TableHeader) -> bool:
    signature = row_signature(row)
    return any(signature == header_signature for header_signature in header.row_signatures)


def is_numbering_row(row: list[GridCell]) -> bool:
    """The row "(1) (2) (3) …" or "1 2 3 …" printed under a header."""
    texts = [cell.text.strip() for cell in _distinct_cells(row) if cell.text.strip()]
    return len(texts) >= 3 and all(NUMBERING_CELL.match(text) for text in texts) and len(set(texts)) == len(texts)


def _is_two_row_header(upper: list[GridCell], lower: list[GridCell]) -> bool:
    """A second header row hangs under a merged cell: some cell spans both rows or spans columns."""
    if is_fully_merged(upper) or is_fully_merged(lower):
        return False
    for column in range(min(len(upper), len(lower))):
        if upper[column].origin == lower[column].origin:
            return True
        spans_columns = column + 1 < len(upper) and upper[column + 1].origin == upper[column].origin
        if spans_columns and lower[column + 1].origin != lower[column].origin:
            return True
    return False


def _header_texts(rows: list[list[GridCell]]) -> list[str]:
    """Column texts (as written) of one or two header rows, a vertically merged cell read once."""
    width = max(len(row) for row in rows)
    texts: list[str] = []
    for column in range(width):
        parts: list[str] = []
        seen: set[Hashable] = set()
        for row in rows:
            cell = row[column]
            if cell.origin not in seen and cell.text:
                parts.append(cell.text.replace("\n", " "))
            seen.add(cell.origin)
        texts.append(" ".join(parts))
    return texts


def _map_columns(texts: list[str], rules: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, text in enumerate(texts):
        if not text:
            continue
        if NUMBER_HEADER.match(text):
            columns.setdefault("number", index)
            continue
        for field_name, keywords in rules:
            if any(keyword in text for keyword in keywords):
                if field_name not in columns:
                    columns[field_name] = index
                break
    return columns


def _is_valid(kind: str, columns: dict[str, int]) -> bool:
    if kind == "tasks":
        details = sum(field_name in columns for field_name in TASK_DETAIL_FIELDS)
        return "title" in columns and details >= 2
    return "item" in columns and "total" in columns


def _distinct_cells(row: list[GridCell]) -> list[GridCell]:
    seen: set[Hashable] = set()
    cells: list[GridCell] = []
    for cell in row:
        if cell.origin not in seen:
            cells.append(cell)
        seen.add(cell.origin)
    return cells
