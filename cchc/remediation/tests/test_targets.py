import io
import random
from decimal import Decimal
from itertools import combinations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.assessment.ranking import index, rank_of
from cchc.remediation import services
from cchc.remediation.models import EffortWeight
from cchc.remediation.targets import LeafChange, Target, load_picture, plan_for, what_if_for
from cchc.remediation.tests.conftest import SCORES, new_round, publish

D = Decimal
LEAVES = {"3.4.1": D(2), "3.4.3": D(1), "3.4.4": D(2), "7.3.3": D(2), "7.3.4": D(3)}


def test_ties_share_the_rank_and_reaching_a_tied_index_is_enough(world, published):
    picture = load_picture(published, world.commune)
    assert picture.result.rank == 3
    assert picture.results.for_unit(world.other_commune.pk).rank == 3
    answer = plan_for(picture, Target(rank=2))
    # 2nd place means an index of at least X04's 90,00%: equal shares the rank.
    assert answer.result.required_index == D("90.00")
    assert answer.result.points_needed == D("1.00")
    assert (answer.result.new_index, answer.result.new_rank) == (D("90.00"), 2)
    # Already 3rd: nothing to do for rank 3, even though X02 has the same index.
    assert plan_for(picture, Target(rank=3)).result.points_needed == D(0)


def test_the_cheapest_set_uses_the_units_own_effort_weights_and_names_the_measure_value_needed(world, published):
    picture = load_picture(published, world.commune)
    # Rank 1 needs 95,00%: 1,5 points. 7.3.4 (1) + 3.4.3 (0,5) cost 2; 3.4.4 costs 3 by default.
    default = plan_for(picture, Target(rank=1))
    assert [leaf.code for leaf in default.leaves] == ["3.4.3", "7.3.4"]
    assert default.result.cost == D(2)
    services.set_efforts(actor=world.officer, unit=world.commune, efforts={"3.4.3": "5"})
    answer = plan_for(load_picture(published, world.commune), Target(rank=1))
    assert [(leaf.code, leaf.points, leaf.cost) for leaf in answer.leaves] == [
        ("3.4.4", D("0.5"), D(3)),
        ("7.3.4", D(1), D(1)),
    ]
    assert answer.leaves[0].measure_text == "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn từ 97,4% lên ≥ 100%"
    assert answer.as_dict()["leaves"][0] == {
        "code": "3.4.4",
        "points": "0.50",
        "cost": "3.00",
        "measure": "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn từ 97,4% lên ≥ 100%",
    }
    # Overrides given for one computation win over the saved weights, and are not saved.
    cheaper = plan_for(load_picture(published, world.commune), Target(rank=1), effort_overrides={"3.4.3": D(0)})
    assert [leaf.code for leaf in cheaper.leaves] == ["3.4.3", "7.3.4"]
    assert EffortWeight.objects.get(unit=world.commune, criterion_code="3.4.3").effort == D(5)


def test_an_unreachable_target_says_so_and_recovers_everything(world, communes, criteria_set):
    scores = {code: dict(values) for code, values in SCORES.items()}
    scores["X03"].update({"3.4.4": "2", "7.4": "0.5"})  # 10,5 of 10: 105,00% with the bonus
    round_ = publish(new_round(criteria_set, communes, "CCHC-BONUS", 2025), scores)
    answer = plan_for(load_picture(round_, world.commune), Target(rank=1))
    assert answer.result.required_index == D("105.00")
    assert answer.result.achievable is False
    assert answer.result.points_needed == D("2.50")
    assert [leaf.code for leaf in answer.leaves] == ["3.4.3", "3.4.4", "7.3.4"]
    assert (answer.result.new_index, answer.result.new_rank) == (D("100.00"), 2)


def test_others_keeping_their_trend_raise_the_bar(world, communes, criteria_set):
    before = {code: dict(values) for code, values in SCORES.items()}
    before["X04"].update({"7.3.4": "2"})  # X04: 80,00% last year, 90,00% now: projected 100,00%
    previous = publish(new_round(criteria_set, communes, "CCHC-2024", 2024), before)
    current = publish(new_round(criteria_set, communes, "CCHC-2025T", 2025, previous=previous), SCORES)
    flat = plan_for(load_picture(current, world.commune), Target(rank=2))
    trend = plan_for(load_picture(current, world.commune, with_trend=True), Target(rank=2))
    assert flat.result.required_index == D("90.00")
    assert trend.trend and trend.result.required_index == D("95.00")
    assert trend.result.points_needed == D("1.50")


def test_an_index_target_needs_the_points_up_to_that_index(world, published):
    answer = plan_for(load_picture(published, world.commune), Target(index=D("85")))
    assert answer.result.points_needed == D("0.50")
    assert [leaf.code for leaf in answer.leaves] == ["3.4.3"]


def _brute_force(leaves, needed):  # type: ignore[no-untyped-def]
    best = None
    for size in range(len(leaves) + 1):
        for subset in combinations(leaves, size):
            if sum((leaf.points_lost for leaf in subset), D(0)) >= needed:
                cost = sum((leaf.cost for leaf in subset), D(0))
                best = cost if best is None or cost < best else best
    return best


def test_through_the_database_the_plan_is_as_cheap_as_a_brute_force_search_on_random_rounds(
    world, communes, criteria_set
):
    rng = random.Random(7)
    for case in range(4):
        scores = {
            unit.code: {code: str(D(rng.randint(0, int(maximum * 4))) / 4) for code, maximum in LEAVES.items()}
            for unit in communes
        }
        round_ = publish(new_round(criteria_set, communes, f"CCHC-NN{case}", 2025), scores)
        efforts = {code: str(rng.randint(0, 5)) for code in LEAVES}
        services.set_efforts(actor=world.officer, unit=world.commune, efforts=efforts)
        picture = load_picture(round_, world.commune)
        state = picture.state()
        for wanted in range(1, 5):
            answer = plan_for(picture, Target(rank=wanted))
            result = answer.result
            others = [value for code, value in picture.others.items() if code != "X01"]
            reached = index(state.points + result.points_needed, state.applicable_max)
            assert rank_of(reached, others) <= wanted
            if result.points_needed > 0:
                short = index(state.points + result.points_needed - D("0.01"), state.applicable_max)
                assert rank_of(short, others) > wanted
            expected = _brute_force(list(state.leaves), result.points_needed)
            if expected is None:
                assert result.achievable is False
            else:
                assert result.achievable and result.cost == expected
                assert sum((leaf.points for leaf in answer.leaves), D(0)) >= result.points_needed
                assert sum((leaf.cost for leaf in answer.leaves), D(0)) == result.cost


def test_what_if_gives_the_new_index_and_rank_from_points_rates_or_not_applicable(world, published):
    picture = load_picture(published, world.commune)
    answer = what_if_for(picture, [LeafChange("7.3.4", points=D(3))])
    assert (answer.index, answer.rank, answer.rank_change) == (D("90.00"), 2, 1)
    by_rate = what_if_for(picture, [LeafChange("3.4.4", rate=D(100))])
    assert (by_rate.index, by_rate.rank) == (D("85.00"), 3)
    not_applicable = what_if_for(picture, [LeafChange("3.4.3", not_applicable=True)])
    assert not_applicable.index == D("83.33")
    unchanged = what_if_for(picture, [LeafChange("3.4.1", points=D(2))])
    assert unchanged.changed == {} and unchanged.index == D("80.00")
    with pytest.raises(ValidationError) as error:
        what_if_for(picture, [LeafChange("7.3.4", points=D(4)), LeafChange("3.4.1", rate=D(50))])
    assert error.value.messages == [
        "Tiêu chí 7.3.4: điểm 4 phải từ 0 đến 3.",
        "Tiêu chí 3.4.1: tiêu chí này không chấm theo tỷ lệ.",
    ]


def test_an_effort_sheet_with_bad_rows_names_row_and_column_and_saves_nothing(world):
    sheet = "Mã tiêu chí;Công sức\n3.4.1;2\n3.4.3;nhiều\n;1\n3.4.1;3\n7.3.3;-1\n".encode()
    with pytest.raises(ValidationError) as error:
        services.import_efforts(actor=world.officer, unit=world.commune, source=io.BytesIO(sheet), filename="a.csv")
    assert error.value.messages == [
        "Dòng 3, cột «Công sức»: «nhiều» không phải là số.",
        "Dòng 4, cột «Mã tiêu chí»: chưa có mã tiêu chí.",
        "Dòng 5, cột «Mã tiêu chí»: mã 3.4.1 bị lặp lại.",
        "Dòng 6, cột «Công sức»: công sức không được âm.",
    ]
    assert not EffortWeight.objects.exists()
    with pytest.raises(ValidationError, match="Thiếu cột"):
        services.read_effort_sheet(io.BytesIO("Mã;Điểm\n1;2\n".encode()), "b.csv")
    good = '\ufeffMã tiêu chí,Công sức\n3.4.1,2\n7.3.3,"0,5"\n'.encode()
    assert services.import_efforts(actor=world.officer, unit=world.commune, source=io.BytesIO(good), filename="c.csv")
    assert dict(EffortWeight.objects.values_list("criterion_code", "effort")) == {"3.4.1": D(2), "7.3.3": D("0.5")}


def test_only_the_units_plan_managers_edit_its_effort_weights(world):
    for actor in (world.other_officer, world.specialist, world.provincial_focal):
        with pytest.raises(PermissionDenied):
            services.set_efforts(actor=actor, unit=world.commune, efforts={"3.4.1": "2"})
    assert not EffortWeight.objects.exists()
