"""Importing a period's reported figures for many units from one sheet (.xlsx or .csv).

Columns: «Mã đơn vị», «Mã chỉ số», «Kỳ», then «Tử số» and «Mẫu số» for rates or «Giá trị» for
the others (optional «Ghi chú»). Every row is checked first; if any row is wrong nothing is saved and
each error names its row and column. Imported figures are «submitted»: a reviewer still approves them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from cchc.accounts.access import Action, can
from cchc.audit.services import record, snapshot
from cchc.measures import figures
from cchc.measures.models import Measure, MeasureValue
from cchc.measures.periods import Period, parse
from cchc.organisation.models import Unit
from cchc.organisation.tabular import TableError, column_indexes, read_table

UNIT = "Mã đơn vị"
MEASURE = "Mã chỉ số"
PERIOD = "Kỳ"
NUMERATOR = "Tử số"
DENOMINATOR = "Mẫu số"
VALUE = "Giá trị"
NOTE = "Ghi chú"
REQUIRED_COLUMNS = [UNIT, MEASURE, PERIOD]
OPTIONAL_COLUMNS = [NUMERATOR, DENOMINATOR, VALUE, NOTE]
FIELD_COLUMNS = {
    figures.NUMERATOR: NUMERATOR,
    figures.DENOMINATOR: DENOMINATOR,
    figures.VALUE: VALUE,
    figures.PERIOD: PERIOD,
}


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
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    unit: Unit
    measure: Measure
    period: Period
    figures: figures.Figures
    note: str


def _text(values: list[Any], index: int | None) -> str:
    if index is None or index >= len(values) or values[index] is None:
        return ""
    return str(values[index]).strip()


def _raw(values: list[Any], index: int | None) -> Any:
    if index is None or index >= len(values):
        return None
    return values[index]


def import_values(
    source: str | Path | IO[bytes], *, actor: Any = None, filename: str | None = None, today: dt.date | None = None
) -> ImportResult:
    """Check every row, then save all of them (as submitted) or none. With an `actor` (the web), each
    row's unit must be one the actor may enter figures for; the command line runs with full rights."""
    result = ImportResult()
    today = today or timezone.localdate()
    try:
        headers, rows = read_table(source, filename)
        columns = column_indexes(headers, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
    except TableError as error:
        result.errors.append(RowError(1, "", str(error)))
        return result
    if not any(column in columns for column in (NUMERATOR, DENOMINATOR, VALUE)):
        result.errors.append(RowError(1, "", "Thiếu cột số liệu: «Tử số» và «Mẫu số», hoặc «Giá trị»."))
        return result
    table = list(rows)
    units = {unit.code: unit for unit in Unit.objects.filter(code__in={_text(v, columns[UNIT]) for _n, v in table})}
    measures = {m.code: m for m in Measure.objects.filter(code__in={_text(v, columns[MEASURE]) for _n, v in table})}
    parsed: list[_Row] = []
    seen: dict[tuple[int, int, str], int] = {}
    for number, values in table:
        row = _check_row(number, values, columns, units, measures, actor, today, result.errors)
        if row is None:
            continue
        key = (row.measure.pk, row.unit.pk, row.period.key)
        if key in seen:
            result.errors.append(RowError(number, PERIOD, f"trùng đơn vị, chỉ số và kỳ với dòng {seen[key]}"))
            continue
        seen[key] = number
        parsed.append(row)
    existing = _existing_values(parsed)
    for row in parsed:
        stored = existing.get((row.measure.pk, row.unit.pk, row.period.key))
        if stored is not None and stored.is_locked:
            result.errors.append(
                RowError(row.number, PERIOD, f"số liệu kỳ {row.period.label} của {row.unit.name} đã được duyệt và khóa")
            )
    if result.errors:
        result.errors.sort(key=lambda error: error.row)
        return result
    _save(parsed, existing, actor, result)
    return result


def _check_row(
    number: int,
    values: list[Any],
    columns: dict[str, int],
    units: dict[str, Unit],
    measures: dict[str, Measure],
    actor: Any,
    today: dt.date,
    errors: list[RowError],
) -> _Row | None:
    found: list[RowError] = []
    unit_code, measure_code, period_text = (_text(values, columns[name]) for name in (UNIT, MEASURE, PERIOD))
    unit = units.get(unit_code)
    if not unit_code:
        found.append(RowError(number, UNIT, "thiếu mã đơn vị"))
    elif unit is None:
        found.append(RowError(number, UNIT, f"không có đơn vị mã «{unit_code}»"))
    elif actor is not None and not can(actor, Action.EDIT, unit):
        found.append(RowError(number, UNIT, f"bạn không có quyền nhập số liệu cho {unit.name}"))
    measure = measures.get(measure_code)
    if not measure_code:
        found.append(RowError(number, MEASURE, "thiếu mã chỉ số"))
    elif measure is None:
        found.append(RowError(number, MEASURE, f"không có chỉ số mã «{measure_code}»"))
    elif not measure.is_reported:
        found.append(RowError(number, MEASURE, f"chỉ số «{measure.name}» được tính tự động, không nhập từ tệp"))
        measure = None
    period = None
    try:
        period = parse(period_text) if period_text else None
        if period is None:
            found.append(RowError(number, PERIOD, "thiếu kỳ (ví dụ: 2026-03)"))
    except ValueError as error:
        found.append(RowError(number, PERIOD, str(error)))
    if measure is not None and period is not None and (problem := figures.period_problem(measure, period, today)):
        found.append(RowError(number, PERIOD, problem))
    numbers: dict[str, Decimal | None] = {}
    for field_name, column in (
        (figures.NUMERATOR, NUMERATOR),
        (figures.DENOMINATOR, DENOMINATOR),
        (figures.VALUE, VALUE),
    ):
        try:
            numbers[field_name] = figures.parse_number(_raw(values, columns.get(column)))
        except ValueError as error:
            found.append(RowError(number, column, str(error)))
            numbers[field_name] = None
    cleaned = None
    if measure is not None and not any(error.column in (NUMERATOR, DENOMINATOR, VALUE) for error in found):
        cleaned, problems = figures.clean_figures(
            measure, numbers[figures.NUMERATOR], numbers[figures.DENOMINATOR], numbers[figures.VALUE]
        )
        found.extend(RowError(number, FIELD_COLUMNS[problem.field], problem.message) for problem in problems)
    if found:
        errors.extend(found)
        return None
    assert unit is not None and measure is not None and period is not None and cleaned is not None
    return _Row(number, unit, measure, period, cleaned, _text(values, columns.get(NOTE)))


def _existing_values(rows: list[_Row]) -> dict[tuple[int, int, str], MeasureValue]:
    if not rows:
        return {}
    stored = MeasureValue.objects.filter(
        measure__in={row.measure.pk for row in rows},
        unit__in={row.unit.pk for row in rows},
        period_key__in={row.period.key for row in rows},
    )
    return {(value.measure_id, value.unit_id, value.period_key): value for value in stored}


@transaction.atomic
def _save(
    rows: list[_Row], existing: dict[tuple[int, int, str], MeasureValue], actor: Any, result: ImportResult
) -> None:
    now = timezone.now()
    entered_by = actor if getattr(actor, "is_authenticated", False) else None
    for row in rows:
        stored = existing.get((row.measure.pk, row.unit.pk, row.period.key))
        before = snapshot(stored) if stored else None
        if stored is None:
            stored = MeasureValue(
                measure=row.measure,
                unit=row.unit,
                period_key=row.period.key,
                period_start=row.period.start,
                period_end=row.period.end,
            )
            result.created += 1
        else:
            result.updated += 1
        stored.numerator = row.figures.numerator
        stored.denominator = row.figures.denominator
        stored.value = row.figures.value
        stored.note = row.note or stored.note
        stored.status = MeasureValue.Status.SUBMITTED
        stored.entered_by = entered_by
        stored.entered_at = now
        stored.save()
        record(
            actor=actor,
            action="import",
            instance=stored,
            before=before,
            after=snapshot(stored),
            unit=row.unit,
            note=f"Nhập từ tệp, dòng {row.number}",
        )
