"""The NumPy recomputation on SQLite: its threaded reads, its facts at the calendar's edges, its fallback.

Its results (facts stored, aggregates) are checked against the reference count and the Python rules
in test_kpi_aggregates.py, which run it on SQLite."""

from __future__ import annotations

import sqlite3
from datetime import date

import numpy as np
import pytest
from django.db import connection

from cchc.dossiers import aggregates, recompute, sqlite_recompute
from cchc.dossiers.calendar import WorkingCalendar
from cchc.dossiers.classify import DEFAULT_RULES, classify_batch
from cchc.dossiers.column_sums import NO_DAY
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.factories import aggregate_rows, clear_dossiers, random_records, save

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own recomputation")


def test_the_two_threads_read_every_value_as_one_connection_reads_it(tmp_path):
    path = tmp_path / "so.sqlite3"
    with sqlite3.connect(path) as database:
        database.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)")
        database.executemany("INSERT INTO t VALUES (?, ?, ?)", [(n, n * 7 % 11, f"x{n}") for n in range(1, 500)])
    selects = ["group_concat(a)", "group_concat(b, '')", "group_concat(a + id)", "group_concat(id)", "count(*)"]
    read = sqlite_recompute._concatenations("t", selects, 10, 300, str(path))
    with sqlite3.connect(path) as database:
        expected = [
            database.execute(f"SELECT {select} FROM t NOT INDEXED WHERE id > 10 AND id <= 300").fetchone()[0]
            for select in selects
        ]
    assert read == expected and read[-1] == 290
    with pytest.raises(sqlite3.OperationalError):
        sqlite_recompute._concatenations("t", ["group_concat(nope)", *selects], 0, 9, str(path))


def _chunk(received, due, end, apology, supplements):
    def days(values):
        return np.array([NO_DAY if day is None else (day - date(1970, 1, 1)).days for day in values], dtype=np.int64)

    count = len(received)
    state = np.array(supplements, dtype=np.int64) << sqlite_recompute._SUPPLEMENTS_SHIFT
    zeros = np.zeros(count, dtype=np.int64)
    return sqlite_recompute._Chunk(0, count, zeros, zeros, zeros, state, *map(days, (received, end, apology, due)))


def test_the_facts_at_the_edges_of_the_calendars_table_are_the_python_rules_facts_or_none_beyond():
    calendar = WorkingCalendar.for_years(2024, 2024)
    first_ordinal, cumulative = calendar.table
    tally = np.array(cumulative, dtype=np.int64)
    origin = first_ordinal - sqlite_recompute._EPOCH_ORDINAL
    rows = [  # received, due, end, apology, supplements
        (date(2024, 1, 1), date(2024, 1, 5), date(2024, 1, 5), date(2024, 1, 1), 0),
        (date(2024, 4, 26), date(2024, 5, 3), date(2024, 5, 6), date(2024, 5, 2), 0),
        (date(2024, 4, 26), date(2024, 5, 3), None, date(2024, 4, 29), 0),
        (date(2024, 12, 2), date(2024, 12, 31), date(2024, 12, 31), None, 2),
        (date(2024, 6, 3), None, date(2024, 6, 1), date(2024, 6, 10), 0),
        (date(2024, 6, 3), date(2024, 6, 4), date(2024, 6, 20), date(2024, 6, 25), 0),
    ]
    received, due, end, apology, supplements = (list(column) for column in zip(*rows, strict=True))
    facts = sqlite_recompute._facts(_chunk(received, due, end, apology, supplements), tally, origin, DEFAULT_RULES)
    assert facts is not None
    timing = [(r, d, e, None, s, a) for r, d, e, a, s in rows]
    expected = classify_batch(timing, date.max, calendar, DEFAULT_RULES)
    codes = {"early": 1, "on_time": 2, "late": 3}
    assert facts.outcome.tolist() == [codes[item.classification] if item.end_ordinal else 0 for item in expected]
    assert facts.processing.tolist() == [
        -1 if item.processing_working_days is None else item.processing_working_days for item in expected
    ]
    assert facts.in_time.tolist() == [{None: 0, False: 1, True: 2}[item.apology_in_time] for item in expected]
    assert facts.late_after_end.tolist() == [False, False, False, False, False, True]
    for beyond in ([date(2025, 1, 1)], [date(2023, 12, 30)]):  # received outside the table (from 31/12/2023)
        chunk = _chunk(beyond, [None], [None], [None], [0])
        assert sqlite_recompute._facts(chunk, tally, origin, DEFAULT_RULES) is None


@pytest.mark.django_db
def test_a_recomputation_the_arrays_cannot_do_is_done_in_sql_with_the_same_result(world, monkeypatch):
    clear_dossiers()
    save(random_records(11, 150, ["X01", "X02"]))
    recompute.recompute()
    expected_rows = aggregate_rows()
    expected_facts = sorted(Dossier.objects.values_list("code", "outcome", "processing_working_days"))
    monkeypatch.setattr(sqlite_recompute, "_facts", lambda *arguments: None)
    fallback = []
    original = aggregates.recompute_facts
    monkeypatch.setattr(aggregates, "recompute_facts", lambda rules: fallback.append(1) or original(rules))
    result = recompute.recompute()
    assert fallback == [1] and result.facts_changed == 0
    assert aggregate_rows() == expected_rows
    assert sorted(Dossier.objects.values_list("code", "outcome", "processing_working_days")) == expected_facts
