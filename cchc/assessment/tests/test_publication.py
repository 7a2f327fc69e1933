"""Publication freezes results and closes every phase; rank change compares with the published previous round."""

import datetime as dt
from decimal import Decimal

import pytest

from cchc.assessment import services
from cchc.assessment.models import LeafScore, Phase, Round, RoundUnit
from cchc.assessment.phases import PhaseClosed
from cchc.assessment.results import round_results, unit_history
from cchc.assessment.tests.conftest import TODAY, criterion
from cchc.audit.models import Change

D = Decimal
LEAVES = ("3.4.1", "3.4.3", "3.4.4", "7.3.3", "7.3.4", "7.3.7")


def give(round_: Round, unit, points: dict[str, str]) -> None:
    entry = RoundUnit.objects.get(round=round_, unit=unit)
    for code in LEAVES:
        LeafScore.objects.update_or_create(
            round_unit=entry,
            criterion=criterion(round_, code),
            defaults={"self_points": D(points.get(code, "0"))},
        )


def full(**changes: str) -> dict[str, str]:
    return {"3.4.1": "2", "3.4.3": "1", "3.4.4": "2", "7.3.3": "2", "7.3.4": "2", "7.3.7": "1", **changes}


@pytest.fixture
def last_year(world, criteria_set):
    round_ = services.create_round(
        actor=world.admin,
        code="CCHC-2025",
        criteria_set=criteria_set,
        year=2025,
        units=[world.commune, world.other_commune],
        today=dt.date(2025, 11, 1),
    )
    give(round_, world.commune, full(**{"3.4.1": "0"}))  # 80%
    give(round_, world.other_commune, full())  # 100%
    return round_


def test_publishing_freezes_the_results_and_closes_every_phase(world, round_):
    give(round_, world.commune, full(**{"7.3.3": "1"}))
    give(round_, world.other_commune, full(**{"3.4.4": "0"}))
    published = services.publish_round(actor=world.admin, round_=round_)
    assert published.is_published and published.published_by == world.admin
    assert not Phase.objects.filter(round=round_, closed=False).exists()
    frozen = {entry.unit.code: entry for entry in RoundUnit.objects.filter(round=round_).select_related("unit")}
    assert (frozen["X01"].index, frozen["X01"].rank, frozen["X01"].group_label) == (D("90.00"), 1, "Xuất sắc")
    assert (frozen["X02"].index, frozen["X02"].rank, frozen["X02"].group_label) == (D("80.00"), 2, "Tốt")
    assert frozen["X01"].points == D(9) and frozen["X01"].applicable_max == D(10)
    assert Change.objects.filter(object_type="assessment.round", object_id=str(round_.pk), action="state").exists()


def test_a_published_round_refuses_every_change(world, round_, entry):
    services.publish_round(actor=world.admin, round_=round_)
    with pytest.raises(PhaseClosed, match="công bố"):
        services.save_self_score(
            actor=world.officer, round_unit=entry, criterion=criterion(round_, "3.4.1"), declared="1", today=TODAY
        )
    with pytest.raises(PhaseClosed):
        services.publish_round(actor=world.admin, round_=round_)
    with pytest.raises(PhaseClosed):
        services.reopen_phase(
            actor=world.admin, phase=Phase.objects.get(round=round_, kind="self_assessment"), reason="x", today=TODAY
        )
    with pytest.raises(PhaseClosed):
        services.import_scores(actor=services.COMMAND_LINE, round_=round_, rows=[])


def test_rank_change_compares_with_the_published_previous_round(world, last_year, criteria_set):
    services.publish_round(actor=world.admin, round_=last_year)
    current = services.create_round(
        actor=world.admin,
        code="CCHC-2026B",
        criteria_set=criteria_set,
        year=2026,
        units=[world.commune, world.other_commune],
        previous=last_year,
        today=dt.date(2026, 11, 1),
    )
    give(current, world.commune, full())
    give(current, world.other_commune, full(**{"7.3.4": "1"}))
    results = {result.unit.code: result for result in round_results(current).results}
    assert (results["X01"].rank, results["X01"].rank_change) == (1, 1)
    assert (results["X02"].rank, results["X02"].rank_change) == (2, -1)
    services.publish_round(actor=world.admin, round_=current)
    history = unit_history(world.commune)
    assert [(row.round.year, row.rank, row.rank_change, row.unit_count) for row in history] == [
        (2026, 1, 1, 2),
        (2025, 2, None, 2),
    ]


def test_rank_change_stays_empty_until_the_previous_round_is_published(world, last_year, criteria_set):
    current = services.create_round(
        actor=world.admin,
        code="CCHC-2026C",
        criteria_set=criteria_set,
        year=2026,
        units=[world.commune, world.other_commune],
        previous=last_year,
        today=dt.date(2026, 11, 1),
    )
    give(current, world.commune, full())
    assert {result.rank_change for result in round_results(current).results} == {None}


def test_the_group_comes_from_the_rounds_thresholds(world, criteria_set):
    round_ = services.create_round(
        actor=world.admin,
        code="NHOM",
        criteria_set=criteria_set,
        year=2026,
        units=[world.commune],
        thresholds=[{"min_index": 90, "label": "A"}, {"min_index": 80, "label": "B"}],
    )
    give(round_, world.commune, full(**{"7.3.3": "0", "3.4.3": "0.5"}))  # 7,5 of 10
    assert round_results(round_).results[0].group is None
    give(round_, world.commune, full(**{"7.3.3": "0.5"}))  # 8,5
    assert round_results(round_).results[0].group == "B"


def test_a_round_needs_a_set_that_applies_to_its_year_and_units_of_its_kinds(world, criteria_set):
    with pytest.raises(Exception, match="không áp dụng năm 2020"):
        services.create_round(
            actor=world.admin, code="SAI", criteria_set=criteria_set, year=2020, units=[world.commune]
        )
    with pytest.raises(Exception, match="SNV"):
        services.create_round(
            actor=world.admin, code="SAI", criteria_set=criteria_set, year=2026, units=[world.department]
        )
    assert not Round.objects.filter(code="SAI").exists()


def test_the_second_appraisal_counts_over_the_first_where_configured(world, criteria_set):
    round_ = services.create_round(
        actor=world.admin,
        code="HAI-VONG",
        criteria_set=criteria_set,
        year=2026,
        units=[world.commune],
        has_second_appraisal=True,
        today=dt.date(2026, 11, 1),
    )
    Phase.objects.filter(round=round_, kind__in=["appraisal", "second_appraisal"]).update(opens_on=dt.date(2026, 11, 1))
    entry = RoundUnit.objects.select_related("round", "unit").get(round=round_)
    give(round_, world.commune, full())
    RoundUnit.objects.filter(pk=entry.pk).update(state=RoundUnit.State.SUBMITTED)
    target = criterion(round_, "3.4.1")
    services.appraise_leaf(
        actor=world.appraiser, round_unit=entry, criterion=target, points="1", note="Thiếu minh chứng", today=TODAY
    )
    score = services.appraise_leaf(
        actor=world.appraiser,
        round_unit=entry,
        criterion=target,
        points="1.5",
        note="Đã bổ sung",
        second=True,
        today=TODAY,
    )
    assert (score.self_points, score.appraised_points, score.second_points) == (D(2), D(1), D("1.5"))
    assert round_results(round_).results[0].points == D("9.5")


def test_survey_leaves_are_scored_by_the_superior_in_the_survey_phase(world, round_, entry):
    target = criterion(round_, "7.3.3")
    type(target).objects.filter(pk=target.pk).update(survey=True)
    target.refresh_from_db()
    with pytest.raises(PhaseClosed, match="Điểm điều tra xã hội học"):
        services.appraise_leaf(actor=world.appraiser, round_unit=entry, criterion=target, points="1", today=TODAY)
    Phase.objects.filter(round=round_, kind="survey_points").update(opens_on=dt.date(2026, 11, 1))
    score = services.appraise_leaf(
        actor=world.appraiser, round_unit=entry, criterion=target, points="1.25", today=TODAY
    )
    assert score.appraised_points == D("1.25") and score.self_points is None
