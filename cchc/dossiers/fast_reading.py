"""Reading millions of register rows fast, with exactly the results of the reference rules.

`read_records` gives what `validate_rows(iter_rows(path))` gives, about 2.5 times faster: unquoted
CSV lines are split without the csv module, timestamps are a day part plus a clock part looked up in
caches filled only from the reference parser's answers, repeating columns are converted once per
distinct combination, and any row it is not sure of goes to `validate_row`. The caches are
process-wide and bounded.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from datetime import date, datetime, timedelta
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any, Final, NamedTuple

from cchc.dossiers.parsing import (
    APOLOGY_DATE,
    CACHE_LIMIT,
    CHANNEL,
    CODE,
    COMPONENTS_DIGITISED,
    DEFAULT_PROFILE,
    DUE,
    FIELD,
    FIELD_NAMES,
    FINISHED,
    HAS_FEE,
    ONLINE_LEVEL,
    PAID_ONLINE,
    PROCEDURE_CODE,
    PROCEDURE_NAME,
    RECEIVED,
    RESULT_DIGITISED,
    RETURNED,
    STATUS,
    SUPPLEMENT_REQUESTS,
    UNIT_CODE,
    DossierRecord,
    FileValidation,
    ImportProfile,
    RowError,
    parse_boolean,
    parse_channel,
    parse_count,
    parse_date_part,
    parse_datetime,
    parse_online_level,
    parse_text,
    parse_time_part,
)
from cchc.dossiers.tables import Table, dict_maker, is_blank, open_table


def read_records(
    path: str | Path,
    known_unit_codes: Collection[str] | None,
    profile: ImportProfile = DEFAULT_PROFILE,
) -> Iterator[tuple[int, DossierRecord | None, list[RowError]]]:
    """The whole pipeline from a file to (row number, record or None, row errors), fast.

    Same results as `validate_rows(iter_rows(path))`, about 2.5 times faster: well-formed rows take
    an optimistic path over the raw cells with cached conversions, and any row it is not sure of is
    handed to `validate_row`, which owns every error message. The header is read by the call itself.
    """
    table = open_table(path, profile)
    return _fast_records(table, known_unit_codes, profile)


def table_record_batches(
    table: Table,
    known_unit_codes: Collection[str] | None,
    profile: ImportProfile = DEFAULT_PROFILE,
    batch_size: int = 10_000,
) -> Iterator[list[tuple[int, DossierRecord | None, list[RowError]]]]:
    """read_records of an opened table in lists of up to `batch_size` rows, the unit bulk writers work in."""
    rows = _fast_records(table, known_unit_codes, profile)
    return iter(lambda: list(islice(rows, batch_size)), [])


class NeedsFullValidation(Exception):
    """Raised inside the optimistic path; never escapes it."""


# The first ten characters of timestamps (a date) and the rest ("" or " HH:MM[:SS]"), as learnt from
# the full parser: a text is accepted here only as the concatenation of two validated parts. The
# ISO caches hold the same parts as ISO text (for sqlite_reading.py), filled together.
_day_cache: dict[str, datetime] = {}
_clock_cache: dict[str, timedelta] = {"": timedelta(0)}
day_iso_cache: dict[str, str] = {}
clock_iso_cache: dict[str, str] = {"": " 00:00:00+07"}
# The same parts numbered as PostgreSQL's COPY text gives them (copy_reading.py, rows.copy_text): a day
# counted from 1970-01-01, only five-digit ones (years 1997 to 2243), so that their texts compare as
# the days do; microseconds into the day.
day_number_cache: dict[str, str] = {}
clock_micros_cache: dict[str, str] = {"": "0"}
EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()


class TextMemo(dict):  # type: ignore[type-arg]
    """Value → its text by `format`, filled on first use; None → `null`. Lookups stay in C: dates and
    timestamps repeat within a batch (a timestamp's lookup instead of a subtraction and a formatting
    saves the reader process about 0.9 s per million rows, measured on the bench machine)."""

    def __init__(self, format: Callable[[Any], str], null: str | None = None) -> None:
        super().__init__({None: null})
        self.format = format

    def __missing__(self, value: Any) -> str:
        text = self[value] = self.format(value)
        return text


def learn_datetime(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    parsed, error = parse_datetime(value)
    if error:
        raise NeedsFullValidation
    if parsed is None or type(value) is not str or len(value) < 10:
        return parsed
    day_text, clock_text = value[:10], value[10:]
    day = parse_date_part(day_text)
    clock = parse_time_part(clock_text[1:]) if clock_text[:1] == " " else None
    if isinstance(day, str) or (clock_text and (clock is None or isinstance(clock, str))):
        return parsed
    day_start = datetime(*day)
    offset = timedelta(hours=clock[0], minutes=clock[1], seconds=clock[2]) if isinstance(clock, tuple) else timedelta(0)
    # Only cache what reproduces the full parser's answer exactly.
    if day_start + offset == parsed and len(_day_cache) < CACHE_LIMIT and len(_clock_cache) < CACHE_LIMIT:
        _day_cache[day_text] = day_start
        _clock_cache[clock_text] = offset
        day_iso_cache[day_text] = day_start.date().isoformat()
        clock_iso_cache[clock_text] = f" {parsed.time().isoformat()}+07"
        clock_micros_cache[clock_text] = str(int(offset.total_seconds()) * 1_000_000)
        day_number = day_start.toordinal() - EPOCH_ORDINAL
        if 10_000 <= day_number <= 99_999:
            day_number_cache[day_text] = str(day_number)
    return parsed


def _fast_datetime(
    value: Any, day_get: Callable[[str], Any] = _day_cache.get, clock_get: Callable[[str], Any] = _clock_cache.get
) -> datetime | None:
    if type(value) is str:
        if not value:
            return None
        try:
            return day_get(value[:10]) + clock_get(value[10:])  # type: ignore[no-any-return]
        except TypeError:  # a part not learnt yet (None + …)
            return learn_datetime(value)
    if type(value) is datetime and value.tzinfo is None:  # a spreadsheet's date cell
        return value
    return learn_datetime(value)


def fitted_cells(cells: list[object], width: int, padded: bool) -> list[object] | None:
    """A row's cells cut to the header's width (and given the empty cell unmapped fields read when
    `padded`); None for a blank row. Cells missing, or beyond the header and not blank, need the
    full validation."""
    row_cells = cells
    if len(cells) != width:
        if is_blank(cells):
            return None
        if len(cells) < width or not is_blank(cells[width:]):
            raise NeedsFullValidation
        row_cells = cells[:width]
    if padded:
        row_cells = [*row_cells, ""]
    return row_cells


DESCRIPTOR_FIELDS: Final = (UNIT_CODE, PROCEDURE_CODE, PROCEDURE_NAME, FIELD)
# The direct readers key their cache by the unit and procedure only (a name and a field are never
# refused, and matter only where a procedure is met first): hashing the name too cost them a tenth.
UNIT_AND_PROCEDURE: Final = DESCRIPTOR_FIELDS[:2]
NAME_AND_FIELD: Final = DESCRIPTOR_FIELDS[2:]
FLAG_FIELDS: Final = (
    CHANNEL,
    ONLINE_LEVEL,
    COMPONENTS_DIGITISED,
    RESULT_DIGITISED,
    HAS_FEE,
    PAID_ONLINE,
    SUPPLEMENT_REQUESTS,
    STATUS,
)
TIMESTAMP_FIELDS: Final = (CODE, RECEIVED, DUE, FINISHED, RETURNED, APOLOGY_DATE)


class RowLayout(NamedTuple):
    """Where a table's rows keep the cells the fast paths read, as getters over a row's cells."""

    timestamps: Callable[[list[object]], tuple[Any, ...]]  # TIMESTAMP_FIELDS
    descriptors: Callable[[list[object]], tuple[Any, ...]]  # DESCRIPTOR_FIELDS
    unit_and_procedure: Callable[[list[object]], tuple[Any, ...]]  # UNIT_AND_PROCEDURE
    name_and_field: Callable[[list[object]], tuple[Any, ...]]  # NAME_AND_FIELD
    flags: Callable[[list[object]], tuple[Any, ...]]  # FLAG_FIELDS
    to_dict: Callable[[list[object]], dict[str, object]]  # for the reference validation
    width: int
    # Fields the profile does not map read an empty cell appended at index `width`.
    padded: bool


def row_layout(table: Table) -> RowLayout:
    columns, width = table.header.columns, table.width

    def getter(names: tuple[str, ...]) -> Callable[[list[object]], tuple[Any, ...]]:
        return itemgetter(*(columns.get(name, width) for name in names))  # type: ignore[return-value]

    return RowLayout(
        getter(TIMESTAMP_FIELDS),
        getter(DESCRIPTOR_FIELDS),
        getter(UNIT_AND_PROCEDURE),
        getter(NAME_AND_FIELD),
        getter(FLAG_FIELDS),
        dict_maker(columns, width),
        width,
        len(columns) < len(FIELD_NAMES),
    )


def flags_from_cells(cells: tuple[object, ...]) -> tuple[object, ...]:
    channel_cell, online_level_cell, components, result, fee, paid, supplements_cell, status = cells
    converted: list[object] = []
    for parser, value in (
        (parse_channel, channel_cell),
        (parse_online_level, online_level_cell),
        (parse_boolean, components),
        (parse_boolean, result),
        (parse_boolean, fee),
        (parse_boolean, paid),
        (parse_count, supplements_cell),
    ):
        parsed, error = parser(value)
        if error:
            raise NeedsFullValidation
        converted.append(parsed)
    converted.append(parse_text(status))
    return tuple(converted)


def _fast_records(
    table: Table, known_unit_codes: Collection[str] | None, profile: ImportProfile
) -> Iterator[tuple[int, DossierRecord | None, list[RowError]]]:
    layout = row_layout(table)
    timestamp_cells, descriptor_cells, flag_cells, to_dict = (
        layout.timestamps,
        layout.descriptors,
        layout.flags,
        layout.to_dict,
    )
    width, padded = layout.width, layout.padded
    validation = FileValidation(known_unit_codes, profile)
    first_row_by_code = validation.first_row_by_code
    native = table.native
    # Columns whose values repeat are converted once per distinct combination of raw texts: the unit,
    # procedure, name and field together, and the channel, level, flags, count and status together.
    descriptors: dict[tuple[object, ...], tuple[str, str, str, str]] = {}
    flags: dict[tuple[object, ...], tuple[object, ...]] = {}
    descriptor_get, flag_get = descriptors.get, flags.get
    day_get: Callable[[str], Any] = _day_cache.get
    clock_get: Callable[[str], Any] = _clock_cache.get
    to_datetime = _fast_datetime
    dues: dict[object, datetime] = {}
    due_get = dues.get
    new_record, record_type = tuple.__new__, DossierRecord

    def learn_descriptors(raw: tuple[object, ...]) -> tuple[str, str, str, str]:
        unit, procedure, name, field_value = (parse_text(value) for value in raw)
        if not unit or not procedure or (known_unit_codes is not None and unit not in known_unit_codes):
            raise NeedsFullValidation
        if len(descriptors) < CACHE_LIMIT:
            descriptors[raw] = (unit, procedure, name, field_value)
        return unit, procedure, name, field_value

    def learn_flags(raw: tuple[object, ...]) -> tuple[object, ...]:
        converted = flags_from_cells(raw)
        if len(flags) < CACHE_LIMIT:
            flags[raw] = converted
        return converted

    for row_number, cells in enumerate(table.rows, start=table.first_row):
        try:
            row_cells = fitted_cells(cells, width, padded)
            if row_cells is None:
                continue
            if native and bool in map(type, row_cells):
                # True == 1 == 1.0 would let a boolean cell share a cache entry with a number.
                raise NeedsFullValidation
            code, received_cell, due_cell, finished_cell, returned_cell, apology_cell = timestamp_cells(row_cells)
            if type(code) is not str or not code.isascii():
                raise NeedsFullValidation
            code = code.strip()
            if not code:
                if is_blank(cells):  # checked only here: a row with a code is not blank
                    continue
                raise NeedsFullValidation
            if first_row_by_code.setdefault(code, row_number) != row_number:
                raise NeedsFullValidation
            descriptor_key = descriptor_cells(row_cells)
            unit, procedure, name, field_value = descriptor_get(descriptor_key) or learn_descriptors(descriptor_key)
            flag_key = flag_cells(row_cells)
            (channel, online_level, components, result, fee, paid, supplements, status) = flag_get(
                flag_key
            ) or learn_flags(flag_key)

            try:  # the common case: timestamps in a learnt layout, the end ones possibly empty
                received = day_get(received_cell[:10]) + clock_get(received_cell[10:])
                # Deadlines repeat (often a fixed hour), and the return is often the finish itself.
                due = due_get(due_cell)
                if due is None:
                    due = day_get(due_cell[:10]) + clock_get(due_cell[10:])
                    if len(dues) < CACHE_LIMIT:
                        dues[due_cell] = due
                finished = day_get(finished_cell[:10]) + clock_get(finished_cell[10:]) if finished_cell != "" else None
                if returned_cell == finished_cell:
                    returned = finished
                else:
                    returned = (
                        day_get(returned_cell[:10]) + clock_get(returned_cell[10:]) if returned_cell != "" else None
                    )
            except TypeError:  # an empty, unseen or non-text cell: one by one, learning
                received = to_datetime(received_cell)
                due = to_datetime(due_cell)
                finished = to_datetime(finished_cell)
                returned = to_datetime(returned_cell)
            if received is None:
                raise NeedsFullValidation
            # The order checks compare calendar dates; ordinals only when the timestamps disagree.
            if (
                (due is not None and due < received and due.toordinal() < received.toordinal())
                or (finished is not None and finished < received and finished.toordinal() < received.toordinal())
                or (returned is not None and returned < received and returned.toordinal() < received.toordinal())
            ):
                raise NeedsFullValidation
            apology = to_datetime(apology_cell) if apology_cell != "" else None
            record = new_record(
                record_type,
                (
                    code,
                    unit,
                    procedure,
                    name,
                    field_value,
                    received,
                    due,
                    finished,
                    returned,
                    channel,
                    online_level,
                    components,
                    result,
                    fee,
                    paid,
                    supplements,
                    apology.date() if apology is not None else None,
                    status,
                ),
            )
            yield row_number, record, []
        except NeedsFullValidation:
            full_record, errors = validation.validate(row_number, to_dict(cells))
            yield row_number, full_record, errors
