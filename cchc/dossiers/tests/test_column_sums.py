"""The aggregate tables rebuilt from the dossiers' columns (NumPy) against the import's increments."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.dossiers import aggregates, column_sums
from cchc.dossiers.models import Dossier, UnitDayCount
from cchc.dossiers.tests.factories import aggregate_rows, clear_dossiers, random_records, save

UNITS = ["X01", "X02", "SNV", "T01"]


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=10_000), chunk=st.integers(min_value=1, max_value=200))
def test_a_rebuild_in_any_chunks_gives_the_rows_the_imports_increments_gave(world, seed, chunk, monkeypatch):
    # The increments are counted another way on each engine (Python on SQLite, SQL on PostgreSQL).
    clear_dossiers()
    save(random_records(seed, 150, UNITS))
    expected = aggregate_rows()
    assert expected["FieldDayCount"]
    monkeypatch.setattr(column_sums, "CHUNK_DOSSIERS", chunk)
    aggregates.rebuild()
    assert aggregate_rows() == expected


@pytest.mark.django_db
def test_a_rebuild_of_no_dossiers_empties_every_table(world):
    save(random_records(3, 20, UNITS))
    Dossier.objects.all().delete()
    aggregates.rebuild()
    assert aggregate_rows() == {name: [] for name in aggregate_rows()}
    assert not UnitDayCount.objects.exists()


@pytest.mark.django_db
def test_the_columns_read_the_same_with_unit_and_procedure_apart_or_paired(world):
    save(random_records(5, 60, UNITS))
    connection.ensure_connection()
    reader = column_sums._read_postgresql if connection.vendor == "postgresql" else column_sums._read_sqlite
    paired = reader(aggregates.DOSSIER, 0, 10**9, True)
    apart = reader(aggregates.DOSSIER, 0, 10**9, False)
    assert len(paired.unit) == 60
    assert len(paired.overdue.day) == Dossier.objects.filter(overdue_from__isnull=False).count() > 0
    for name in ("unit", "procedure", "received_day", "end_day", "apology_date", "flags", "processing"):
        assert np.array_equal(getattr(paired, name), getattr(apart, name)), name
    for kind in ("overdue", "overdue_apology"):
        for name in ("unit", "procedure", "day", "in_time"):
            assert np.array_equal(getattr(getattr(paired, kind), name), getattr(getattr(apart, kind), name))


@given(
    rows=st.lists(
        st.tuples(st.sampled_from([1, 7, 2**40, 2**62]), st.integers(-5, 5), st.sampled_from([0, 3, 2**50])),
        min_size=1,
        max_size=60,
    )
)
def test_grouping_numbers_the_distinct_keys_in_key_order_even_when_they_are_sparse(rows):
    keys = [np.array(column, dtype=np.int64) for column in zip(*rows, strict=True)]
    distinct, group = column_sums._group(keys)
    expected = sorted(set(rows))
    assert list(zip(*(column.tolist() for column in distinct), strict=True)) == expected
    assert [expected[number] for number in group.tolist()] == rows


def test_rows_of_bigints_split_into_columns_and_a_missing_row_is_refused():
    data = b"".join(value.to_bytes(8, "big", signed=True) for value in (5, -3, 7, 2**40))
    assert [column.tolist() for column in column_sums._bigint_rows(data, 2, 2)] == [[5, 7], [-3, 2**40]]
    assert [column.tolist() for column in column_sums._bigint_rows(b"", 2, 0)] == [[], []]
    with pytest.raises(RuntimeError):
        column_sums._bigint_rows(data, 2, 3)  # a row left out of the aggregate (a NULL value)
    with pytest.raises(RuntimeError):
        column_sums._bigint_rows(data[:-1], 2, 2)


@pytest.mark.django_db
def test_a_rebuild_leaves_every_aggregate_tables_keys_and_indexes_as_they_were(world):
    from cchc.dossiers.aggregates import AGGREGATE_TABLES

    def keys() -> dict[str, dict[str, tuple[object, ...]]]:
        with connection.cursor() as cursor:
            return {
                table: {
                    name: (tuple(details["columns"]), details["primary_key"], details["unique"], details["index"])
                    for name, details in connection.introspection.get_constraints(cursor, table).items()
                    if details["index"] or details["unique"] or details["primary_key"]
                }
                for table in AGGREGATE_TABLES
            }

    save(random_records(4, 30, UNITS))
    before = keys()
    assert all(before.values())
    aggregates.rebuild()
    assert keys() == before
