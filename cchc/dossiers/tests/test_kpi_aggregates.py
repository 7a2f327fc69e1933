"""The aggregate-backed KPI service against the reference loops of kpi_math, on random registers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.dossiers import calendar_store, kpis, recompute
from cchc.dossiers.kpi_math import KpiCounts, classify_record, count_grouped, count_period, month_periods
from cchc.dossiers.models import Dossier, UnitDayCount
from cchc.dossiers.tests.factories import FIELDS, clear_dossiers, random_records, save

UNITS = ["X01", "X02", "SNV", "T01"]
FIRST = date(2024, 1, 1)


def _clear() -> None:
    clear_dossiers()


def _reference(records, start, end, as_of, key=None):
    calendar = calendar_store.current_calendar()
    classified = [classify_record(record, calendar) for record in records]
    if key is None:
        return count_period(classified, start, end, as_of)
    return count_grouped(classified, start, end, as_of, key)


def _assert_same(records, start, end, as_of, world):
    assert kpis.kpis(None, start, end, as_of)[0].counts == _reference(records, start, end, as_of)
    by_unit = {group.labels["unit_code"]: group.counts for group in kpis.kpis(None, start, end, as_of, by=["unit"])}
    assert by_unit == _reference(records, start, end, as_of, key=lambda item: item.unit_code)
    by_procedure = {
        group.labels["procedure_code"]: group.counts for group in kpis.kpis(None, start, end, as_of, by=["procedure"])
    }
    assert by_procedure == _reference(records, start, end, as_of, key=lambda item: item.procedure_code)
    by_field = {group.labels["field"]: group.counts for group in kpis.kpis(None, start, end, as_of, by=["field"])}
    assert by_field == _reference(records, start, end, as_of, key=lambda item: FIELDS[item.procedure_code])
    by_month = {group.month: group.counts for group in kpis.kpis(None, start, end, as_of, by=["month"])}
    expected_months = {}
    for key, month_start, month_end in month_periods(start, end):
        counts = _reference(records, month_start, month_end, as_of)
        if counts != KpiCounts():
            expected_months[key] = counts
    assert by_month == expected_months
    commune = kpis.kpis(world.commune, start, end, as_of)[0].counts
    assert commune == _reference([r for r in records if r.unit_code == "X01"], start, end, as_of)


periods = st.tuples(
    st.integers(min_value=0, max_value=110),
    st.integers(min_value=0, max_value=80),
    st.integers(min_value=-10, max_value=120),
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=10_000), period=periods)
def test_every_kpi_counter_from_the_aggregates_equals_the_reference_count_on_random_dossiers(world, seed, period):
    _clear()
    records = random_records(seed, 120, UNITS)
    save(records)
    offset, length, as_of_offset = period
    start = FIRST + timedelta(days=offset)
    end = start + timedelta(days=length)
    as_of = start + timedelta(days=as_of_offset)
    _assert_same(records, start, end, as_of, world)


@pytest.mark.django_db
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=10_000), period=periods)
def test_aggregates_rebuilt_from_the_columns_equal_the_reference_count(world, seed, period):
    _clear()
    records = random_records(seed, 120, UNITS)
    save(records)
    UnitDayCount.objects.all().delete()
    recompute.recompute()
    offset, length, as_of_offset = period
    start = FIRST + timedelta(days=offset)
    end = start + timedelta(days=length)
    _assert_same(records, start, end, start + timedelta(days=as_of_offset), world)


@pytest.mark.django_db
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=10_000), period=periods)
def test_re_importing_changed_dossiers_keeps_the_aggregates_equal_to_the_reference(world, seed, period):
    _clear()
    first = random_records(seed, 120, UNITS)
    save(first)
    # Half the codes come back with other dates, units and flags; the rest are new.
    second = [
        changed._replace(code=original.code) if index % 2 == 0 else changed
        for index, (original, changed) in enumerate(zip(first, random_records(seed + 1, 120, UNITS), strict=True))
    ]
    summary = save(second)
    assert (summary.created, summary.updated) == (60, 60)
    final = {record.code: record for record in first}
    final.update({record.code: record for record in second})
    assert Dossier.objects.count() == len(final)
    offset, length, as_of_offset = period
    start = FIRST + timedelta(days=offset)
    end = start + timedelta(days=length)
    _assert_same(list(final.values()), start, end, start + timedelta(days=as_of_offset), world)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_calendar_change_recomputed_incrementally_equals_the_reference_with_the_new_calendar(world, seed):
    from cchc.dossiers.models import CalendarDay

    _clear()
    records = random_records(seed, 120, UNITS)
    save(records)
    changed = [date(2024, 2, 21), date(2024, 3, 4)]
    for day in changed:
        CalendarDay.objects.create(day=day, kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ bù")
    recompute.recompute(changed)
    for start, end, as_of in [
        (date(2024, 2, 1), date(2024, 3, 31), date(2024, 6, 30)),
        (FIRST, date(2024, 4, 30), date(2024, 3, 10)),
    ]:
        _assert_same(records, start, end, as_of, world)


def _calendar_changes():
    from cchc.dossiers.models import CalendarDay

    # Two weekdays off and a worked Saturday: working-day counts across them all move.
    CalendarDay.objects.create(day=date(2024, 2, 21), kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ bù")
    CalendarDay.objects.create(day=date(2024, 3, 4), kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ bù")
    CalendarDay.objects.create(day=date(2024, 3, 9), kind=CalendarDay.Kind.WORKING_DAY, name="Làm bù")


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [4, 5])
def test_a_calendar_change_fully_recomputed_equals_the_reference_with_the_new_calendar(world, seed):
    _clear()
    records = random_records(seed, 150, UNITS)
    save(records)
    _calendar_changes()
    result = recompute.recompute()
    assert result.full and result.facts_changed > 0
    for start, end, as_of in [
        (date(2024, 2, 1), date(2024, 3, 31), date(2024, 6, 30)),
        (FIRST, date(2024, 4, 30), date(2024, 3, 10)),
    ]:
        _assert_same(records, start, end, as_of, world)


@pytest.mark.django_db
def test_a_full_recomputation_after_a_rule_change_stores_the_facts_the_python_rules_give(world):
    from cchc.dossiers.facts import facts_for_records
    from cchc.dossiers.models import DossierSettings

    _clear()
    records = random_records(6, 200, UNITS)
    save(records)
    _calendar_changes()
    settings_row = DossierSettings.current()
    settings_row.max_supplement_requests_before_late = 0
    settings_row.apology_working_days_before_due = 2
    settings_row.save()
    assert recompute.recompute().facts_changed > 0
    expected = facts_for_records(records, calendar_store.current_calendar(), settings_row.rules())
    stored = {
        code: (outcome, processing, in_time, after_end)
        for code, outcome, processing, in_time, after_end in Dossier.objects.values_list(
            "code", "outcome", "processing_working_days", "apology_in_time", "late_apology_after_end"
        )
    }
    for record, facts in zip(records, expected, strict=True):
        assert stored[record.code] == (
            facts.outcome,
            facts.processing_working_days,
            facts.apology_in_time,
            facts.late_apology_after_end,
        ), record.code
