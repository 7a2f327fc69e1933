"""The KPI service: figures per group for a period, answered from the aggregate tables.

`kpis(units, start, end, as_of, by)` gives, for the units' subtrees, the counts of `kpi_math` (and
their rates) per group of `by` ⊆ {unit, month, field, procedure}, exactly as `kpi_math.count_period`
defines them. Every window [start, cut] is a range of days, and every figure a sum over ranges:

- flow figures of a window are its own range's sums;
- snapshot figures at a window's cut are the delta sums over every day up to the cut: the range
  before the first window (the «base») plus the windows so far (month windows are contiguous).

A range is read as whole months from a month table plus at most two partial months from a day
table (per unit, or per unit and field), so a year for a province is a few thousand rows whatever
the number of dossiers. With a procedure dimension the partial months are counted from the dossiers
themselves (their events in those days); whole months still come from the month × procedure table.
"""

from __future__ import annotations

import calendar as month_calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Final

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from cchc.dossiers import aggregates
from cchc.dossiers.counters import DELTA_INDEXES, WIDTH, Vector, empty, kpi_counts
from cchc.dossiers.kpi_math import KpiCounts, month_periods, score_766
from cchc.dossiers.models import Field, Procedure
from cchc.organisation.models import Unit

DIMENSIONS: Final = ("unit", "month", "field", "procedure")
PROCEDURE_TABLE = Procedure._meta.db_table

# A day range; `None` as start means «from the beginning».
DayRange = tuple[date | None, date]


@dataclass(frozen=True)
class Window:
    key: str | None
    start: date
    cut: date


@dataclass
class KpiGroup:
    """One group's figures; ids and labels of its dimensions are set only for the dimensions asked."""

    counts: KpiCounts
    month: str | None = None
    unit_id: int | None = None
    field_id: int | None = None
    procedure_id: int | None = None
    labels: dict[str, str] = field(default_factory=dict)

    def rates(self) -> dict[str, Decimal | None]:
        return self.counts.rates()

    def scores(self, formula: dict[str, Any] | None = None) -> dict[str, Decimal | None]:
        return score_766(self.counts, formula)

    def as_json(self, by: Sequence[str]) -> dict[str, Any]:
        """The command's object: group keys, every count, the rates and the average working days."""
        payload: dict[str, Any] = {}
        for dimension in by:
            if dimension == "month":
                payload["month"] = self.month
            elif dimension == "unit":
                payload["unit"] = self.labels.get("unit_code")
            elif dimension == "field":
                payload["field"] = self.labels.get("field", "")
            elif dimension == "procedure":
                payload["procedure"] = self.labels.get("procedure_code")
                payload["procedure_name"] = self.labels.get("procedure_name", "")
        counts = self.counts.as_dict()
        counts.pop("processing_days_total")
        payload.update(counts)
        payload["processing_working_days_total"] = self.counts.processing_days_total
        for name, value in self.rates().items():
            payload[name] = None if value is None else float(value)
        return payload


def normalise_dimensions(by: Iterable[str]) -> list[str]:
    chosen = []
    for dimension in by:
        if dimension not in DIMENSIONS:
            raise ValueError(f"Không nhóm được theo «{dimension}»: chỉ theo {', '.join(DIMENSIONS)}")
        if dimension not in chosen:
            chosen.append(dimension)
    return chosen


def subtree_unit_ids(units: Unit | Sequence[Unit] | None) -> list[int] | None:
    """Ids of the units' subtrees; None means every unit."""
    if units is None:
        return None
    roots = [units] if isinstance(units, Unit) else list(units)
    if not roots:
        return []
    condition = Q()
    for root in roots:
        condition |= Q(path__startswith=root.path)
    # Even the whole tree is listed: the (unit, day) indexes then seek each unit's days of the range.
    return list(Unit.objects.filter(condition).values_list("pk", flat=True))


def windows_for(start: date, end: date, as_of: date, monthly: bool) -> list[Window]:
    """The windows with something to count (cut = min(window end, as_of) not before its start)."""
    if end < start:
        raise ValueError("Ngày kết thúc kỳ phải không trước ngày bắt đầu")
    if monthly:
        result = []
        for key, window_start, window_end in month_periods(start, end):
            cut = min(window_end, as_of)
            if cut >= window_start:
                result.append(Window(key, window_start, cut))
        return result
    cut = min(end, as_of)
    return [Window(None, start, cut)] if cut >= start else []


def _month_end(day: date) -> date:
    return day.replace(day=month_calendar.monthrange(day.year, day.month)[1])


def _month(day: date) -> int:
    return day.year * 100 + day.month


def decompose(day_range: DayRange) -> tuple[tuple[int | None, int] | None, list[tuple[date, date]]]:
    """A day range as (first month or None, last month) of whole months plus partial day ranges."""
    start, end = day_range
    if start is not None and start > end:
        return None, []
    if start is not None and (start.year, start.month) == (end.year, end.month):
        if start.day == 1 and end == _month_end(end):
            return (_month(start), _month(end)), []
        return None, [(start, end)]
    pieces: list[tuple[date, date]] = []
    first_whole: date | None = start
    if start is not None and start.day != 1:
        head_end = _month_end(start)
        pieces.append((start, head_end))
        first_whole = head_end + timedelta(days=1)
    last_whole = end
    if end != _month_end(end):
        tail_start = end.replace(day=1)
        pieces.append((tail_start, end))
        last_whole = tail_start - timedelta(days=1)
    if first_whole is not None and first_whole > last_whole:
        return None, pieces
    return (None if first_whole is None else _month(first_whole), _month(last_whole)), pieces


def _in_list(column: str, values: Sequence[int] | None, params: list[Any]) -> str:
    if values is None:
        return ""
    if not values:
        return " AND 1 = 0"
    params.extend(values)
    return f" AND {column} IN ({', '.join(['%s'] * len(values))})"


_SUMS = ", ".join(f"SUM({name})" for name in aggregates.COUNTER_NAMES)
_NEGATIVE_SUMS = ", ".join(f"-SUM({name})" for name in aggregates.COUNTER_NAMES)


def _past_days(first: date, last: date, today: date) -> int:
    """Days of [first, last] up to today: where dossier events are numerous."""
    return max(0, (min(last, today) - first).days + 1)


class _Source:
    """Range sums grouped by dimensions, from the aggregate tables (and dossiers for partial months).

    Without a procedure dimension every range is read from aggregates: unit tables, or field tables
    when fields are asked. By procedure, whole months come from the month × procedure table and
    parts of months from the dossiers' own events (see `_day_parts`).
    """

    def __init__(self, unit_ids: Sequence[int] | None, dimensions: Sequence[str], today: date | None = None) -> None:
        self.unit_ids = unit_ids
        self.dimensions = list(dimensions)
        self.by_procedure = "procedure" in dimensions
        self.by_field = "field" in dimensions and not self.by_procedure
        self.today = today or timezone.localdate()
        if self.by_procedure:
            self.month_table, self.day_table = aggregates.PROCEDURE_MONTH, ""
        elif self.by_field:
            self.month_table, self.day_table = aggregates.FIELD_MONTH, aggregates.FIELD_DAY
        else:
            self.month_table, self.day_table = aggregates.UNIT_MONTH, aggregates.UNIT_DAY

    def _columns(self, alias: str) -> list[str]:
        field_column = f"{alias}.field_id" if self.by_field and alias == "t" else "p.field_id"
        mapping = {"unit": f"{alias}.unit_id", "procedure": f"{alias}.procedure_id", "field": field_column}
        return [mapping[dimension] for dimension in self.dimensions]

    def _join(self, alias: str) -> str:
        if "field" not in self.dimensions or (self.by_field and alias == "t"):
            return ""
        return f" JOIN {PROCEDURE_TABLE} p ON p.id = {alias}.procedure_id"

    def _grouped(self, label: int, table_sql: str, alias: str, where: str, sign: int = 1) -> str:
        columns = self._columns(alias)
        sums = _SUMS if sign > 0 else _NEGATIVE_SUMS
        select = ", ".join([str(label), *columns, sums])
        group = f" GROUP BY {', '.join(columns)}" if columns else ""
        return f"SELECT {select} FROM {table_sql}{self._join(alias)} WHERE {where}{group}"

    def _month_part(self, label: int, months: tuple[int | None, int], params: list[Any]) -> str:
        first, last = months
        where = "t.month <= %s"
        part_params: list[Any] = [last]
        if first is not None:
            where = "t.month BETWEEN %s AND %s"
            part_params = [first, last]
        where += _in_list("t.unit_id", self.unit_ids, part_params)
        params.extend(part_params)
        return self._grouped(label, f"{self.month_table} t", "t", where)

    def _event_part(self, label: int, days: tuple[date, date], params: list[Any], sign: int = 1) -> str:
        events, event_params = aggregates.events_sql(self.unit_ids, days)
        params.extend(event_params)
        return self._grouped(label, f"({events}) e", "e", "1 = 1", sign)

    def _day_part(self, label: int, days: tuple[date, date], params: list[Any], sign: int = 1) -> str:
        if self.by_procedure:
            return self._event_part(label, days, params, sign)
        part_params: list[Any] = [aggregates.db_date(days[0]), aggregates.db_date(days[1])]
        where = "t.day BETWEEN %s AND %s" + _in_list("t.unit_id", self.unit_ids, part_params)
        params.extend(part_params)
        return self._grouped(label, f"{self.day_table} t", "t", where, sign)

    def _day_parts(self, label: int, days: tuple[date, date], params: list[Any]) -> list[str]:
        """Part of a month: its days, or the whole month less the other days, whichever reads fewer
        past days (a month row costs about a day's rows; days to come hold only the few open dossiers'
        due dates). By procedure the days are the dossiers' own events, else the day tables' rows."""
        start, end = days
        month_start, month_end = start.replace(day=1), _month_end(start)
        rest = [(month_start, start - timedelta(days=1)), (end + timedelta(days=1), month_end)]
        rest = [(first, last) for first, last in rest if first <= last]
        direct = _past_days(start, end, self.today)
        if sum(_past_days(first, last, self.today) for first, last in rest) + 1 >= direct:
            return [self._day_part(label, days, params)]
        month = _month(start)
        parts = [self._month_part(label, (month, month), params)]
        parts += [self._day_part(label, piece, params, sign=-1) for piece in rest]
        return parts

    def range_sums(self, ranges: Sequence[DayRange]) -> dict[int, dict[tuple[Any, ...], Vector]]:
        """For each range (by position): dimension key → summed counters."""
        parts: list[str] = []
        params: list[Any] = []
        for label, day_range in enumerate(ranges):
            months, days = decompose(day_range)
            if months is not None:
                parts.append(self._month_part(label, months, params))
            for piece in days:
                parts.extend(self._day_parts(label, piece, params))
        result: dict[int, dict[tuple[Any, ...], Vector]] = defaultdict(dict)
        if not parts:
            return result
        width = len(self.dimensions)
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for row in cursor.fetchall():
                label, key, values = row[0], tuple(row[1 : 1 + width]), row[1 + width :]
                if values[0] is None:  # an ungrouped sum over no rows
                    continue
                vector = result[label].get(key)
                if vector is None:
                    vector = result[label][key] = empty()
                for index, value in enumerate(values):
                    vector[index] += int(value)
        return result

    def spanning_apologies(self, windows: Sequence[Window]) -> dict[tuple[int, tuple[Any, ...]], list[int]]:
        """(window position, dimension key) → [count, in time] of late dossiers ended before the window
        whose apology, issued after their end, is dated after the window's cut.

        Such a wait spans the whole window, so only windows shorter than the longest wait can have
        any, and only among dossiers ended within that longest wait before the cut.
        """
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(apology_gap_days) FROM {aggregates.DOSSIER} WHERE late_apology_after_end")
            longest = (cursor.fetchone() or [None])[0] or 0
        parts: list[str] = []
        params: list[Any] = []
        columns = self._columns("d")
        select = ", ".join(columns)
        group = f" GROUP BY {select}" if columns else ""
        for position, window in enumerate(windows):
            first_end = window.cut - timedelta(days=longest - 1)
            last_end = window.start - timedelta(days=1)
            if first_end > last_end:
                continue
            # «+unit_id» keeps SQLite off the (unit, end day) index: the partial index is the one to read.
            where = "d.late_apology_after_end AND d.end_day BETWEEN %s AND %s AND d.apology_date > %s"
            part_params: list[Any] = [
                aggregates.db_date(first_end),
                aggregates.db_date(last_end),
                aggregates.db_date(window.cut),
            ]
            where += _in_list("+d.unit_id", self.unit_ids, part_params)
            params.extend(part_params)
            parts.append(
                f"SELECT {position}{', ' + select if select else ''}, COUNT(*), "
                f"SUM(CASE WHEN d.apology_in_time THEN 1 ELSE 0 END) "
                f"FROM {aggregates.DOSSIER} d{self._join('d')} WHERE {where}{group}"
            )
        result: dict[tuple[int, tuple[Any, ...]], list[int]] = {}
        if not parts:
            return result
        width = len(columns)
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for row in cursor.fetchall():
                position, key, count, in_time = row[0], tuple(row[1 : 1 + width]), row[1 + width], row[2 + width]
                if count:
                    counts = result.setdefault((position, key), [0, 0])
                    counts[0] += int(count)
                    counts[1] += int(in_time or 0)
        return result


def _add(target: Vector, source: Vector, indexes: Iterable[int] = range(WIDTH)) -> None:
    for index in indexes:
        target[index] += source[index]


def counts_by_window(
    unit_ids: Sequence[int] | None, windows: Sequence[Window], dimensions: Sequence[str]
) -> dict[tuple[str | None, tuple[Any, ...]], KpiCounts]:
    """(window key, dimension key) → counts, for contiguous windows in order."""
    if not windows:
        return {}
    source = _Source(unit_ids, dimensions)
    base_end = windows[0].start - timedelta(days=1)
    ranges: list[DayRange] = [(None, base_end)] + [(window.start, window.cut) for window in windows]
    sums = source.range_sums(ranges)
    spanning = source.spanning_apologies(windows)
    keys: set[tuple[Any, ...]] = set()
    for by_key in sums.values():
        keys.update(by_key)
    result: dict[tuple[str | None, tuple[Any, ...]], KpiCounts] = {}
    for key in keys:
        deltas = empty()
        _add(deltas, sums.get(0, {}).get(key, empty()), DELTA_INDEXES)
        for position, window in enumerate(windows):
            flows = sums.get(position + 1, {}).get(key, empty())
            _add(deltas, flows, DELTA_INDEXES)
            spanning_count, spanning_in_time = spanning.get((position, key), (0, 0))
            result[(window.key, key)] = kpi_counts(flows, deltas, spanning_count, spanning_in_time)
    return result


def kpis(
    units: Unit | Sequence[Unit] | None,
    start: date,
    end: date,
    as_of: date,
    by: Iterable[str] = (),
) -> list[KpiGroup]:
    """Figures of [start, end] as known on `as_of` for the units' subtrees, one group per `by` key.

    Without `by`, exactly one group (the total). With `by`, groups with nothing to count are left
    out, as `kpi_math.count_grouped` does. Groups are ordered by month, then unit path, field and
    procedure code.
    """
    dimensions = normalise_dimensions(by)
    windows = windows_for(start, end, as_of, "month" in dimensions)
    others = [dimension for dimension in dimensions if dimension != "month"]
    counts = counts_by_window(subtree_unit_ids(units), windows, others)
    if not dimensions:
        total = counts.get((None, ()), KpiCounts())
        return [KpiGroup(total)]
    empty_counts = KpiCounts()
    groups = []
    for (month, key), value in counts.items():
        if value == empty_counts:
            continue
        group = KpiGroup(value, month=month)
        for dimension, identifier in zip(others, key, strict=True):
            setattr(group, f"{dimension}_id", identifier)
        groups.append(group)
    _label(groups, others)
    return sorted(groups, key=_sort_key)


def _label(groups: list[KpiGroup], dimensions: Sequence[str]) -> None:
    if "unit" in dimensions:
        units: dict[int, Mapping[str, Any]] = {
            unit["pk"]: unit
            for unit in Unit.objects.filter(pk__in={group.unit_id for group in groups}).values(
                "pk", "code", "name", "path"
            )
        }
        for group in groups:
            unit = units.get(group.unit_id or 0, {})
            group.labels.update(
                unit_code=unit.get("code", ""), unit_name=unit.get("name", ""), unit_path=unit.get("path", "")
            )
    if "procedure" in dimensions:
        procedures: dict[int, Mapping[str, Any]] = {
            row["pk"]: row
            for row in Procedure.objects.filter(pk__in={group.procedure_id for group in groups}).values(
                "pk", "code", "name", "field__name"
            )
        }
        for group in groups:
            row = procedures.get(group.procedure_id or 0, {})
            group.labels.update(
                procedure_code=row.get("code", ""),
                procedure_name=row.get("name", ""),
                field=row.get("field__name") or "",
            )
    if "field" in dimensions:
        names = dict(Field.objects.filter(pk__in={group.field_id for group in groups}).values_list("pk", "name"))
        for group in groups:
            group.labels["field"] = names.get(group.field_id or 0, "(chưa phân lĩnh vực)")


def _sort_key(group: KpiGroup) -> tuple[str, ...]:
    return (
        group.month or "",
        group.labels.get("unit_path", ""),
        group.labels.get("field", ""),
        group.labels.get("procedure_code", ""),
    )


def totals_per_unit(units: Sequence[Unit], start: date, end: date, as_of: date) -> dict[int, KpiCounts]:
    """Each unit's whole-subtree figures, from one grouped query over the union of the subtrees."""
    if not units:
        return {}
    groups = kpis(list(units), start, end, as_of, by=["unit"])
    result = {unit.pk: KpiCounts() for unit in units}
    for group in groups:
        path = group.labels.get("unit_path", "")
        for unit in units:
            if path.startswith(unit.path):
                result[unit.pk] = result[unit.pk] + group.counts
    return result


def monthly_totals(unit: Unit, start: date, end: date, as_of: date) -> list[KpiGroup]:
    """One group per month of [start, end] up to as_of, zeros included (for trends)."""
    found = {group.month: group for group in kpis(unit, start, end, as_of, by=["month"])}
    return [
        found.get(window.key, KpiGroup(KpiCounts(), month=window.key))
        for window in windows_for(start, end, as_of, monthly=True)
    ]
