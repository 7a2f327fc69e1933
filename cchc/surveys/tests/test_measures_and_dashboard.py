import datetime as dt
import time
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.utils import timezone

from cchc.measures.models import Measure
from cchc.measures.periods import year
from cchc.measures.readings import read
from cchc.measures.registry import all_definitions
from cchc.surveys import dashboard, services
from cchc.surveys.measures_provider import INDEX, provide
from cchc.surveys.models import Response, SurveyRound
from cchc.surveys.tests.helpers import add_answers, columns, make_round, round_unit

pytestmark = pytest.mark.django_db

WORKED_EXAMPLE = columns(
    LV=["1", "1", "2", "2", "1", "2"],
    A1=[5, 4, 4, 3, 2, None],
    A2=[5, 5, 4, 4, 1, None],
    B1=[4, 4, 4, 4, 1, None],
)


def finished_round(world, code: str = "KS-2025", closes_on: dt.date = dt.date(2025, 11, 30)) -> SurveyRound:  # type: ignore[no-untyped-def]
    survey_round = make_round(
        [world.commune, world.other_commune],
        organiser=world.province,
        code=code,
        opens_on=closes_on - dt.timedelta(days=60),
        closes_on=closes_on,
        status=SurveyRound.Status.CLOSED,
    )
    moment = timezone.make_aware(dt.datetime.combine(closes_on - dt.timedelta(days=5), dt.time(9)))
    add_answers(round_unit(survey_round, world.commune), WORKED_EXAMPLE, submitted_at=moment)
    add_answers(
        round_unit(survey_round, world.other_commune),
        columns(LV=["1", "2"], A1=[5, 1], A2=[5, 1], B1=[5, 1]),
        submitted_at=moment,
    )
    return survey_round


def test_the_survey_measures_are_registered_for_reform_area_eight() -> None:
    definitions = {definition.code: definition for definition in all_definitions()}

    assert definitions[INDEX].source == "surveys" and definitions[INDEX].reform_area == 8
    for factor in ("TC", "TT", "CC", "KQ", "GY"):
        assert definitions[f"survey.factor.{factor}"].reform_area == 8


def test_the_index_measure_reads_the_latest_round_closing_in_the_period_for_each_subtree(world) -> None:
    finished_round(world)

    readings = provide(INDEX, [world.commune, world.province], year(2025), dt.date(2026, 1, 10))

    assert readings[world.commune.pk].value == Decimal("75.00")
    # The province pools all eight sheets: A1 4/7 and A2 5/7 satisfied → A 9/14; B 5/7 → index 67.86.
    assert readings[world.province.pk].value == Decimal("67.86")
    assert "8 phiếu" in readings[world.province.pk].detail
    assert provide(INDEX, [world.commune], year(2024), dt.date(2026, 1, 10))[world.commune.pk].value is None


def test_a_factor_measure_gives_satisfied_over_answered_only_where_that_is_its_value(world) -> None:
    finished_round(world)

    reading = provide("survey.factor.B", [world.commune], year(2025), dt.date(2026, 1, 10))[world.commune.pk]

    assert reading.value == Decimal("80.00")
    assert (reading.numerator, reading.denominator) == (Decimal(4), Decimal(5))


def test_excluded_answers_and_answers_after_the_reading_date_do_not_count_in_the_measure(world) -> None:
    finished_round(world)
    low = Response.objects.filter(round_unit__unit=world.other_commune).order_by("pk").last()
    assert low is not None
    services.exclude_response(actor=world.other_officer, response=low, reason="Trùng phiếu")

    other = provide(INDEX, [world.other_commune], year(2025), dt.date(2026, 1, 10))[world.other_commune.pk]
    early = provide(INDEX, [world.commune], year(2025), dt.date(2025, 10, 1))[world.commune.pk]

    assert other.value == Decimal("100.00")
    assert early.value is None


def test_the_measure_reads_through_the_measures_spine(world) -> None:
    finished_round(world)
    Measure.objects.create(
        code=INDEX, name="Chỉ số hài lòng", kind="percentage", aggregation="latest", source="surveys"
    )

    assert read(INDEX, world.commune, year(2025), dt.date(2026, 1, 10)).value == Decimal("75.00")


def test_the_home_card_shows_the_latest_index_and_the_open_rounds_progress(world) -> None:
    finished_round(world)
    current = make_round([world.commune], organiser=world.province, code="KS-2026")
    own = round_unit(current, world.commune)
    services.set_targets(actor=None, round_unit=own, sample_target=20)
    add_answers(own, WORKED_EXAMPLE[:5])
    add_answers(own, WORKED_EXAMPLE[5:], flags=["too_fast"])
    request = RequestFactory().get("/")
    request.user = world.officer

    [card] = dashboard.cards(request, world.commune)

    assert card.figure == "75,00%"
    assert "Đợt KS-2025" in card.figure_label
    assert card.lines[0][0] == "Đợt đang mở «Đợt KS-2026»: 6 / 20 phiếu (30,00%)"
    assert card.lines[1][0] == "1 phiếu có cảnh báo chờ xem xét"


def test_no_card_for_a_unit_without_surveys(world) -> None:
    request = RequestFactory().get("/")
    request.user = world.officer

    assert dashboard.cards(request, world.commune) == []


def test_the_demo_loads_a_finished_round_that_differs_by_commune_and_an_open_one_quickly() -> None:
    from cchc.core.demo import build_organisation
    from cchc.surveys import demo
    from cchc.surveys.results import results_document

    context = build_organisation(lambda text: None)
    started = time.monotonic()
    demo.load(context)
    elapsed = time.monotonic() - started

    assert elapsed < 5
    last_year = SurveyRound.objects.get(code=f"SIPAS-{context.today.year - 1}", status=SurveyRound.Status.CLOSED)
    document = results_document(last_year)
    assert len(document["units"]) == 100
    assert all(30 <= unit["responses"] <= 60 for unit in document["units"])
    indexes = [Decimal(unit["index"]) for unit in document["units"]]
    assert max(indexes) - min(indexes) > 15
    current = SurveyRound.objects.get(code=f"SIPAS-{context.today.year}")
    assert current.accepts_answers(context.today)
    home = current.round_units.get(unit=context.home_commune)
    assert home.satisfaction_target and home.sample_target and home.responses.exists()
