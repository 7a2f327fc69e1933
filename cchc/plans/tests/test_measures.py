import datetime as dt
from decimal import Decimal

import pytest

from cchc.measures.models import Measure
from cchc.measures.periods import parse, year
from cchc.measures.readings import read
from cchc.plans.measures_provider import COMPLETION, DEFINITIONS, ON_TIME, OVERDUE, provider
from cchc.plans.objectives import objective_statuses
from cchc.plans.services import (
    add_objective,
    add_task,
    create_implementing_plan,
    create_plan,
    issue_plan,
    record_progress,
)

AS_OF = dt.date(2026, 10, 15)


@pytest.fixture
def measures(db) -> dict[str, Measure]:
    rows = {}
    for definition in DEFINITIONS:
        rows[definition.code] = Measure.objects.create(
            code=definition.code,
            name=definition.name,
            kind=definition.kind,
            aggregation=definition.aggregation,
            source=definition.source,
            higher_is_better=definition.higher_is_better,
        )
    return rows


@pytest.fixture
def progressed(world, province_plan):
    """X01 implements the province plan through its own plan; X02 reports directly on the province tasks."""
    own = create_implementing_plan(actor=world.officer, superior_plan=province_plan.plan, unit=world.commune)
    issue_plan(actor=world.leader, plan=own, number="3", document_date=dt.date(2026, 1, 20))
    first, digitising = own.tasks.order_by("order")
    record_progress(actor=world.officer, task=first, percent=Decimal(100), reported_on=dt.date(2026, 1, 20))
    record_progress(actor=world.officer, task=digitising, percent=Decimal(100), reported_on=dt.date(2026, 10, 2))
    record_progress(
        actor=world.other_officer,
        task=province_plan.communes_lead,
        percent=Decimal(100),
        reported_on=dt.date(2026, 1, 30),
    )
    return own


def test_task_rates_count_each_piece_of_work_once_weighted_by_task_weight(world, measures, progressed) -> None:
    period = year(2026)
    units = [world.commune, world.other_commune, world.department, world.province]
    completion = provider(COMPLETION, units, period, AS_OF)
    on_time = provider(ON_TIME, units, period, AS_OF)
    overdue = provider(OVERDUE, units, period, AS_OF)
    # X01: its two implementing tasks (weights 1 and 3), both done; the second after its due date 30/09.
    assert (completion[world.commune.pk].numerator, completion[world.commune.pk].denominator) == (4, 4)
    assert on_time[world.commune.pk].value == Decimal("25.00")
    # X02: the province tasks directly, 1 of weight 1 done on time, the weight-3 one overdue.
    assert completion[world.other_commune.pk].value == Decimal("25.00")
    assert overdue[world.other_commune.pk].value == 1
    # Sở Nội vụ: its inspection task (due 30/06) not done.
    assert (completion[world.department.pk].value, overdue[world.department.pk].value) == (Decimal("0.00"), 1)
    # The province is everything below it: (4 + 1 + 0) / (4 + 4 + 1).
    assert completion[world.province.pk].value == Decimal("55.56")
    assert overdue[world.province.pk].value == 2


def test_a_period_without_tasks_due_has_no_rate_and_no_overdue_tasks(world, measures, progressed) -> None:
    reading = provider(COMPLETION, [world.commune], parse("2026-11"), AS_OF)[world.commune.pk]
    assert (reading.value, reading.denominator) == (None, 0)
    assert provider(OVERDUE, [world.commune], parse("2026-11"), AS_OF)[world.commune.pk].value == 0


def test_measures_read_through_the_registry_use_the_task_provider(world, measures, progressed) -> None:
    assert read(COMPLETION, world.commune, parse("2026-Q1"), AS_OF).value == Decimal("100.00")


def test_a_bound_objective_shows_its_current_value_and_status(world, measures) -> None:
    plan = create_plan(actor=world.officer, unit=world.commune, title="CCHC năm 2026", year=2026)
    add_objective(
        actor=world.officer,
        plan=plan,
        text="Hoàn thành nhiệm vụ",
        measure=measures[COMPLETION],
        comparator=">=",
        target_value=Decimal(90),
        target_date=dt.date(2026, 12, 31),
    )
    add_objective(actor=world.officer, plan=plan, text="Tăng 01 bậc Chỉ số CCHC")
    done = add_task(actor=world.officer, plan=plan, title="Việc đã xong", deadline_text="Quý I")
    add_task(actor=world.officer, plan=plan, title="Việc chưa xong", deadline_text="Quý II")
    issue_plan(actor=world.leader, plan=plan, number="5", document_date=dt.date(2026, 1, 5))
    record_progress(
        actor=world.officer, task=done, percent=Decimal(100), reported_on=dt.date(2026, 3, 1), today=dt.date(2026, 3, 1)
    )
    bound, plain = objective_statuses(plan, dt.date(2026, 7, 1))
    assert (bound.value, bound.value_text, bound.target_text) == (
        Decimal("50.00"),
        "50,00%",
        "≥ 90,00% (đến 31/12/2026)",
    )
    assert bound.label in {"Chệch hướng", "Chưa đạt"}
    assert (plain.label, plain.target_text) == ("", "")
