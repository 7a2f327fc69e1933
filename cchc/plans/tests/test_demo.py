import datetime as dt
import time
from decimal import Decimal

from cchc.core import demo as core_demo
from cchc.plans import demo
from cchc.plans.exporting import budget_total
from cchc.plans.models import Plan, ProgressUpdate, Report, TaskAssignment
from cchc.plans.rollup import rollup


def test_the_demo_holds_the_province_plan_the_communes_plans_and_a_remediation_plan(db) -> None:
    context = core_demo.build_organisation(log=lambda text: None)
    context.today = dt.date(2026, 11, 23)
    started = time.monotonic()
    demo.load(context)
    assert time.monotonic() - started < 8
    province_plan = Plan.objects.get(unit=context.province, kind=Plan.Kind.ANNUAL)
    assert (province_plan.status, province_plan.code, province_plan.year) == ("issued", "15/KH-UBND", 2026)
    assert province_plan.tasks.count() == 30 and province_plan.areas.count() == 8
    assert budget_total(province_plan) == Decimal(1081000)
    assert TaskAssignment.objects.filter(task__plan=province_plan, unit=context.home_commune).count() > 10

    communes = Plan.objects.filter(superior_plan=province_plan)
    assert communes.filter(status="issued").count() == 80 and communes.filter(status="draft").count() == 10
    rows = rollup(province_plan, context.today)
    states = {row.issue_state for row in rows}
    assert {"on_time", "late", "not_issued"} <= states
    progress = {row.progress for row in rows if row.unit.kind.level == "commune"}
    assert len(progress) > 30  # units differ
    home = next(row for row in rows if row.unit == context.home_commune)
    assert home.issue_state == "on_time" and 0 < home.progress < 100

    remediation = Plan.objects.get(unit=context.home_commune, kind=Plan.Kind.REMEDIATION)
    assert remediation.with_decision and remediation.status == "issued"
    assert set(remediation.source_criteria) >= {"3.4.1", "3.4.3", "6.2.3", "7.3.3", "7.3.7"}
    assert all(task.responsible_id and task.criterion_code for task in remediation.tasks.all())
    assert ProgressUpdate.objects.filter(task__plan=remediation).exists()

    assert Report.objects.filter(period_key="2026-Q3").count() > 40
    assert not Report.objects.filter(period_key="2026-Q3", unit=context.home_commune).exists()
