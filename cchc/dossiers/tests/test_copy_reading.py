"""The direct CSV → COPY text path must write exactly what the record path writes, row by row."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.dossiers.calendar import vietnam_calendar
from cchc.dossiers.classify import DEFAULT_RULES
from cchc.dossiers.copy_reading import CopyScope, copy_batches
from cchc.dossiers.parsing import DEFAULT_PROFILE, validate_rows
from cchc.dossiers.rows import COPY_COLUMNS, RowMaker, check_batch
from cchc.dossiers.tables import iter_rows, open_table
from cchc.dossiers.tests.test_parsing import (
    GOOD_ROW,
    HEADERS,
    cell_variants,
    registers,
    with_cell,
    write_text_csv,
)

UNIT_IDS = {"XA01": 1, "XA02": 2}
SCOPE = CopyScope(UNIT_IDS, None, 2023, 2026)

awkward_variants = {
    **cell_variants,
    "code": [*cell_variants["code"], "HS\\9", "HS\t8", "X" * 101],
    "received": [*cell_variants["received"], "01/04/2030 08:00", "01/04/2021 08:00"],
    "finished": [*cell_variants["finished"], "04/04/2029 10:00"],
    "returned": [*cell_variants["returned"], "31/03/2024 10:00", "04/04/2029 10:00"],
    "apology_date": [*cell_variants["apology_date"], "04/04/2021", "2024-04-04"],
    "status": [*cell_variants["status"], '"Đã\ttrả"'],
    "procedure_code": [*cell_variants["procedure_code"], "P" * 81],
    # A procedure's rows may name it differently: the first direct row's name and field are announced.
    "procedure_name": ["Đăng ký khai sinh", "  Khai sinh (mẫu mới) ", ""],
    "field": ["Hộ tịch", " Tư pháp ", ""],
}


def _both(path, scope=SCOPE):
    """(lines by row, other rows by row, procedures) of the copy path; the reference rows by number."""
    lines, others, procedures = {}, {}, {}
    for batch in copy_batches(open_table(path, DEFAULT_PROFILE), DEFAULT_PROFILE, scope, batch_size=3):
        for line in batch.lines:
            lines[int(line.rsplit("\t", 1)[1])] = line
        others.update({row: (row, record, errors) for row, record, errors in batch.others})
        procedures.update(batch.procedures)
    reference = {row: (row, record, errors) for row, record, errors in validate_rows(iter_rows(path), UNIT_IDS)}
    return lines, others, procedures, reference


CALENDAR = vietnam_calendar(range(2023, 2027))


def _assert_agree(path, scope=SCOPE):
    """Every direct line is what the record path prepares for its row, kept (not refused for its
    unit, not deferred for its years); every other row is exactly what the reference reader gives."""
    lines, others, procedures, reference = _both(path, scope)
    maker = RowMaker(
        unit_ids=UNIT_IDS,
        calendar=CALENDAR,
        rules=DEFAULT_RULES,
        postgresql=True,
        now=datetime.now(UTC),
        first_year=scope.first_year,
        last_year=scope.last_year,
        allowed_unit_ids=scope.allowed_unit_ids,
    )
    assert_direct_rows_agree(
        lines, others, procedures, reference, maker, lambda prepared, line: prepared.copy_text == line + "\n"
    )
    return lines, others


def assert_direct_rows_agree(direct, others, procedures, reference, maker, same):
    """Shared by the direct paths' tests: rows by number on the direct path (`direct`) or handed over
    (`others`) against the reference reader's; `same(prepared, item)` compares what the record path
    prepares for a direct row with the direct path's item."""
    assert direct.keys().isdisjoint(others.keys())
    assert direct.keys() | others.keys() == reference.keys()
    for row, item in direct.items():
        _row, record, errors = reference[row]
        assert not errors and record is not None
        valid, refused = check_batch([reference[row]], DEFAULT_PROFILE)
        assert valid and not refused
        prepared = maker.prepare(valid)
        assert not prepared.errors and not prepared.deferred
        assert same(prepared, item), row
    # Each procedure met on the direct path is announced once, named as in its first direct row.
    first_names: dict[str, tuple[str, str]] = {}
    for row in sorted(direct):
        record = reference[row][1]
        first_names.setdefault(record.procedure_code, (record.procedure_name, record.field))
    assert procedures == first_names
    for row, item in others.items():
        assert item == reference[row]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=registers(awkward_variants), delimiter=st.sampled_from([",", ";"]), only_first_unit=st.booleans())
def test_each_direct_line_is_the_record_paths_line_and_every_other_row_is_handed_over(
    tmp_path, rows, delimiter, only_first_unit
):
    path = write_text_csv(tmp_path / "register.csv", [HEADERS, *rows], delimiter=delimiter)
    scope = CopyScope(UNIT_IDS, frozenset({1}) if only_first_unit else None, 2023, 2026)
    _assert_agree(path, scope)


def test_well_formed_rows_take_the_direct_path_once_their_parts_are_known(tmp_path):
    rows = [with_cell(GOOD_ROW, "code", f"HS{index:03d}") for index in range(6)]
    rows.append(with_cell(with_cell(GOOD_ROW, "code", "HS-LATE"), "received", "01/04/2030 08:00"))
    rows.append(with_cell(GOOD_ROW, "code", "HS000"))  # a duplicate
    path = write_text_csv(tmp_path / "register.csv", [HEADERS, *rows])
    lines, others = _assert_agree(path)
    assert sorted(lines) == list(range(2, 8))
    assert sorted(others) == [8, 9]  # a year beyond the calendar, the duplicate
    assert len(lines[2].split("\t")) == len(COPY_COLUMNS)


def test_every_single_awkward_cell_in_an_otherwise_good_row_agrees(tmp_path):
    rows = []
    for field_name, variants in awkward_variants.items():
        for variant in variants:
            rows.append(with_cell(with_cell(GOOD_ROW, field_name, variant), "code", f"R{len(rows)}"))
            rows.append(with_cell(rows[-1], "code", variant) if field_name == "code" else rows[-1])
    path = write_text_csv(tmp_path / "register.csv", [HEADERS, *rows])
    for scope in (SCOPE, CopyScope(UNIT_IDS, frozenset({2}), 2023, 2026)):
        lines, others = _assert_agree(path, scope)
        assert lines and others
