"""Dossier records for tests: hand-made ones and random ones around month boundaries."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction

from cchc.dossiers import calendar_store
from cchc.dossiers.models import DossierSettings
from cchc.dossiers.parsing import CHANNEL_IN_PERSON, DossierRecord
from cchc.dossiers.store import DossierWriter, WriteSummary
from cchc.organisation.models import Unit

FIELDS = {"1.001": "Hộ tịch", "1.002": "Hộ tịch", "2.001": "Chứng thực", "3.001": "Đất đai"}


def record(
    code: str = "HS-1",
    received: datetime = datetime(2024, 4, 1, 8, 0),
    due: datetime | None = datetime(2024, 4, 5, 16, 30),
    finished: datetime | None = None,
    **changes: object,
) -> DossierRecord:
    base = DossierRecord(
        code=code,
        unit_code="X01",
        procedure_code="1.001",
        procedure_name="Đăng ký khai sinh",
        field="Hộ tịch",
        received=received,
        due=due,
        finished=finished,
        returned=None,
        channel=CHANNEL_IN_PERSON,
        online_level=None,
        components_digitised=False,
        result_digitised=False,
        has_fee=False,
        paid_online=False,
        supplement_requests=0,
        apology_date=None,
        status="",
    )
    return base._replace(**changes)  # type: ignore[arg-type]


def clear_dossiers() -> None:
    """Every dossier and every aggregate row (between the examples of a property test)."""
    from cchc.dossiers.models import (
        Dossier,
        FieldDayCount,
        FieldMonthCount,
        ProcedureMonthCount,
        UnitDayCount,
        UnitMonthCount,
    )

    for model in (UnitDayCount, UnitMonthCount, ProcedureMonthCount, FieldDayCount, FieldMonthCount, Dossier):
        model.objects.all().delete()


def aggregate_rows() -> dict[str, list[tuple[object, ...]]]:
    """Every aggregate table's rows, without their ids, the all-zero ones left out."""
    from cchc.dossiers.counters import COUNTER_NAMES
    from cchc.dossiers.models import (
        FieldDayCount,
        FieldMonthCount,
        ProcedureMonthCount,
        UnitDayCount,
        UnitMonthCount,
    )

    tables = {}
    for model in (UnitDayCount, UnitMonthCount, ProcedureMonthCount, FieldDayCount, FieldMonthCount):
        names = [field.attname for field in model._meta.concrete_fields if field.attname != "id"]
        rows = [row for row in model.objects.values(*names) if any(row[name] for name in COUNTER_NAMES)]
        tables[model.__name__] = sorted(tuple(row[name] for name in names) for row in rows)
    return tables


def save(records: list[DossierRecord], allowed_unit_ids: set[int] | None = None) -> WriteSummary:
    """Write records through the import writer (as a file import does), in one transaction."""
    settings_row = DossierSettings.current()
    with transaction.atomic():
        writer = DossierWriter(
            calendar_store.current_calendar(),
            settings_row.rules(),
            unit_ids=dict(Unit.objects.values_list("code", "pk")),
            allowed_unit_ids=allowed_unit_ids,
        )
        errors = writer.write(list(enumerate(records, start=2)))
        summary = writer.finish()
        summary.errors[:0] = errors
    return summary


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(7, 30)) + timedelta(minutes=rng.randrange(0, 600))


def random_records(
    seed: int, count: int, unit_codes: list[str], first: date = date(2024, 1, 20)
) -> list[DossierRecord]:
    """Dossiers received over ~10 weeks crossing month ends, with every kind of timing and flag."""
    rng = random.Random(seed)
    procedures = list(FIELDS)
    records = []
    for index in range(count):
        received_day = first + timedelta(days=rng.randrange(0, 70))
        received = _moment(rng, received_day)
        due = None if rng.random() < 0.08 else _moment(rng, received_day + timedelta(days=rng.randrange(0, 15)))
        end_day = None if rng.random() < 0.25 else received_day + timedelta(days=rng.randrange(0, 25))
        end = _moment(rng, end_day) if end_day is not None else None
        finished, returned = (end, None) if rng.random() < 0.7 else (None, end)
        if end is not None and rng.random() < 0.3:
            returned = end + timedelta(days=rng.randrange(0, 3))
        apology = None
        if rng.random() < 0.45:
            anchor = due.date() if due is not None else received_day
            apology = anchor + timedelta(days=rng.randrange(-6, 12))
            apology = max(apology, received_day)
        channel = rng.choice([None, 1, 2, 2, 3])
        procedure = rng.choice(procedures)
        has_fee = rng.random() < 0.4
        records.append(
            DossierRecord(
                code=f"R{seed}-{index}",
                unit_code=rng.choice(unit_codes),
                procedure_code=procedure,
                procedure_name=f"Thủ tục {procedure}",
                field=FIELDS[procedure],
                received=received,
                due=due,
                finished=finished,
                returned=returned,
                channel=channel,
                online_level=rng.choice([None, "partial", "full"])
                if channel == 2
                else rng.choice([None, None, "full"]),
                components_digitised=rng.random() < 0.5,
                result_digitised=rng.random() < 0.5,
                has_fee=has_fee,
                paid_online=rng.random() < 0.5,
                supplement_requests=rng.choice([0, 0, 0, 1, 2, 3]),
                apology_date=apology,
                status="",
            )
        )
    return records
