"""Demo data: about a year of one-stop dossiers for the hundred communes, up to today.

Registers come from `synthetic.generate_dossiers` (each commune with its own on-time, online and
digitisation shares). From October the demo holds this year to date, earlier in the year also the
previous year, at one steady yearly rate so that a quarter of a million dossiers are loaded either
way. What lies after today has not happened yet: those ends, returns and apologies are cleared. The
rows go straight into the table in one bulk load, and the aggregates are built in SQL.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from cchc.core.demo import DemoContext
from cchc.core.formatting import number
from cchc.dossiers import aggregates, calendar_store
from cchc.dossiers.models import DossierSettings, Field, Procedure
from cchc.dossiers.parsing import DossierRecord
from cchc.dossiers.rows import without_cycle_collection
from cchc.dossiers.store import DossierWriter
from cchc.dossiers.synthetic import PROCEDURES, generate_dossiers
from cchc.measures.models import Measure, Target
from cchc.organisation.models import Unit

TOTAL_DOSSIERS = 250_000
FULL_YEAR_FROM_DAY = 274  # from about 1 October this year alone is about a year
BATCH = 20_000
OPEN_STATUS = "Đang xử lý"
TARGETS = [
    ("dossier.settled_on_time_rate", ">=", "95", "Kế hoạch CCHC: ít nhất 95% hồ sơ giải quyết đúng hạn"),
    ("dossier.apologised_rate", "=", "100", "Kế hoạch CCHC: 100% hồ sơ trễ hạn được xin lỗi"),
    ("dossier.online_rate", ">=", "40", "Kế hoạch CCHC: ít nhất 40% hồ sơ nộp trực tuyến"),
    ("dossier.results_digitised_rate", ">=", "55", "Kế hoạch CCHC: ít nhất 55% kết quả được số hóa"),
]


def years_and_rate(today: dt.date) -> tuple[list[int], float]:
    """The years to generate and the dossiers per year that make TOTAL_DOSSIERS up to today."""
    elapsed = (today - dt.date(today.year, 1, 1)).days + 1
    year_length = (dt.date(today.year, 12, 31) - dt.date(today.year, 1, 1)).days + 1
    if elapsed >= FULL_YEAR_FROM_DAY:
        return [today.year], TOTAL_DOSSIERS * year_length / elapsed
    span = 1 + elapsed / year_length
    return [today.year - 1, today.year], TOTAL_DOSSIERS / span


def _as_of_today(record: DossierRecord, today: dt.date, year_end: dt.date) -> DossierRecord | None:
    """The record as the register would show it today; None if it was received after today."""
    if record.received.date() > today:
        return None
    finished, returned, apology = record.finished, record.returned, record.apology_date
    due = record.due
    if finished is None and returned is None and due is not None and due.date() >= year_end - dt.timedelta(days=20):
        # Left open only because the generator stops at its year's end: settled on the due day.
        finished = returned = due.replace(hour=15, minute=0, second=0)
    if finished is not None and finished.date() > today:
        finished = None
    if returned is not None and returned.date() > today:
        returned = None
    if apology is not None and apology > today:
        apology = None
    if (finished, returned, apology) == (record.finished, record.returned, record.apology_date):
        return record
    status = "Đã trả kết quả" if returned is not None else "Đã xử lý xong" if finished is not None else OPEN_STATUS
    return record._replace(
        finished=finished,
        returned=returned,
        apology_date=apology,
        status=status,
        result_digitised=record.result_digitised and (finished or returned) is not None,
    )


def _records(context: DemoContext, codes: list[str]) -> list[DossierRecord]:
    today = context.today
    years, rate = years_and_rate(today)
    calendar = calendar_store.calendar_for_years(range(years[0] - 1, today.year + 2))
    records: list[DossierRecord] = []
    for year in years:
        year_end = dt.date(year, 12, 31)
        for record in generate_dossiers(round(rate), codes, year, context.seed + year, calendar):
            kept = _as_of_today(record, today, year_end if year < today.year else dt.date.max)
            if kept is None:
                break  # dossiers arrive in order: the rest are later still
            records.append(kept)
    return records


def _procedures() -> None:
    fields = {name: Field.objects.get_or_create(name=name)[0] for name in sorted({p.field for p in PROCEDURES})}
    Procedure.objects.bulk_create(
        [Procedure(code=p.code, name=p.name, field=fields[p.field]) for p in PROCEDURES], ignore_conflicts=True
    )


def _targets(context: DemoContext) -> int:
    measures = {measure.code: measure for measure in Measure.objects.filter(code__in=[code for code, *_ in TARGETS])}
    targets = []
    for year in sorted({context.today.year - 1, context.today.year}):
        for code, comparator, value, label in TARGETS:
            measure = measures.get(code)
            if measure is None or Target.objects.filter(measure=measure, period_key=str(year)).exists():
                continue
            targets.append(
                Target(
                    measure=measure,
                    unit=context.province,
                    applies_to_units_below=True,
                    comparator=comparator,
                    value=Decimal(value),
                    period_key=str(year),
                    source_label=f"{label} (năm {year})",
                )
            )
    Target.objects.bulk_create(targets)
    return len(targets)


def load(context: DemoContext) -> None:
    with without_cycle_collection():
        _load(context)


def _load(context: DemoContext) -> None:
    codes = [commune.code for commune in context.communes]
    records = _records(context, codes)
    _procedures()
    settings_row = DossierSettings.current()
    with transaction.atomic():
        writer = DossierWriter(
            calendar_store.current_calendar(),
            settings_row.rules(),
            unit_ids=dict(Unit.objects.filter(code__in=codes).values_list("code", "pk")),
            expected_rows=len(records),
            keep_aggregates=False,
        )
        for start in range(0, len(records), BATCH):
            writer.write(list(enumerate(records[start : start + BATCH], start=start)))
        writer.finish()
        aggregates.rebuild()
    added = _targets(context)
    context.log(f"Đã tạo {number(len(records))} hồ sơ TTHC của {len(codes)} xã, phường và {added} chỉ tiêu về hồ sơ.")
