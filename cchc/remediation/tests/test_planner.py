from decimal import Decimal
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.assessment.framework_io import load_samples
from cchc.assessment.ranking import LeafScore, UnitScore, code_sort_key, index, rank_of
from cchc.remediation.planner import (
    PlanLeaf,
    PlanningError,
    UnitState,
    cheapest_recovery,
    measure_targets,
    plan_target,
    points_for_index,
    project_trend,
    render_timeframe,
    required_index_for_rank,
    state_from_tree,
    what_if,
)

D = Decimal


def state(points: str, maximum: str, *leaves: tuple[str, str, str]) -> UnitState:
    return UnitState(
        unit="XA-A",
        points=D(points),
        applicable_max=D(maximum),
        leaves=tuple(PlanLeaf(code, D(lost), D(cost)) for code, lost, cost in leaves),
    )


def test_to_reach_rank_k_the_unit_needs_the_kth_highest_other_index():
    others = [D(95), D(90), D("87.5"), D("87.5"), D(80)]
    assert required_index_for_rank(1, others) == D(95)
    assert required_index_for_rank(3, others) == D("87.5")
    assert required_index_for_rank(4, others) == D("87.5")
    assert required_index_for_rank(6, others) == D(0)
    with pytest.raises(PlanningError):
        required_index_for_rank(0, others)


def test_reaching_a_tied_index_is_enough_because_ties_share_the_rank():
    unit = state("85", "100", ("3.4.1", "1.5", "1"), ("7.3.3", "2", "1"), ("6.2.3", "3", "1"))
    others = {"XA-B": D(90), "XA-C": D("87.50"), "XA-D": D("87.50"), "XA-E": D(80)}
    result = plan_target(unit, others, rank=2)
    assert result.current_rank == 4
    assert result.required_index == D("87.50")
    assert result.points_needed == D("2.50")
    # 7.3.3 alone (2) falls short; 6.2.3 (3) reaches it with one leaf at the same cost as any pair.
    assert result.leaves == [("6.2.3", D(3))]
    assert result.cost == D(1)
    assert result.new_index == D("88.00")
    assert result.new_rank == 2


def test_rising_n_ranks_counts_from_the_current_rank():
    unit = state("80", "100", ("1.1", "5", "1"), ("1.2", "10", "2"))
    others = {"B": D(95), "C": D(90), "D": D(85), "E": D(82)}
    result = plan_target(unit, others, rise=2)
    assert (result.current_rank, result.target_rank, result.required_index) == (5, 3, D(85))
    assert result.points_needed == D(5)
    assert result.leaves == [("1.1", D(5))]
    assert result.new_rank == 3


def test_an_index_target_needs_the_points_up_to_its_rounded_value():
    # 87.495% shows as 87.50%, so 0.495 of 100 points is enough, rounded up to hundredths.
    assert points_for_index(D("87.50"), D(87), D(100)) == D("0.50")
    # 174,99 of 200 is 87,495%, shown as 87,50%.
    assert points_for_index(D("87.50"), D(87), D(200)) == D("87.99")
    assert points_for_index(D(50), D(80), D(100)) == D(0)
    unit = state("87", "100", ("1.1", "0.5", "1"))
    result = plan_target(unit, {}, target_index=D("87.5"))
    assert result.leaves == [("1.1", D("0.5"))]
    assert result.new_index == D("87.50")


def test_an_unreachable_target_returns_full_recovery_and_says_so():
    unit = state("70", "100", ("1.1", "2", "1"), ("1.2", "3", "2"))
    result = plan_target(unit, {"B": D(99)}, rank=1)
    assert result.achievable is False
    assert result.points_needed == D(29)
    assert result.leaves == [("1.1", D(2)), ("1.2", D(3))]
    assert result.cost == D(3)
    assert result.new_index == D("75.00")
    assert result.new_rank == 2


def test_a_target_already_met_needs_nothing():
    result = plan_target(state("95", "100", ("1.1", "5", "1")), {"B": D(90)}, rank=1)
    assert (result.points_needed, result.achievable, result.cost, result.leaves) == (D(0), True, D(0), [])


def test_not_applicable_leaves_are_absent_and_the_index_is_rescaled():
    samples = {criteria_set.code: criteria_set for criteria_set in load_samples()}
    commune = samples["MAU-XA-2024"]
    scores = {node.code: LeafScore(self_points=node.max_points) for node in commune.leaves() if not node.is_bonus}
    scores["3.4.1"] = LeafScore(self_points=D(2), appraised_points=D(1))
    scores["3.4.3"] = LeafScore(not_applicable=True)
    scores["7.3.3"] = LeafScore(self_points=D("1.2"))
    unit = state_from_tree("XA-A", commune.nodes, scores, effort_overrides={"7.3.3": D(5)})
    assert unit.applicable_max == D(98)
    assert unit.points == D("94.2")
    assert "3.4.3" not in {leaf.code for leaf in unit.leaves}
    assert {leaf.code: (leaf.points_lost, leaf.cost) for leaf in unit.leaves} == {
        "3.4.1": (D(3), D(3)),
        "7.3.3": (D("0.8"), D(5)),
    }
    result = plan_target(unit, {"XA-B": D("97.00")}, rank=1)
    # 97% of 98 = 95.06, so 0.86 more points: 7.3.3 (0.8) is not enough, 3.4.1 (3 points, effort 3) is.
    assert result.points_needed == D("0.86")
    assert result.leaves == [("3.4.1", D(3))]
    nodes = {node.code: node for node in commune.walk()}
    targets = measure_targets(result, unit, nodes, {"3.4.1": D("93.4")})
    assert targets == {"3.4.1": "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn từ 93,4% lên ≥ 100%"}


def test_others_keeping_their_trend_raise_the_bar():
    unit = state("80", "100", ("1.1", "4", "1"), ("1.2", "8", "1"))
    others = {"B": D(83), "C": D(70)}
    assert plan_target(unit, others, rank=1).leaves == [("1.1", D(4))]
    trend = plan_target(unit, others, rank=1, previous_others={"B": D(78), "C": D(60)})
    assert trend.required_index == D(88)
    assert trend.leaves == [("1.2", D(8))]
    assert project_trend({"B": D(99), "C": D(5)}, {"B": D(90), "C": D(10)}) == {"B": D(100), "C": D(0)}


def test_what_if_gives_the_new_index_and_rank_at_once():
    unit = UnitState(
        unit="XA-A",
        points=D("92"),
        applicable_max=D(100),
        leaf_points={"3.4.1": D(2), "3.4.3": D(1)},
        leaf_maxima={"3.4.1": D(4), "3.4.3": D(2)},
    )
    others = [UnitScore("XA-B", D(93), D(100)), UnitScore("XA-C", D("92.5"), D(100)), UnitScore("XA-A", D(92), D(100))]
    assert what_if(unit, {}, others) == (D("92.00"), 3)
    assert what_if(unit, {"3.4.1": D(4)}, others) == (D("94.00"), 1)
    # Not applicable: 91 of 98.
    assert what_if(unit, {"3.4.3": None}, others) == (D("92.86"), 2)
    with pytest.raises(PlanningError, match=r"9\.9"):
        what_if(unit, {"9.9": D(1)}, others)


def test_exactly_one_target_is_required():
    with pytest.raises(PlanningError):
        plan_target(state("80", "100"), {}, rank=1, rise=1)
    with pytest.raises(PlanningError):
        plan_target(state("80", "100"), {})


def test_the_default_time_frame_is_rendered_for_the_year():
    assert render_timeframe("Thường xuyên trong năm {năm}", 2025) == "Thường xuyên trong năm 2025"


def test_equal_cost_plans_prefer_fewer_points_over_the_target_then_fewer_leaves_then_earlier_codes():
    leaves = [PlanLeaf("1.1", D(2), D(1)), PlanLeaf("1.2", D(2), D(1)), PlanLeaf("1.3", D(3), D(1))]
    assert [leaf.code for leaf in cheapest_recovery(leaves, D(2)).leaves] == ["1.1"]
    assert [leaf.code for leaf in cheapest_recovery(leaves, D("2.5")).leaves] == ["1.3"]
    cheap = [PlanLeaf("2.1", D(1), D(0)), PlanLeaf("2.2", D(1), D(0)), PlanLeaf("2.3", D(2), D(0))]
    assert [leaf.code for leaf in cheapest_recovery(cheap, D(2)).leaves] == ["2.3"]


def test_a_greedy_choice_would_be_wrong_here():
    # Best points per effort first takes 1.1 (5 for 1) then needs 1.3 too: cost 4. Optimal: 1.2 + 1.4.
    leaves = [
        PlanLeaf("1.1", D(5), D(1)),
        PlanLeaf("1.2", D(4), D(1)),
        PlanLeaf("1.3", D(3), D(3)),
        PlanLeaf("1.4", D(4), D(1)),
    ]
    recovery = cheapest_recovery(leaves, D(8))
    assert recovery.cost == D(2)
    assert [leaf.code for leaf in recovery.leaves] in (["1.1", "1.2"], ["1.1", "1.4"], ["1.2", "1.4"])
    assert [leaf.code for leaf in recovery.leaves] == ["1.2", "1.4"]


# --- optimality against brute force ----------------------------------------------------------------


def brute_force(leaves: list[PlanLeaf], needed: Decimal) -> tuple | None:
    best = None
    for size in range(len(leaves) + 1):
        for subset in combinations(leaves, size):
            recovered = sum((leaf.points_lost for leaf in subset), D(0))
            if recovered < needed:
                continue
            key = (
                sum((leaf.cost for leaf in subset), D(0)),
                recovered,
                size,
                sorted(code_sort_key(leaf.code) for leaf in subset),
            )
            if best is None or key < best:
                best = key
    return best


plan_leaves = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=400).map(lambda value: D(value) / 100),
        st.integers(min_value=0, max_value=6).map(D),
    ),
    max_size=12,
).map(
    lambda items: [
        PlanLeaf(f"{1 + number // 4}.{1 + number % 4}", lost, cost) for number, (lost, cost) in enumerate(items)
    ]
)


@settings(max_examples=150, deadline=None)
@given(leaves=plan_leaves, needed=st.integers(min_value=0, max_value=2000).map(lambda value: D(value) / 100))
def test_the_recovery_is_the_optimum_a_brute_force_search_finds(leaves, needed):
    recovery = cheapest_recovery(leaves, needed)
    expected = brute_force(leaves, needed)
    if expected is None:
        assert recovery.achievable is False
        assert {leaf.code for leaf in recovery.leaves} == {leaf.code for leaf in leaves}
        return
    chosen = recovery.leaves
    actual = (
        sum((leaf.cost for leaf in chosen), D(0)),
        sum((leaf.points_lost for leaf in chosen), D(0)),
        len(chosen),
        sorted(code_sort_key(leaf.code) for leaf in chosen),
    )
    assert recovery.achievable
    assert actual == expected
    assert recovery.cost == actual[0]


@settings(max_examples=100, deadline=None)
@given(
    leaves=plan_leaves,
    points=st.integers(min_value=0, max_value=8000).map(lambda value: D(value) / 100),
    others=st.lists(st.integers(min_value=0, max_value=10000).map(lambda value: D(value) / 100), max_size=8),
    wanted_rank=st.integers(min_value=1, max_value=9),
)
def test_the_plan_reaches_the_target_rank_with_the_fewest_points_whenever_it_is_achievable(
    leaves, points, others, wanted_rank
):
    lost = sum((leaf.points_lost for leaf in leaves), D(0))
    unit = UnitState("XA-A", points, points + lost + D(5), tuple(leaves))
    other_indexes = {f"O{number}": value for number, value in enumerate(others)}
    result = plan_target(unit, other_indexes, rank=wanted_rank)
    reached = rank_of(index(points + result.points_needed, unit.applicable_max), other_indexes.values())
    assert reached <= wanted_rank
    if result.points_needed > 0:
        short = index(points + result.points_needed - D("0.01"), unit.applicable_max)
        assert rank_of(short, other_indexes.values()) > wanted_rank
    if result.achievable:
        assert result.new_rank <= wanted_rank
    else:
        assert result.new_rank > wanted_rank
