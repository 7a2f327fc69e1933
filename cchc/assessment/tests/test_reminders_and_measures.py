"""Deadline and evidence-request reminders; the published index as a measure; the demo data."""

import datetime as dt
import time
from decimal import Decimal

from django.db.models import F

from cchc.assessment import demo, reminders, services
from cchc.assessment.measures_provider import INDEX
from cchc.assessment.models import CriteriaSet, EvidenceLink, LeafScore, Phase, Round, RoundUnit
from cchc.assessment.results import round_results
from cchc.assessment.tests.conftest import TODAY, criterion, fill_all
from cchc.core import demo as core_demo
from cchc.measures import periods
from cchc.measures.models import Measure
from cchc.measures.readings import read
from cchc.notifications.services import run_reminders

D = Decimal
DEADLINE = dt.date(2026, 11, 30)


def test_units_that_have_not_submitted_are_reminded_seven_three_and_one_day_before(world, entry, other_entry):
    fill_all(entry, world.officer)
    services.submit_round_unit(actor=world.leader, round_unit=entry, today=TODAY)
    for days_before, expected in ((7, True), (5, False), (3, True), (1, True), (0, False)):
        found = list(reminders.collect(DEADLINE - dt.timedelta(days=days_before)))
        people = {reminder.user_id for reminder in found}
        assert (world.other_officer.pk in people) is expected, days_before
        assert world.officer.pk not in people and world.leader.pk not in people
    assert run_reminders(DEADLINE - dt.timedelta(days=3)) == 1
    assert run_reminders(DEADLINE - dt.timedelta(days=3)) == 0  # stored once per person


def test_open_evidence_requests_are_reminded_before_the_appraisal_closes(world, entry):
    fill_all(entry, world.officer)
    services.submit_round_unit(actor=world.leader, round_unit=entry, today=TODAY)
    services.request_evidence(
        actor=world.appraiser,
        round_unit=entry,
        criterion=criterion(entry.round, "3.4.1"),
        note="Bổ sung",
        today=TODAY,
    )
    closes = Phase.objects.get(round=entry.round, kind=Phase.Kind.APPRAISAL).closes_on
    found = [r for r in reminders.collect(closes - dt.timedelta(days=3)) if "bổ sung minh chứng" in r.title]
    assert {reminder.user_id for reminder in found} == {world.officer.pk, world.leader.pk}
    assert not [r for r in reminders.collect(closes - dt.timedelta(days=4)) if "bổ sung minh chứng" in r.title]


def test_the_published_index_is_readable_as_a_measure(world, round_):
    Measure.objects.create(code=INDEX, name="Chỉ số CCHC", kind="index", aggregation="latest", source="assessment")
    LeafScore.objects.create(
        round_unit=RoundUnit.objects.get(round=round_, unit=world.commune),
        criterion=criterion(round_, "3.4.1"),
        self_points=D("1.5"),
    )
    assert read(INDEX, world.commune, periods.year(2026)).value is None  # not published yet
    services.publish_round(actor=world.admin, round_=round_)
    assert read(INDEX, world.commune, periods.year(2026)).value == D("15.00")
    assert read(INDEX, world.commune, periods.year(2025)).value is None


def test_the_demo_has_two_published_years_and_a_current_round_in_self_assessment(db):
    context = core_demo.build_organisation(log=lambda text: None)
    context.today = dt.date(2026, 11, 23)
    started = time.monotonic()
    demo.load(context)
    assert time.monotonic() - started < 8
    assert CriteriaSet.objects.filter(code="MAU-XA-2024", is_sample=True).exists()
    published = list(Round.objects.filter(status=Round.Status.PUBLISHED).order_by("year"))
    assert [round_.year for round_ in published] == [2024, 2025]
    last = published[-1]
    assert last.previous == published[0]
    frozen = RoundUnit.objects.filter(round=last)
    assert frozen.count() == 100 and frozen.filter(rank_change__gt=0).exists() and frozen.filter(rank_change__lt=0)
    assert len(set(frozen.values_list("index", flat=True))) > 50
    assert (
        LeafScore.objects.filter(round_unit__round=last)
        .exclude(appraised_points=None)
        .exclude(appraised_points=F("self_points"))
        .exists()
    )
    current = Round.objects.get(status=Round.Status.IN_PROGRESS)
    assert current.year == 2026 and current.previous == last
    home = RoundUnit.objects.get(round=current, unit=context.home_commune)
    assert home.state == RoundUnit.State.DRAFT
    home_scores = LeafScore.objects.filter(round_unit=home)
    assert 10 < home_scores.count() < 60
    assert home_scores.exclude(self_explanation="").exists() and home_scores.filter(not_applicable=True).exists()
    assert EvidenceLink.objects.filter(leaf_score__round_unit=home).exists()
    assert RoundUnit.objects.filter(round=current, state=RoundUnit.State.SUBMITTED).count() > 20
    phase = Phase.objects.get(round=current, kind=Phase.Kind.SELF_ASSESSMENT)
    assert phase.is_open(context.today)
    assert round_results(current).results[0].index is not None
