"""Import and export of the organisation tree (.xlsx or .csv).

Import is an idempotent upsert by `Mã đơn vị`: every row is validated first, and if any row is wrong
nothing is saved and every error names its row and column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.db.models import QuerySet

from cchc.audit.services import record, snapshot
from cchc.organisation.models import Unit, UnitKind
from cchc.organisation.services import _refresh_paths, find_kind
from cchc.organisation.tabular import TableError, column_indexes, read_table, write_csv, write_xlsx

CODE = "Mã đơn vị"
NAME = "Tên đơn vị"
KIND = "Loại"
PARENT = "Mã đơn vị cấp trên"
VALID_FROM = "Hiệu lực từ"
VALID_TO = "Hiệu lực đến"
SUCCESSOR = "Mã đơn vị kế thừa"
PLACE = "Địa danh"
REQUIRED_COLUMNS = [CODE, NAME, KIND, PARENT]
OPTIONAL_COLUMNS = [VALID_FROM, VALID_TO, SUCCESSOR, PLACE]


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Dòng {self.row}, cột «{self.column}»: {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    code: str
    name: str
    kind: UnitKind
    parent_code: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    successor_code: str
    place: str


def _parse_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"ngày «{text}» không hợp lệ (dùng dạng dd/mm/yyyy)")


def _text(values: list[Any], index: int | None) -> str:
    if index is None or index >= len(values) or values[index] is None:
        return ""
    return str(values[index]).strip()


def import_units(source: str | Path | IO[bytes], *, actor: Any = None, filename: str | None = None) -> ImportResult:
    result = ImportResult()
    try:
        headers, rows = read_table(source, filename)
        columns = column_indexes(headers, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
    except TableError as error:
        result.errors.append(RowError(1, "", str(error)))
        return result

    parsed: list[_Row] = []
    seen_codes: dict[str, int] = {}
    for number, values in rows:
        code = _text(values, columns[CODE])
        name = _text(values, columns[NAME])
        kind_text = _text(values, columns[KIND])
        row_errors: list[RowError] = []
        if not code:
            row_errors.append(RowError(number, CODE, "thiếu mã đơn vị"))
        elif len(code) > 40:
            row_errors.append(RowError(number, CODE, "mã đơn vị dài quá 40 ký tự"))
        elif code in seen_codes:
            row_errors.append(RowError(number, CODE, f"mã «{code}» trùng với dòng {seen_codes[code]}"))
        if not name:
            row_errors.append(RowError(number, NAME, "thiếu tên đơn vị"))
        kind = find_kind(kind_text)
        if kind is None:
            known = ", ".join(UnitKind.objects.values_list("name", flat=True))
            row_errors.append(RowError(number, KIND, f"loại «{kind_text}» không có trong danh mục ({known})"))
        dates: dict[str, dt.date | None] = {}
        for column in (VALID_FROM, VALID_TO):
            try:
                dates[column] = _parse_date(
                    values[columns[column]] if column in columns and columns[column] < len(values) else None
                )
            except ValueError as error:
                row_errors.append(RowError(number, column, str(error)))
                dates[column] = None
        valid_from, valid_to = dates[VALID_FROM], dates[VALID_TO]
        if valid_from and valid_to and valid_to < valid_from:
            row_errors.append(RowError(number, VALID_TO, "ngày hết hiệu lực trước ngày bắt đầu hiệu lực"))
        if code:
            seen_codes.setdefault(code, number)
        if row_errors:
            result.errors.extend(row_errors)
            continue
        assert kind is not None
        parsed.append(
            _Row(
                number=number,
                code=code,
                name=name,
                kind=kind,
                parent_code=_text(values, columns[PARENT]),
                valid_from=dates[VALID_FROM],
                valid_to=dates[VALID_TO],
                successor_code=_text(values, columns.get(SUCCESSOR)),
                place=_text(values, columns.get(PLACE)),
            )
        )

    existing = {unit.code: unit for unit in Unit.objects.select_related("parent", "successor")}
    file_codes = {row.code for row in parsed} | set(seen_codes)
    parent_of = {code: unit.parent.code if unit.parent else "" for code, unit in existing.items()}
    for row in parsed:
        if row.parent_code and row.parent_code not in file_codes and row.parent_code not in existing:
            result.errors.append(RowError(row.number, PARENT, f"không có đơn vị cấp trên mã «{row.parent_code}»"))
        if row.parent_code == row.code:
            result.errors.append(RowError(row.number, PARENT, "đơn vị không thể là cấp trên của chính nó"))
        if row.successor_code and row.successor_code not in file_codes and row.successor_code not in existing:
            result.errors.append(RowError(row.number, SUCCESSOR, f"không có đơn vị kế thừa mã «{row.successor_code}»"))
        parent_of[row.code] = row.parent_code
    for row in parsed:
        # Walk up from each row: reaching the row again means the file describes a cycle.
        seen = {row.code}
        current = parent_of.get(row.code, "")
        while current:
            if current in seen:
                result.errors.append(RowError(row.number, PARENT, "quan hệ cấp trên tạo thành vòng lặp"))
                break
            seen.add(current)
            current = parent_of.get(current, "")
    if result.errors:
        result.errors.sort(key=lambda error: error.row)
        return result

    with transaction.atomic():
        units = dict(existing)
        # Parents first, so that each unit's parent exists when it is saved.
        depth_of: dict[str, int] = {}

        def depth(code: str) -> int:
            if code not in depth_of:
                parent = parent_of.get(code, "")
                depth_of[code] = 0 if not parent else depth(parent) + 1
            return depth_of[code]

        for row in sorted(parsed, key=lambda row: depth(row.code)):
            unit = units.get(row.code)
            before = snapshot(unit) if unit else None
            target = {
                "name": row.name,
                "kind_id": row.kind.pk,
                "parent_id": units[row.parent_code].pk if row.parent_code else None,
                "valid_from": row.valid_from,
                "valid_to": row.valid_to,
                "place_name": row.place or (unit.place_name if unit else ""),
            }
            if unit is None:
                unit = Unit(code=row.code, **target)
                unit.save()
                units[row.code] = unit
                _refresh_paths(unit)
                result.created += 1
                record(actor=actor, action="import", instance=unit, after=snapshot(unit), note="Nhập từ tệp")
            elif any(getattr(unit, name) != value for name, value in target.items()):
                for name, value in target.items():
                    setattr(unit, name, value)
                unit.parent = units[row.parent_code] if row.parent_code else None
                unit.save()
                _refresh_paths(unit)
                result.updated += 1
                record(
                    actor=actor, action="import", instance=unit, before=before, after=snapshot(unit), note="Nhập từ tệp"
                )
            else:
                result.unchanged += 1
        for row in parsed:
            successor = units[row.successor_code] if row.successor_code else None
            unit = units[row.code]
            if unit.successor_id != (successor.pk if successor else None):
                unit.successor = successor
                unit.save(update_fields=["successor"])
    return result


def export_rows(units: QuerySet[Unit] | None = None) -> list[list[Any]]:
    """Rows for export; web exports pass the user's visible units, the command exports all."""
    units = Unit.objects.all() if units is None else units
    rows = []
    for unit in units.select_related("kind", "parent", "successor").order_by("path"):
        rows.append(
            [
                unit.code,
                unit.name,
                unit.kind.name,
                unit.parent.code if unit.parent else "",
                unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else "",
                unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else "",
                unit.successor.code if unit.successor else "",
                unit.place_name,
            ]
        )
    return rows


def export_units(units: QuerySet[Unit] | None = None, *, as_csv: bool = False) -> bytes:
    rows = export_rows(units)
    headers = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    return write_csv(headers, rows) if as_csv else write_xlsx(headers, rows, "Đơn vị")
