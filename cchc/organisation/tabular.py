"""Reading and writing simple tables (.xlsx or .csv) shared by every importer and exporter.

Rows come with the number the user sees in Excel (the header is row 1), so errors can name them.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter


class TableError(ValueError):
    """The file itself cannot be read (not a table, wrong columns); the message is in Vietnamese."""


def normalise_header(text: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text or "")).replace("\ufeff", "").split()).casefold()


def _cell_text(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return value


def read_table(
    source: str | Path | IO[bytes], filename: str | None = None
) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """Return (headers, rows) where rows yields (excel_row_number, values)."""
    name = str(filename or getattr(source, "name", None) or source).lower()
    data: bytes
    data = Path(source).read_bytes() if isinstance(source, str | Path) else source.read()
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        return _read_workbook(data)
    if name.endswith((".csv", ".txt")):
        return _read_csv(data)
    if data[:2] == b"PK":
        return _read_workbook(data)
    return _read_csv(data)


def _read_workbook(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as error:  # calamine raises several kinds for a damaged file
        raise TableError(f"Không đọc được tệp Excel: {error}") from error
    if not rows:
        raise TableError("Tệp không có dữ liệu.")
    headers = [str(_cell_text(value) or "") for value in rows[0]]

    def iterate() -> Iterator[tuple[int, list[Any]]]:
        for index, row in enumerate(rows[1:], start=2):
            values = [_cell_text(value) for value in row]
            if any(value not in ("", None) for value in values):
                yield index, values

    return headers, iterate()


def _read_csv(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TableError("Tệp CSV phải được lưu với bảng mã UTF-8.") from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = [str(_cell_text(value)) for value in next(reader)]
    except StopIteration as error:
        raise TableError("Tệp không có dữ liệu.") from error

    def iterate() -> Iterator[tuple[int, list[Any]]]:
        for index, row in enumerate(reader, start=2):
            values = [_cell_text(value) for value in row]
            if any(value not in ("", None) for value in values):
                yield index, values

    return headers, iterate()


def column_indexes(headers: Sequence[str], required: Sequence[str], optional: Sequence[str] = ()) -> dict[str, int]:
    """Map expected column names to positions; a missing required column is a TableError naming it."""
    positions = {normalise_header(header): index for index, header in enumerate(headers)}
    found: dict[str, int] = {}
    missing = []
    for column in required:
        key = normalise_header(column)
        if key in positions:
            found[column] = positions[key]
        else:
            missing.append(column)
    if missing:
        raise TableError("Thiếu cột: " + ", ".join(f"«{column}»" for column in missing) + ".")
    for column in optional:
        key = normalise_header(column)
        if key in positions:
            found[column] = positions[key]
    return found


def write_xlsx(
    headers: Sequence[str], rows: Sequence[Sequence[Any]] | Iterator[Sequence[Any]], sheet_title: str = "Dữ liệu"
) -> bytes:
    """A plain, readable workbook: bold header, frozen first row, sensible column widths."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_title[:31]
    sheet.append(list(headers))
    widths = [len(str(header)) for header in headers]
    for row in rows:
        values = list(row)
        sheet.append(values)
        for index, value in enumerate(values[: len(widths)]):
            widths[index] = max(widths[index], min(60, len(str(value if value is not None else ""))))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width + 2
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]] | Iterator[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    # A BOM so that Excel opens the UTF-8 Vietnamese text correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
