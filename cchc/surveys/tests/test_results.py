import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from cchc.surveys import services
from cchc.surveys.models import SurveyRound
from cchc.surveys.results import overview, results_document
from cchc.surveys.tests.helpers import add_answers, columns, make_round, round_unit

pytestmark = pytest.mark.django_db

# The worked example: criterion answers 5, 4, 4, 3, 2 and a blank → 60%; A2 at 80% → factor A 70%;
# B1 at 80% → index (70 + 80) / 2 = 75%.
COMMUNE_ANSWERS = columns(
    LV=["1", "1", "2", "2", "1", "2"],
    A1=[5, 4, 4, 3, 2, None],
    A2=[5, 5, 4, 4, 1, None],
    B1=[4, 4, 4, 4, 1, None],
)


def run_results(code: str) -> dict:
    output = io.StringIO()
    call_command("surveys", "results", code, "--json", stdout=output)
    return json.loads(output.getvalue())


def test_the_worked_example_gives_seventy_for_the_factor_and_seventy_five_for_the_index_in_the_command_json(
    world,
) -> None:
    survey_round = make_round([world.commune, world.other_commune], organiser=world.province)
    add_answers(round_unit(survey_round, world.commune), COMMUNE_ANSWERS)
    add_answers(round_unit(survey_round, world.other_commune), columns(LV=["1", "2"], A1=[5, 5], A2=[5, 5], B1=[5, 2]))

    document = run_results(survey_round.code)

    commune = next(item for item in document["units"] if item["unit"] == "X01")
    assert commune["responses"] == 6
    assert commune["factors"] == {"A": "70.00", "B": "80.00"}
    assert commune["index"] == "75.00"
    assert commune["margin_of_error"] is not None
    other = next(item for item in document["units"] if item["unit"] == "X02")
    assert other["factors"] == {"A": "100.00", "B": "50.00"}
    assert other["index"] == "75.00"
    assert document["overall"]["responses"] == 8


def test_an_excluded_answer_leaves_the_results_and_counts_again_when_restored(world) -> None:
    survey_round = make_round([world.commune], organiser=world.commune)
    target = round_unit(survey_round, world.commune)
    add_answers(target, COMMUNE_ANSWERS)
    [bad] = add_answers(target, columns(LV=["1"], A1=[1], A2=[1], B1=[1]), flags=["too_fast"])

    assert run_results(survey_round.code)["units"][0]["responses"] == 7
    assert run_results(survey_round.code)["units"][0]["index"] != "75.00"

    services.exclude_response(actor=world.officer, response=bad, reason="Điền trong 3 giây, mọi câu mức 1")
    document = run_results(survey_round.code)
    assert document["units"][0]["responses"] == 6
    assert document["units"][0]["index"] == "75.00"

    services.restore_response(actor=world.officer, response=bad)
    assert run_results(survey_round.code)["units"][0]["responses"] == 7


def test_a_round_can_score_factors_by_pooling_answers_instead_of_averaging_criteria(world) -> None:
    survey_round = make_round([world.commune], organiser=world.commune)
    # A1: one answer, satisfied (100%); A2: three answers, one satisfied (33.33%).
    add_answers(round_unit(survey_round, world.commune), columns(LV=["1", "1", "1"], A1=[5, None, None], A2=[4, 2, 1]))
    assert results_document(survey_round)["units"][0]["factors"]["A"] == "66.67"

    services.update_round(actor=world.officer, survey_round=survey_round, data={"method_override": "pooled"})
    document = results_document(SurveyRound.objects.get(pk=survey_round.pk))

    assert document["factor_method"] == "pooled"
    assert document["units"][0]["factors"]["A"] == "50.00"


def test_results_compare_with_the_unit_target_and_the_previous_round(world) -> None:
    questionnaire = make_round([world.commune], organiser=world.commune, code="KS-CU").questionnaire
    earlier = SurveyRound.objects.get(code="KS-CU")
    add_answers(round_unit(earlier, world.commune), columns(LV=["1", "1"], A1=[4, 2], A2=[4, 2], B1=[4, 2]))
    earlier.opens_on, earlier.closes_on = dt.date(2020, 3, 1), dt.date(2020, 4, 30)
    earlier.status = SurveyRound.Status.CLOSED
    earlier.save()
    current = make_round([world.commune], organiser=world.commune, code="KS-MOI", questionnaire=questionnaire)
    target = round_unit(current, world.commune)
    services.set_targets(actor=world.officer, round_unit=target, sample_target=12, satisfaction_target="≥ 90%")
    add_answers(target, COMMUNE_ANSWERS)

    [row] = overview(current, [round_unit(current, world.commune)]).rows

    assert row.result is not None and row.result.index == Decimal("75.00")
    assert row.previous_index == Decimal("50.00")
    assert row.comparison.status == "not_met"
    assert "chưa đạt chỉ tiêu ≥ 90,00%" in row.comparison.summary
    assert "tăng 25,00 điểm %" in row.comparison.summary
    assert row.progress == Decimal("50.00")
