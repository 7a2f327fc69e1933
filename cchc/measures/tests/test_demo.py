import datetime as dt
import time

from cchc.core import demo as core_demo
from cchc.measures import demo
from cchc.measures.models import MeasureValue, Target
from cchc.measures.periods import parse
from cchc.measures.readings import read
from cchc.measures.targets import Status, status_for, target_for


def test_the_demo_has_a_year_of_monthly_figures_with_a_few_communes_late(db):
    context = core_demo.build_organisation(log=lambda text: None)
    context.today = dt.date(2026, 3, 15)
    started = time.monotonic()
    demo.load(context)
    assert time.monotonic() - started < 5
    signed = MeasureValue.objects.filter(measure__code="docs.digitally_signed_rate")
    assert sorted(set(signed.values_list("period_key", flat=True)))[0] == "2025-03"
    assert sorted(set(signed.values_list("period_key", flat=True)))[-1] == "2026-02"
    last = signed.filter(period_key="2026-02")
    assert 85 <= last.count() < 100  # a few communes have not reported the last month
    assert not last.filter(unit=context.home_commune).exists()
    assert last.filter(status="submitted").exists() and last.filter(status="approved").exists()
    assert signed.filter(period_key="2026-01").count() < 100  # some are late for two months
    assert set(signed.filter(period_key="2025-06").values_list("status", flat=True)) == {"approved"}
    # Figures differ from commune to commune.
    assert len(set(signed.filter(period_key="2025-06").values_list("value", flat=True))) > 50
    province = read("docs.digitally_signed_rate", context.province, parse("2025-06"))
    target = target_for(signed.first().measure, context.communes[5], parse("2025-06"))
    assert target is not None and target.comparator == ">" and target.value == 95
    assert status_for(target, province, context.today).status in set(Status)
    assert Target.objects.filter(measure__code="staff.civil_servants", unit=context.province).exists()
