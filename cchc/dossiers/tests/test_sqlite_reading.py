"""The direct CSV → SQLite row path must write exactly what the record path writes, row by row."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.dossiers.calendar import vietnam_calendar
from cchc.dossiers.classify import DEFAULT_RULES, DossierRules
from cchc.dossiers.copy_reading import CopyScope
from cchc.dossiers.parsing import DEFAULT_PROFILE, validate_rows
from cchc.dossiers.rows import ROW_COLUMNS, RowMaker
from cchc.dossiers.sqlite_reading import sqlite_batches
from cchc.dossiers.tables import iter_rows, open_table
from cchc.dossiers.tests.test_copy_reading import assert_direct_rows_agree, awkward_variants
from cchc.dossiers.tests.test_parsing import GOOD_ROW, HEADERS, registers, with_cell, write_text_csv

UNIT_IDS = {"XA01": 1, "XA02": 2}
SCOPE = CopyScope(UNIT_IDS, None, 2023, 2026)
CALENDAR = vietnam_calendar(range(2023, 2027))
NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)

# Cells that move the facts: clocks before 07:00 (the UTC day before), the 30/04–01/05 holidays between
# an apology and its due date, apologies after the end, more supplement requests, the calendar's edges.
fact_variants = {
    **awkward_variants,
    "received": [*awkward_variants["received"], "26/04/2024 06:59:59", "01/01/2023 00:00", "31/12/2026 23:00"],
    "due": [*awkward_variants["due"], "02/05/2024 17:00", "29/04/2024", "31/12/2026 08:00", "01/01/2027"],
    "finished": [*awkward_variants["finished"], "03/05/2024 08:00", "02/05/2024 06:00", "29/04/2024 17:00"],
    "returned": [*awkward_variants["returned"], "06/05/2024 07:00", "31/12/2026 06:59"],
    "apology_date": [
        *awkward_variants["apology_date"],
        "26/04/2024",
        "29/04/2024",
        "03/05/2024",
        "10/05/2024",
        "01/01/2023",
        "31/12/2026",
    ],
    "supplement_requests": ["0", "1", "2", "", "-1"],
}


def _maker(scope, rules):
    return RowMaker(
        unit_ids=UNIT_IDS,
        calendar=CALENDAR,
        rules=rules,
        postgresql=False,
        now=NOW,
        first_year=scope.first_year,
        last_year=scope.last_year,
        allowed_unit_ids=scope.allowed_unit_ids,
    )


def _assert_agree(path, scope=SCOPE, rules=DEFAULT_RULES):
    """Every direct row is what the record path prepares for its row, kept (not refused for its unit,
    not deferred for its years); every other row is exactly what the reference reader gives."""
    maker = _maker(scope, rules)
    rows, others, procedures = {}, {}, {}
    table = open_table(path, DEFAULT_PROFILE)
    for batch in sqlite_batches(table, DEFAULT_PROFILE, scope, CALENDAR, rules, maker.utc_now, batch_size=3):
        assert len(batch.rows) == len(batch.row_numbers) and batch.rows_read <= 3
        rows.update(zip(batch.row_numbers, batch.rows, strict=True))
        others.update({row: (row, record, errors) for row, record, errors in batch.others})
        procedures.update(batch.procedures)
    reference = {row: (row, record, errors) for row, record, errors in validate_rows(iter_rows(path), UNIT_IDS)}

    def same(prepared, row):  # equal values of the same types (1 == True, 1 == 1.0)
        return prepared.rows == [row] and list(map(type, prepared.rows[0])) == list(map(type, row))

    assert_direct_rows_agree(rows, others, procedures, reference, maker, same)
    return rows, others


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=registers(fact_variants),
    delimiter=st.sampled_from([",", ";"]),
    only_first_unit=st.booleans(),
    rules=st.sampled_from([DEFAULT_RULES, DossierRules(2, 3), DossierRules(0, 0)]),
)
def test_each_direct_row_is_the_record_paths_row_and_every_other_row_is_handed_over(
    tmp_path, rows, delimiter, only_first_unit, rules
):
    path = write_text_csv(tmp_path / "register.csv", [HEADERS, *rows], delimiter=delimiter)
    scope = CopyScope(UNIT_IDS, frozenset({1}) if only_first_unit else None, 2023, 2026)
    _assert_agree(path, scope, rules)


def test_well_formed_rows_take_the_direct_path_once_their_parts_are_known(tmp_path):
    rows = [with_cell(GOOD_ROW, "code", f"HS{index:03d}") for index in range(6)]
    rows.append(with_cell(with_cell(GOOD_ROW, "code", "HS-LATE"), "received", "01/04/2030 08:00"))
    rows.append(with_cell(GOOD_ROW, "code", "HS000"))  # a duplicate
    path = write_text_csv(tmp_path / "register.csv", [HEADERS, *rows])
    direct, others = _assert_agree(path)
    assert sorted(direct) == list(range(2, 8))
    assert sorted(others) == [8, 9]  # a year beyond the calendar, the duplicate
    assert len(direct[2]) == len(ROW_COLUMNS)


def test_every_single_fact_moving_cell_in_an_otherwise_good_row_agrees(tmp_path):
    rows = []
    for field_name, variants in fact_variants.items():
        for variant in variants:
            rows.append(with_cell(with_cell(GOOD_ROW, field_name, variant), "code", f"R{len(rows)}"))
    # An ended late dossier whose apology came after its end, and one still open with an apology.
    late = with_cell(with_cell(GOOD_ROW, "due", "02/05/2024 17:00"), "finished", "06/05/2024 08:00")
    rows.append(with_cell(with_cell(late, "apology_date", "10/05/2024"), "code", "LATE-AFTER"))
    still_open = with_cell(with_cell(late, "finished", ""), "returned", "")
    rows.append(with_cell(with_cell(still_open, "apology_date", "29/04/2024"), "code", "OPEN"))
    path = write_text_csv(tmp_path / "register.csv", [HEADERS, *rows])
    for scope in (SCOPE, CopyScope(UNIT_IDS, frozenset({2}), 2023, 2026)):
        direct, others = _assert_agree(path, scope)
        assert others
    direct, _others = _assert_agree(path)
    position = {name: index for index, name in enumerate(ROW_COLUMNS)}
    by_code = {row[0]: row for row in direct.values()}
    assert by_code["LATE-AFTER"][position["late_apology_after_end"]] == 1
    assert by_code["LATE-AFTER"][position["apology_gap_days"]] == 4
    assert by_code["OPEN"][position["outcome"]] == "open"
    assert by_code["OPEN"][position["overdue_apology_from"]] == "2024-05-03"
