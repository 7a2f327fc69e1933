"""Dossier benchmarks (issue 4): importing registers, the KPI screen's queries, a full recomputation.

Each figure is measured against a baseline in the same run:

- importing a CSV register on PostgreSQL vs PostgreSQL's own COPY of the same file into a table of
  text columns (limit 6×); on SQLite against the 30 s limit of the issue (for a million rows);
- importing the same register as .xlsx vs a plain calamine read of it (limit 3×);
- the KPI screen's queries (totals, monthly trend, units below, fields) for random unit subtrees and
  periods: p50 and p95 in milliseconds (limit 100 ms);
- a full recomputation (facts from the working-day tally, then every aggregate) vs DuckDB's same
  computation over the same rows (limit 3×).

Databases are touched in worker processes (`python -m bench.bench_dossiers worker …`), one per
measurement, because Django's database is fixed per process: SQLite files under
bench/results/dossiers/, PostgreSQL database `cchc_bench` on CCHC_BENCH_PG (default
postgres://postgres@127.0.0.1:5432/test, used only to create and drop it). Registers are generated
once per scale (seeded) and kept in bench/results/dossiers/data/.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.harness import RESULTS_DIR, Results, timed
from cchc.dossiers.counters import COUNTER_NAMES

SCALES = {"small": 20_000, "1m": 1_000_000, "10m": 10_000_000}
EXCEL_ROW_LIMIT = 1_048_575
WORK_DIR = RESULTS_DIR / "dossiers"
DATA_DIR = WORK_DIR / "data"
PG_ADMIN_URL = os.environ.get("CCHC_BENCH_PG", "postgres://postgres@127.0.0.1:5432/test")
PG_DATABASE = "cchc_bench"
YEAR = 2024
SEED = 4
DISTRICTS = 10
COMMUNES_PER_DISTRICT = 10
KPI_QUERIES = 200


def commune_codes() -> list[str]:
    return [f"HS{index:03d}" for index in range(1, DISTRICTS * COMMUNES_PER_DISTRICT + 1)]


def _repeat(scale: str) -> int:
    return 3 if scale in ("small", "1m") else 1


# Registers.


def register(rows: int, suffix: str) -> Path:
    """The seeded register of `rows` dossiers as .csv or .xlsx, generated once."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / f"register-{rows}.{suffix}"
    if path.exists():
        return path
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    from cchc.dossiers.calendar import vietnam_calendar
    from cchc.dossiers.synthetic import generate_dossiers, write_csv, write_xlsx

    calendar = vietnam_calendar(range(YEAR - 1, YEAR + 3))
    records = generate_dossiers(rows, commune_codes(), YEAR, SEED, calendar)
    started = time.perf_counter()
    partial = path.with_suffix(path.suffix + ".part")
    (write_xlsx if suffix == "xlsx" else write_csv)(partial, records)
    partial.rename(path)
    print(f"  generated {path.name} in {time.perf_counter() - started:.0f} s", flush=True)
    return path


# Orchestration: each database measurement in its own worker process.


def _environment(engine: str, scale: str) -> dict[str, str]:
    environment = dict(os.environ, DJANGO_SETTINGS_MODULE="cchc.settings", CCHC_LOG_LEVEL="ERROR")
    environment.pop("DATABASE_URL", None)
    if engine == "postgresql":
        base = PG_ADMIN_URL.rsplit("/", 1)[0]
        environment["DATABASE_URL"] = f"{base}/{PG_DATABASE}"
    else:
        environment["CCHC_VAR_DIR"] = str(WORK_DIR / f"sqlite-{scale}")
    return environment


def worker(engine: str, scale: str, *arguments: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.bench_dossiers", "worker", *arguments]
    completed = subprocess.run(
        command, env=_environment(engine, scale), capture_output=True, text=True, check=False, cwd=Path.cwd()
    )
    if completed.returncode != 0:
        raise RuntimeError(f"worker {arguments} on {engine} failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _timing(seconds: list[float]) -> dict[str, float]:
    return {"median_s": statistics.median(seconds), "min_s": min(seconds), "max_s": max(seconds), "runs": len(seconds)}


def postgresql_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


def reset_postgresql() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {PG_DATABASE}")


def vacuum_postgresql() -> None:
    """What autovacuum does in the minutes after a big import, done now."""
    import psycopg

    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/{PG_DATABASE}", autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


def reset_sqlite(scale: str) -> None:
    folder = WORK_DIR / f"sqlite-{scale}"
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.glob("cchc.sqlite3*"):
        path.unlink()


def _imports(engine: str, scale: str, path: Path, repeat: int) -> tuple[dict[str, Any], dict[str, Any]]:
    seconds, last = [], {}
    for _ in range(repeat):
        reset_postgresql() if engine == "postgresql" else reset_sqlite(scale)
        worker(engine, scale, "setup")
        last = worker(engine, scale, "import", str(path))
        seconds.append(last["seconds"])
    return _timing(seconds), last


def _copy_baseline(path: Path, repeat: int) -> dict[str, float]:
    import psycopg

    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    with open(path, encoding="utf-8-sig") as handle:
        columns = next(csv.reader(handle))
    definition = ", ".join(f"c{index} text" for index in range(len(columns)))
    seconds = []
    with psycopg.connect(f"{base}/{PG_DATABASE}", autocommit=True) as connection:
        for _ in range(repeat):
            connection.execute("DROP TABLE IF EXISTS copy_baseline")
            connection.execute(f"CREATE TABLE copy_baseline ({definition})")
            started = time.perf_counter()
            connection.execute(f"COPY copy_baseline FROM '{path.resolve()}' WITH (FORMAT csv, HEADER true)")
            seconds.append(time.perf_counter() - started)
        connection.execute("DROP TABLE copy_baseline")
    return _timing(seconds)


def _calamine_read(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    for _row in sheet.iter_rows():
        pass


DUCKDB_FACTS = """
CREATE OR REPLACE TABLE facts AS
SELECT d.*,
  CASE WHEN end_day IS NULL THEN 'open' WHEN supplement_requests > 1 THEN 'late'
       WHEN due_day IS NULL OR end_day = due_day THEN 'on_time' WHEN end_day < due_day THEN 'early' ELSE 'late' END
    AS new_outcome,
  CASE WHEN end_day IS NULL THEN NULL WHEN end_day <= received_day THEN 0 ELSE e.through - r.through END
    AS new_processing,
  CASE WHEN apology_date IS NULL OR due_day IS NULL THEN NULL WHEN apology_date >= due_day THEN FALSE
       ELSE dd.before - a.before >= 1 END AS new_apology_in_time,
  (new_outcome = 'late' AND apology_date IS NOT NULL AND apology_date > end_day) IS TRUE AS late_after_end
FROM dossier d
JOIN tally r ON r.day = d.received_day
LEFT JOIN tally e ON e.day = d.end_day
LEFT JOIN tally dd ON dd.day = d.due_day
LEFT JOIN tally a ON a.day = d.apology_date
"""

DUCKDB_EVENTS = """
SELECT unit_id, procedure_id, received_day AS day, received_month AS month, 1 AS received,
  (channel = 2)::INT AS online, (channel = 2 AND online_level = 'full')::INT AS online_full,
  components_digitised::INT AS components_digitised, has_fee::INT AS with_fee,
  (has_fee AND paid_online)::INT AS paid_online,
  0 AS settled, 0 AS early, 0 AS on_time, 0 AS late, 0 AS results_digitised, 0 AS late_apologised,
  0 AS late_apologised_in_time, 0 AS late_apologised_after_end, 0 AS late_apologised_after_end_in_time,
  0 AS processing_days_total, 1 AS open_delta, 0 AS overdue_delta,
  0 AS overdue_apologised_delta, 0 AS overdue_apologised_in_time_delta,
  0 AS apology_pending_delta, 0 AS apology_pending_in_time_delta FROM facts
UNION ALL
SELECT unit_id, procedure_id, end_day, end_month, 0, 0, 0, 0, 0, 0, 1, (new_outcome = 'early')::INT,
  (new_outcome = 'on_time')::INT, (new_outcome = 'late')::INT, result_digitised::INT,
  (new_outcome = 'late' AND apology_date IS NOT NULL AND apology_date <= end_day)::INT,
  (new_outcome = 'late' AND apology_date IS NOT NULL AND apology_date <= end_day
    AND coalesce(new_apology_in_time, FALSE))::INT,
  late_after_end::INT, (late_after_end AND coalesce(new_apology_in_time, FALSE))::INT,
  coalesce(new_processing, 0), -1, -(overdue_from IS NOT NULL)::INT, -(overdue_apology_from IS NOT NULL)::INT,
  -(overdue_apology_from IS NOT NULL AND coalesce(new_apology_in_time, FALSE))::INT,
  late_after_end::INT, (late_after_end AND coalesce(new_apology_in_time, FALSE))::INT
FROM facts WHERE end_day IS NOT NULL
UNION ALL
SELECT unit_id, procedure_id, overdue_from, year(overdue_from) * 100 + month(overdue_from), 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 FROM facts WHERE overdue_from IS NOT NULL
UNION ALL
SELECT unit_id, procedure_id, apology_date, year(apology_date) * 100 + month(apology_date), 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -coalesce(new_apology_in_time, FALSE)::INT
FROM facts WHERE late_after_end
UNION ALL
SELECT unit_id, procedure_id, overdue_apology_from, year(overdue_apology_from) * 100 + month(overdue_apology_from),
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, coalesce(new_apology_in_time, FALSE)::INT, 0, 0
FROM facts WHERE overdue_apology_from IS NOT NULL
"""
COUNTERS = list(COUNTER_NAMES)  # the product's counters, every one of them
_SUMS = ", ".join(f"sum({name}) AS {name}" for name in COUNTERS)


def duckdb_recompute(export: Path, tally: Path, procedures: Path, repeat: int) -> dict[str, Any]:
    """The same facts and the same five aggregate tables computed by DuckDB from the same rows (loading
    is not timed)."""
    import duckdb

    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE dossier AS SELECT * FROM read_csv('{export}', header = true)")
    connection.execute(f"CREATE TABLE tally AS SELECT * FROM read_csv('{tally}', header = true)")
    connection.execute(f"CREATE TABLE procedure AS SELECT * FROM read_csv('{procedures}', header = true)")

    def compute() -> None:
        connection.execute(DUCKDB_FACTS)
        connection.execute(
            f"CREATE OR REPLACE TABLE grouped AS SELECT unit_id, procedure_id, day, month, {_SUMS} "
            f"FROM ({DUCKDB_EVENTS}) GROUP BY ALL"
        )
        connection.execute(
            f"CREATE OR REPLACE TABLE unit_day AS SELECT unit_id, day, {_SUMS} FROM grouped GROUP BY ALL"
        )
        connection.execute(
            f"CREATE OR REPLACE TABLE procedure_month AS SELECT unit_id, month, procedure_id, {_SUMS} "
            "FROM grouped GROUP BY ALL"
        )
        connection.execute(
            f"CREATE OR REPLACE TABLE field_day AS SELECT g.unit_id, g.day, p.field_id, {_SUMS} "
            "FROM grouped g JOIN procedure p ON p.id = g.procedure_id GROUP BY ALL"
        )
        connection.execute(
            f"CREATE OR REPLACE TABLE field_month AS SELECT g.unit_id, g.month, p.field_id, {_SUMS} "
            "FROM grouped g JOIN procedure p ON p.id = g.procedure_id GROUP BY ALL"
        )
        connection.execute(
            f"CREATE OR REPLACE TABLE unit_month AS SELECT unit_id, month, {_SUMS} FROM procedure_month GROUP BY ALL"
        )

    figures: dict[str, Any] = timed(compute, repeat=repeat)
    totals = connection.execute(f"SELECT {', '.join(f'sum({name})' for name in COUNTERS)} FROM unit_month").fetchone()
    figures["totals"] = dict(zip(COUNTERS, [int(value or 0) for value in totals or []], strict=True))
    return figures


def run(results: Results, scale: str) -> None:
    rows = SCALES[scale]
    repeat = _repeat(scale)
    results.add("dossiers", rows)
    csv_path = register(rows, "csv")
    with_postgresql = postgresql_available()

    # Import: SQLite (absolute limit at a million rows) and PostgreSQL (against its own COPY).
    timing, last = _imports("sqlite", scale, csv_path, repeat)
    results.add("import_csv_sqlite", timing | {"created": last["created"], "limit_s_at_1m": 30})
    if with_postgresql:
        # In turn, import then COPY, so that each ratio compares runs on the machine as it was then.
        imports, copies, last = [], [], {}
        for _ in range(repeat):
            timing, last = _imports("postgresql", scale, csv_path, 1)
            imports.append(timing["median_s"])
            copies.append(_copy_baseline(csv_path, 1)["median_s"])
        results.add("import_csv_postgresql", _timing(imports) | {"created": last["created"]})
        results.add("copy_csv_postgresql", _timing(copies))
        results.paired_ratio(
            "import_csv_postgresql_over_copy",
            "import_csv_postgresql",
            "copy_csv_postgresql",
            [imported / copied for imported, copied in zip(imports, copies, strict=True)],
            limit=6,
        )

    # The KPI screen, on the databases just loaded.
    results.add("kpi_screen_sqlite", worker("sqlite", scale, "kpis", str(KPI_QUERIES)))
    if with_postgresql:
        # Right after a big import autovacuum works through the new rows on one of the two cores and
        # the first reads set every page's hint bits; the limit is about the screen as it then stays.
        results.add("kpi_screen_postgresql_right_after_import", worker("postgresql", scale, "kpis", str(KPI_QUERIES)))
        vacuum_postgresql()
        results.add("kpi_screen_postgresql", worker("postgresql", scale, "kpis", str(KPI_QUERIES)))

    # Full recomputation vs DuckDB over the same rows.
    export, tally = WORK_DIR / f"facts-{scale}.csv", WORK_DIR / f"tally-{scale}.csv"
    # Three runs at every scale: one run of either side varied by half from one to the next at 10M.
    recompute_repeat = max(repeat, 3)
    recomputed = worker("sqlite", scale, "recompute", str(recompute_repeat), str(export), str(tally))
    results.add("recompute_sqlite", recomputed)
    procedures = WORK_DIR / f"procedures-{scale}.csv"
    results.add("duckdb_same_aggregation", duckdb_recompute(export, tally, procedures, recompute_repeat))
    # The baseline counts for its time only if it computed the very same figures.
    results.add("duckdb_same_totals", results.figures["duckdb_same_aggregation"]["totals"] == recomputed["totals"])
    results.ratio("recompute_sqlite_over_duckdb", "recompute_sqlite", "duckdb_same_aggregation", limit=3)
    if with_postgresql:
        results.add("recompute_postgresql", worker("postgresql", scale, "recompute", str(recompute_repeat), "", ""))
        results.ratio("recompute_postgresql_over_duckdb", "recompute_postgresql", "duckdb_same_aggregation", limit=3)

    # .xlsx (at most the Excel row limit) against a plain calamine read of the same workbook.
    xlsx_rows = min(rows, EXCEL_ROW_LIMIT) if scale != "10m" else 1_000_000
    xlsx_path = register(xlsx_rows, "xlsx")
    results.add("xlsx_rows", xlsx_rows)
    timing, _last = _imports("sqlite", f"{scale}-xlsx", xlsx_path, min(repeat, 2))
    results.add("import_xlsx_sqlite", timing)
    results.add("read_xlsx_calamine", timed(lambda: _calamine_read(xlsx_path), repeat=min(repeat, 2)))
    results.ratio("import_xlsx_over_calamine", "import_xlsx_sqlite", "read_xlsx_calamine", limit=3)


# The worker: runs inside a process whose settings point at one database.


def _setup() -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from cchc.organisation.models import Unit
    from cchc.testing import make_unit

    if not Unit.objects.filter(code="HS").exists():
        province = make_unit("Tỉnh Hòa Sơn", "tinh", code="HS")
        codes = iter(commune_codes())
        for district_number in range(1, DISTRICTS + 1):
            district = make_unit(
                f"Huyện {district_number}", "huyen", parent=province, code=f"HS-D{district_number:02d}"
            )
            for _ in range(COMMUNES_PER_DISTRICT):
                code = next(codes)
                make_unit(f"Xã {code}", "xa", parent=district, code=code)
    return {"units": Unit.objects.count()}


def _import(path: str) -> dict[str, Any]:
    import django

    django.setup()
    from cchc.dossiers.importing import import_file

    started = time.perf_counter()
    result = import_file(path)
    seconds = time.perf_counter() - started
    if not result.saved:
        raise RuntimeError(result.summary())
    return {"seconds": seconds, "created": result.created}


def _random_screen(rng: random.Random, units: list[Any]) -> tuple[Any, dt.date, dt.date, dt.date]:
    from cchc.measures.periods import custom, half, month, nine_months, quarter, year

    level = rng.choice([0, 1, 2])  # the province, a district or a commune: subtrees of every size
    unit = rng.choice([candidate for candidate in units if candidate.depth == level] or units)
    kind = rng.choice(["month", "quarter", "half", "nine", "year", "custom"])
    period = {
        "month": lambda: month(YEAR, rng.randint(1, 12)),
        "quarter": lambda: quarter(YEAR, rng.randint(1, 4)),
        "half": lambda: half(YEAR, rng.randint(1, 2)),
        "nine": lambda: nine_months(YEAR),
        "year": lambda: year(YEAR),
        "custom": lambda: custom(
            dt.date(YEAR, 1, 1) + dt.timedelta(days=(first := rng.randint(0, 300))),
            dt.date(YEAR, 1, 1) + dt.timedelta(days=first + rng.randint(5, 60)),
        ),
    }[kind]()
    # Mostly «as of the period's end»; some screens look at a day inside it (the current month).
    as_of = (
        period.end
        if rng.random() < 0.6
        else period.start + dt.timedelta(days=rng.randint(0, (period.end - period.start).days))
    )
    return unit, period.start, period.end, as_of


def _kpis(count: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection, reset_queries

    from cchc.dossiers import kpis
    from cchc.dossiers.models import Dossier
    from cchc.dossiers.overview import trend_window
    from cchc.measures.periods import custom
    from cchc.organisation.models import Unit

    units = list(Unit.objects.order_by("path"))
    rng = random.Random(7)
    timings: dict[str, list[float]] = {"screen": [], "totals": [], "trend": [], "units_below": [], "fields": []}

    def screen(unit: Any, start: dt.date, end: dt.date, as_of: dt.date) -> None:
        clock = time.perf_counter()
        kpis.kpis(unit, start, end, as_of)
        after_totals = time.perf_counter()
        trend_start, trend_end = trend_window(custom(start, end))
        kpis.monthly_totals(unit, trend_start, trend_end, as_of)
        after_trend = time.perf_counter()
        children = list(unit.children.all())
        if children:
            kpis.totals_per_unit(children, start, end, as_of)
        after_children = time.perf_counter()
        kpis.kpis(unit, start, end, as_of, by=["field"])
        done = time.perf_counter()
        timings["totals"].append(after_totals - clock)
        timings["trend"].append(after_trend - after_totals)
        timings["units_below"].append(after_children - after_trend)
        timings["fields"].append(done - after_children)
        timings["screen"].append(done - clock)

    for _ in range(10):  # warm the caches as a running server would be
        screen(*_random_screen(rng, units))
    for values in timings.values():
        values.clear()
    reset_queries()
    for _ in range(count):
        screen(*_random_screen(rng, units))

    def quantiles(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        return {
            "p50_ms": round(1000 * statistics.median(ordered), 2),
            "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 2),
            "max_ms": round(1000 * ordered[-1], 2),
        }

    figures: dict[str, Any] = {name: quantiles(values) for name, values in timings.items()}
    figures["screen"]["limit_ms"] = 100
    figures["screen"]["within_limit"] = figures["screen"]["p95_ms"] <= 100
    figures["queries"] = count
    figures["dossiers"] = Dossier.objects.count()
    figures["engine"] = connection.vendor
    return figures


def _recompute(repeat: int, export: str, tally: str) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection

    from cchc.dossiers import recompute
    from cchc.dossiers.models import Dossier, Procedure, WorkingDayTally

    # The first run reads the dossiers from disk when the imports before it pushed them out of the
    # operating system's cache (at 10M they do); DuckDB's baseline works on data already in memory.
    started = time.perf_counter()
    recompute.recompute()
    first_run = time.perf_counter() - started
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        recompute.recompute()
        seconds.append(time.perf_counter() - started)
    figures: dict[str, Any] = _timing(seconds) | {"first_run_s": first_run}
    # What an administrator's edit of one day costs: only the dossiers spanning it are recomputed.
    incremental = []
    for _ in range(repeat):
        started = time.perf_counter()
        changed = recompute.recompute([dt.date(YEAR, 6, 10)]).facts_changed
        incremental.append(time.perf_counter() - started)
    figures["incremental_one_day"] = _timing(incremental) | {"facts_changed": changed}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(f'SUM({name})' for name in COUNTERS)} FROM dossiers_unitmonthcount")
        figures["totals"] = dict(zip(COUNTERS, [int(value or 0) for value in cursor.fetchone()], strict=True))
    if export:
        columns = [
            "unit_id",
            "procedure_id",
            "received_day",
            "due_day",
            "end_day",
            "received_month",
            "end_month",
            "supplement_requests",
            "apology_date",
            "channel",
            "online_level",
            "components_digitised",
            "result_digitised",
            "has_fee",
            "paid_online",
            "overdue_from",
            "overdue_apology_from",
        ]
        with open(export, "w", newline="") as handle, connection.cursor() as cursor:
            writer = csv.writer(handle)
            writer.writerow(columns)
            cursor.execute(f"SELECT {', '.join(columns)} FROM {Dossier._meta.db_table}")
            while batch := cursor.fetchmany(100_000):
                writer.writerows(
                    [
                        ["true" if value is True else "false" if value is False else value for value in row]
                        for row in batch
                    ]
                )
        with open(tally, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["day", "through", "before"])
            writer.writerows(WorkingDayTally.objects.values_list("day", "through", "before"))
        with open(Path(tally).with_name(Path(tally).name.replace("tally-", "procedures-")), "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "field_id"])
            writer.writerows(Procedure.objects.values_list("id", "field_id"))
    return figures


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["worker"])
    parser.add_argument("task", choices=["setup", "import", "kpis", "recompute"])
    parser.add_argument("arguments", nargs="*")
    options = parser.parse_args()
    task, arguments = options.task, options.arguments
    if task == "setup":
        output = _setup()
    elif task == "import":
        output = _import(arguments[0])
    elif task == "kpis":
        output = _kpis(int(arguments[0]))
    else:
        output = _recompute(int(arguments[0]), arguments[1], arguments[2])
    print(json.dumps(output, default=str))


if __name__ == "__main__":
    main()
