"""A CSV register straight to PostgreSQL's COPY text, for the rows it is sure of.

`fast_reading.read_records` turns every row into a DossierRecord of datetimes, which the PostgreSQL
writer then formats back into text: two thirds of the reader's time at a million rows. Here a
well-formed row becomes its COPY line directly: the timestamp parts, descriptors and flags are looked
up in caches filled only from the reference parsers' answers (the same caches `read_records` uses),
so a line is exactly what `rows.copy_text` writes for the row's record (tested). Any row it is not
sure of (a part never seen in a cacheable layout, a duplicate, an error, a year outside the
calendar, a unit outside the scope) is handed over as `read_records` would give it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

from cchc.dossiers.fast_reading import (
    EPOCH_ORDINAL,
    NeedsFullValidation,
    clock_micros_cache,
    day_number_cache,
    fitted_cells,
    flags_from_cells,
    learn_datetime,
    row_layout,
)
from cchc.dossiers.parsing import (
    CACHE_LIMIT,
    DossierRecord,
    FileValidation,
    ImportProfile,
    RowError,
    parse_text,
)
from cchc.dossiers.tables import Table, is_blank

COPY_NULL = "\\N"
CODE_LIMIT = 100
PROCEDURE_CODE_LIMIT = 80
# A text needing COPY escapes goes the long way (rows.copy_text escapes it).
_ESCAPED = ("\\", "\t", "\n", "\r")


@dataclass
class CopyBatch:
    """Up to a batch of rows: COPY lines of the rows read fast, the others as read_records gives them."""

    lines: list[str] = field(default_factory=list)
    others: list[tuple[int, DossierRecord | None, list[RowError]]] = field(default_factory=list)
    # Procedures met for the first time in this batch on the fast path: code → (name, field).
    procedures: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def rows_read(self) -> int:
        return len(self.lines) + len(self.others)


@dataclass(frozen=True)
class CopyScope:
    """What a line needs beyond the row: unit ids, the writable units and the calendar's years."""

    unit_ids: Mapping[str, int]
    allowed_unit_ids: frozenset[int] | None
    first_year: int
    last_year: int

    def descriptor(self, raw: tuple[Any, ...]) -> tuple[int, str]:
        """(unit id, procedure code) of a row's UNIT_AND_PROCEDURE cells; NeedsFullValidation for a
        unit unknown or outside the scope, a procedure code missing or too long."""
        unit, procedure = (parse_text(value) for value in raw)
        unit_id = self.unit_ids.get(unit)
        if (
            not procedure
            or unit_id is None
            or (self.allowed_unit_ids is not None and unit_id not in self.allowed_unit_ids)
            or len(procedure) > PROCEDURE_CODE_LIMIT
        ):
            raise NeedsFullValidation
        return unit_id, procedure


def names(raw: tuple[Any, ...]) -> tuple[str, str]:
    """(procedure name, field) of a row's NAME_AND_FIELD cells, as a new procedure is announced."""
    name, field_value = (parse_text(value) for value in raw)
    return name, field_value


def _flags_text(converted: tuple[Any, ...]) -> str:
    channel, online_level, components, result, fee, paid, supplements, status = converted
    status = status[:100]
    if any(character in status for character in _ESCAPED):
        raise NeedsFullValidation
    flag = {True: "t", False: "f"}
    return "\t".join(
        (
            str(channel) if channel is not None else COPY_NULL,
            online_level or "",
            flag[components],
            flag[result],
            flag[fee],
            flag[paid],
            str(supplements),
            status,
        )
    )


def copy_batches(table: Table, profile: ImportProfile, scope: CopyScope, batch_size: int) -> Iterator[CopyBatch]:
    """The table's rows in batches of `batch_size` (see the module). Text cells only (CSV)."""
    items = _copy_items(table, profile, scope)
    while True:
        batch = CopyBatch()
        for item in islice(items, batch_size):
            if type(item) is str:
                batch.lines.append(item)
            elif type(item) is dict:
                batch.procedures.update(item)
            else:
                batch.others.append(item)
        if not batch.rows_read:
            return
        yield batch


def _copy_items(table: Table, profile: ImportProfile, scope: CopyScope) -> Iterator[Any]:
    """A COPY line per fast row, (row, record, errors) per other row, and a {code: (name, field)}
    before the first line of a procedure met on the fast path (it takes a place in a batch, so a
    batch may hold a row or so fewer: harmless)."""
    layout = row_layout(table)
    timestamp_cells, unit_and_procedure, flag_cells = layout.timestamps, layout.unit_and_procedure, layout.flags
    name_and_field, to_dict, width, padded = layout.name_and_field, layout.to_dict, layout.width, layout.padded
    validation = FileValidation(scope.unit_ids.keys(), profile)
    first_row_by_code = validation.first_row_by_code
    descriptors: dict[tuple[Any, ...], tuple[str, str]] = {}
    flags: dict[tuple[Any, ...], str] = {}
    procedures_seen: set[str] = set()
    descriptor_get, flag_get = descriptors.get, flags.get
    day_number, clock_micros = day_number_cache, clock_micros_cache
    # Day numbers are five digits (see fast_reading), so their texts compare as the days do.
    first_day = str(date(scope.first_year, 1, 1).toordinal() - EPOCH_ORDINAL)
    last_day = str(date(scope.last_year, 12, 31).toordinal() - EPOCH_ORDINAL)
    null = COPY_NULL

    def learn_descriptor(raw: tuple[Any, ...]) -> tuple[str, str]:
        """(unit id and procedure code as COPY text, procedure code)."""
        unit_id, procedure = scope.descriptor(raw)
        if any(character in procedure for character in _ESCAPED):
            raise NeedsFullValidation
        learnt = (f"{unit_id}\t{procedure}", procedure)
        if len(descriptors) < CACHE_LIMIT:
            descriptors[raw] = learnt
        return learnt

    def learn_flags(raw: tuple[Any, ...]) -> str:
        text = _flags_text(flags_from_cells(raw))
        if len(flags) < CACHE_LIMIT:
            flags[raw] = text
        return text

    def stamp(cell: str) -> tuple[str, str]:
        """(day number, microseconds) of a non-empty cell, learning its parts; NeedsFullValidation if
        it can't."""
        try:
            return day_number[cell[:10]], clock_micros[cell[10:]]
        except KeyError:
            learn_datetime(cell)
            try:
                return day_number[cell[:10]], clock_micros[cell[10:]]
            except KeyError:
                raise NeedsFullValidation from None

    for row_number, cells in enumerate(table.rows, start=table.first_row):
        try:
            row_cells = fitted_cells(cells, width, padded)
            if row_cells is None:
                continue
            code, received_cell, due_cell, finished_cell, returned_cell, apology_cell = timestamp_cells(row_cells)
            if not code.isascii():
                raise NeedsFullValidation
            code = code.strip()
            if not code:
                if is_blank(cells):
                    continue
                raise NeedsFullValidation
            if len(code) > CODE_LIMIT or "\\" in code or "\t" in code or "\n" in code or "\r" in code:
                raise NeedsFullValidation
            if first_row_by_code.setdefault(code, row_number) != row_number:
                raise NeedsFullValidation
            descriptor_key = unit_and_procedure(row_cells)
            descriptor, procedure = descriptor_get(descriptor_key) or learn_descriptor(descriptor_key)
            flag_key = flag_cells(row_cells)
            flag_text = flag_get(flag_key) or learn_flags(flag_key)
            if not received_cell:
                raise NeedsFullValidation
            # The parts inline, the learning call only for a part not seen yet: calling stamp() for every
            # cell cost 1 to 1,5 s more per million rows (measured in turn, 14,6 against 15,7–16,1 s).
            try:
                received_day = day_number[received_cell[:10]]
                received_clock = clock_micros[received_cell[10:]]
            except KeyError:
                received_day, received_clock = stamp(received_cell)
            if due_cell:
                try:
                    due_day = day_number[due_cell[:10]]
                    due_clock = clock_micros[due_cell[10:]]
                except KeyError:
                    due_day, due_clock = stamp(due_cell)
                if due_day < received_day:
                    raise NeedsFullValidation
            else:
                due_day = due_clock = null
            end_day = null
            if finished_cell:
                try:
                    end_day = finished_day = day_number[finished_cell[:10]]
                    finished_clock = clock_micros[finished_cell[10:]]
                except KeyError:
                    finished_day, finished_clock = stamp(finished_cell)
                    end_day = finished_day
                if end_day < received_day:
                    raise NeedsFullValidation
            else:
                finished_day = finished_clock = null
            if returned_cell == finished_cell:
                returned_day, returned_clock = finished_day, finished_clock
            elif returned_cell:
                returned_day, returned_clock = stamp(returned_cell)
                if returned_day < received_day:
                    raise NeedsFullValidation
                if end_day is null:
                    end_day = returned_day
            else:
                returned_day = returned_clock = null
            # Years beyond the calendar's make the writer seed them first: the long way.
            if (
                not first_day <= received_day <= last_day
                or (due_day is not null and not first_day <= due_day <= last_day)
                or (end_day is not null and end_day > last_day)
            ):
                raise NeedsFullValidation
            apology = stamp(apology_cell)[0] if apology_cell else null
            if apology is not null and not first_day <= apology <= last_day:
                raise NeedsFullValidation
            if procedure not in procedures_seen:  # announced only with a row that is written
                procedures_seen.add(procedure)
                yield {procedure: names(name_and_field(row_cells))}
            yield (
                f"{code}\t{descriptor}\t{received_day}\t{received_clock}\t{due_day}\t{due_clock}\t{finished_day}\t"
                f"{finished_clock}\t{returned_day}\t{returned_clock}\t{flag_text}\t{apology}\t{row_number}"
            )
        except (NeedsFullValidation, TypeError, AttributeError):  # the last two: a cell that is not text
            record, errors = validation.validate(row_number, to_dict(cells))
            yield row_number, record, errors
