"""The demo's dossiers: up to today, shares differing by commune, targets, and the years chosen."""

from __future__ import annotations

import datetime as dt

import pytest

from cchc.core import demo as core_demo
from cchc.dossiers import demo
from cchc.dossiers.kpi_math import classify_record, count_period
from cchc.dossiers.kpis import kpis, totals_per_unit
from cchc.dossiers.models import Dossier
from cchc.measures.models import Target
from cchc.measures.services import sync_definitions


def test_from_october_the_demo_holds_this_year_alone_and_earlier_also_the_previous_year():
    assert demo.years_and_rate(dt.date(2026, 11, 23))[0] == [2026]
    years, rate = demo.years_and_rate(dt.date(2026, 3, 15))
    assert years == [2025, 2026] and rate < demo.TOTAL_DOSSIERS


def test_a_record_is_shown_as_the_register_would_show_it_today():
    from cchc.dossiers.tests.factories import record

    today = dt.date(2026, 3, 10)
    later = record(
        "A",
        dt.datetime(2026, 3, 2, 8),
        dt.datetime(2026, 3, 12),
        dt.datetime(2026, 3, 11),
        apology_date=dt.date(2026, 3, 11),
    )
    shown = demo._as_of_today(later, today, dt.date.max)
    assert shown is not None and (shown.finished, shown.apology_date, shown.status) == (None, None, demo.OPEN_STATUS)
    assert demo._as_of_today(record("B", dt.datetime(2026, 3, 11, 8)), today, dt.date.max) is None


@pytest.mark.django_db
def test_the_demo_loads_dossiers_up_to_today_with_figures_that_differ_by_commune(monkeypatch):
    monkeypatch.setattr(demo, "TOTAL_DOSSIERS", 6_000)
    context = core_demo.build_organisation(log=lambda text: None)
    context.today = dt.date(2026, 3, 15)
    sync_definitions()
    demo.load(context)
    count = Dossier.objects.count()
    assert 5_500 <= count <= 6_500
    assert Dossier.objects.filter(received_day__gt=context.today).count() == 0
    assert Dossier.objects.filter(end_day__gt=context.today).count() == 0
    assert Dossier.objects.filter(received_day__year=2025).exists()
    year_2025 = totals_per_unit(context.communes, dt.date(2025, 1, 1), dt.date(2025, 12, 31), context.today)
    on_time = {counts.rates()["settled_on_time_rate"] for counts in year_2025.values() if counts.settled}
    online = {counts.rates()["online_rate"] for counts in year_2025.values() if counts.received}
    assert len(on_time) > 30 and len(online) > 30
    assert Target.objects.filter(measure__code="dossier.settled_on_time_rate", unit=context.province).exists()
    assert Dossier.objects.filter(unit=context.home_commune, end_day__isnull=True, due_day__lt=context.today).exists()


@pytest.mark.django_db
def test_the_demo_aggregates_built_in_sql_match_the_reference_count(monkeypatch):
    from cchc.dossiers import calendar_store

    monkeypatch.setattr(demo, "TOTAL_DOSSIERS", 2_000)
    context = core_demo.build_organisation(log=lambda text: None)
    context.today = dt.date(2026, 2, 10)
    records: list = []
    original = demo._records

    def keep(context_, codes):  # type: ignore[no-untyped-def]
        records.extend(original(context_, codes))
        return records

    monkeypatch.setattr(demo, "_records", keep)
    demo.load(context)
    calendar = calendar_store.current_calendar()
    classified = [classify_record(record, calendar) for record in records]
    for start, end in [(dt.date(2025, 1, 1), dt.date(2025, 12, 31)), (dt.date(2026, 1, 1), dt.date(2026, 2, 28))]:
        assert kpis(context.province, start, end, context.today)[0].counts == count_period(
            classified, start, end, context.today
        )
