"""Opening a register file (CSV or spreadsheet): its header row, then its rows of raw cells.

Row numbers are the ones a spreadsheet shows: the header row's number plus the record's position,
counting blank rows; a quoted multi-line CSV cell stays in one row, as when the file is opened in
Excel.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path

from cchc.dossiers.parsing import (
    DEFAULT_PROFILE,
    EXTRA_CELLS_KEY,
    FIELD_NAMES,
    MAX_HEADER_SEARCH_ROWS,
    ImportFileError,
    ImportProfile,
    normalise_header,
)

# Header matching.


@dataclass(frozen=True, slots=True)
class HeaderMap:
    row: int  # row number of the header, as the spreadsheet shows it
    columns: dict[str, int]  # field name → column index


def match_header(cells: Iterable[object], profile: ImportProfile) -> tuple[dict[str, int], list[str]]:
    """Field → column index for one candidate header row, plus duplicated-header messages."""
    aliases = profile.aliases()
    columns: dict[str, int] = {}
    duplicates: list[str] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, str):
            continue
        field_name = aliases.get(normalise_header(cell))
        if field_name is None:
            continue
        if field_name in columns:
            duplicates.append(f"Cột «{profile.label(field_name)}» xuất hiện nhiều lần")
        else:
            columns[field_name] = index
    return columns, duplicates


def find_header(rows: Iterable[tuple[int, list[object]]], profile: ImportProfile) -> HeaderMap:
    """The first of the leading rows holding every required header; title rows above it are skipped."""
    best: dict[str, int] = {}
    seen_any = False
    for row_number, cells in rows:
        seen_any = seen_any or any(cell not in ("", None) for cell in cells)
        columns, duplicates = match_header(cells, profile)
        if profile.required <= columns.keys():
            if duplicates:
                raise ImportFileError(duplicates)
            return HeaderMap(row_number, columns)
        if len(columns) > len(best):
            best = columns
    if not seen_any:
        raise ImportFileError(["Tệp không có dữ liệu"])
    missing = [profile.label(name) for name in FIELD_NAMES if name in profile.required and name not in best]
    listed = ", ".join(f"«{label}»" for label in missing)
    raise ImportFileError([f"Tệp thiếu cột bắt buộc: {listed}"], missing_headers=missing)


# Reading files.


@dataclass(slots=True)
class Table:
    header: HeaderMap
    width: int  # cells in the header row
    first_row: int  # number of the first data row; the following ones count up, blank ones included
    rows: Iterator[list[object]]
    native: bool = False  # cells may be numbers, booleans and dates (spreadsheets), not only text


def is_blank(cells: list[object]) -> bool:
    if not cells:
        return True
    first = cells[0]
    if type(first) is str:
        if first and not first.isspace():
            return False
    elif first is not None:
        return False
    return all(cell is None or (type(cell) is str and (not cell or cell.isspace())) for cell in cells)


def _make_table(records: Iterator[list[object]], profile: ImportProfile, *, native: bool = False) -> Table:
    """`records` are all the rows of the file from the first, so a row's number is its position."""
    leading = list(islice(records, MAX_HEADER_SEARCH_ROWS))
    header = find_header(enumerate(leading, start=1), profile)
    width = len(leading[header.row - 1])
    return Table(header, width, header.row + 1, chain(leading[header.row :], records), native)


def _sniff_delimiter(path: Path, profile: ImportProfile) -> str:
    with path.open(encoding="utf-8-sig", newline="", errors="replace") as handle:
        sample = handle.read(256 * 1024)
    lines = sample.splitlines()[:MAX_HEADER_SEARCH_ROWS]
    best_delimiter, best_count = ",", -1
    for delimiter in (",", ";"):
        for cells in csv.reader(lines, delimiter=delimiter):
            columns, _ = match_header(cells, profile)
            if profile.required <= columns.keys():
                return delimiter
            if len(columns) > best_count:
                best_delimiter, best_count = delimiter, len(columns)
    return best_delimiter


class _LineFeed:
    """The csv module's input: a line handed back first, then the file's next lines."""

    __slots__ = ("lines", "pending")

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.pending: str | None = None

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        pending = self.pending
        if pending is not None:
            self.pending = None
            return pending
        return next(self.lines)


def _csv_cells(path: Path, delimiter: str) -> Iterator[list[object]]:
    """Records as lists of cells.

    A line without a quote character is exactly its cells joined by the delimiter, so `str.split`
    reads it (at a fraction of the csv module's cost); a line with one goes to the csv module, which
    pulls further lines itself while a quoted cell spans them. Each record is one row, however many
    physical lines it takes.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = iter(handle)
        feed = _LineFeed(lines)
        reader = csv.reader(feed, delimiter=delimiter)
        row_number = 0
        try:
            for line in lines:
                row_number += 1
                if '"' in line:
                    feed.pending = line
                    yield next(reader)  # type: ignore[misc, arg-type]
                else:
                    yield line.rstrip("\r\n").split(delimiter)  # type: ignore[misc]
        except UnicodeDecodeError as error:
            raise ImportFileError(
                [f"Tệp không được mã hóa UTF-8 (lỗi ở byte {error.start}); hãy lưu lại dạng «CSV UTF-8»"]
            ) from error
        except csv.Error as error:
            raise ImportFileError([f"Tệp CSV hỏng ở dòng {row_number}: {error}"]) from error


def _spreadsheet_cells(path: Path) -> Iterator[list[object]]:
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    except Exception as error:  # calamine raises several private exception types
        raise ImportFileError([f"Không đọc được tệp bảng tính: {error}"]) from error
    # calamine's iter_rows starts at the sheet's first row even when it is empty, so position = row.
    return sheet.iter_rows()  # type: ignore[return-value]


def open_table(path: str | Path, profile: ImportProfile) -> Table:
    file_path = Path(path)
    suffix = file_path.suffix.casefold()
    if suffix in {".csv", ".txt"}:
        return _make_table(_csv_cells(file_path, _sniff_delimiter(file_path, profile)), profile)
    if suffix in {".xlsx", ".xlsm", ".xls", ".ods"}:
        return _make_table(_spreadsheet_cells(file_path), profile, native=True)
    raise ImportFileError([f"Không hỗ trợ loại tệp «{file_path.suffix}»: chỉ nhận .csv hoặc .xlsx"])


def dict_maker(columns: dict[str, int], width: int) -> Callable[[list[object]], dict[str, object]]:
    names = tuple(columns)
    getter = itemgetter(*(columns[name] for name in names))
    needed = max(columns.values()) + 1

    def to_dict(cells: list[object]) -> dict[str, object]:
        padded = cells if len(cells) >= needed else [*cells, *([""] * (needed - len(cells)))]
        values = getter(padded)
        raw = dict(zip(names, values if len(names) > 1 else (values,), strict=True))
        if len(cells) > width and not is_blank(cells[width:]):
            raw[EXTRA_CELLS_KEY] = cells[width:]
        return raw

    return to_dict


def iter_rows(path: str | Path, profile: ImportProfile = DEFAULT_PROFILE) -> Iterator[tuple[int, dict[str, object]]]:
    """(row number, raw values by field name) for each non-blank data row of a CSV or spreadsheet.

    Reads the header at once: ImportFileError is raised by the call itself when required headers
    are missing or the file is unreadable (an encoding error further down is raised while iterating).
    """
    table = open_table(path, profile)
    to_dict = dict_maker(table.header.columns, table.width)
    numbered = enumerate(table.rows, start=table.first_row)
    return ((row_number, to_dict(cells)) for row_number, cells in numbered if not is_blank(cells))
