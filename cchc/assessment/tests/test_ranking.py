from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc.assessment.ranking import (
    CriterionNode,
    LeafScore,
    UnitScore,
    code_sort_key,
    group_for,
    index,
    rank_change,
    rank_of,
    rank_units,
    ranks,
    unit_total,
    validate_thresholds,
)

D = Decimal


def leaf(code: str, maximum: str, rule: str = "manual", **params) -> CriterionNode:
    return CriterionNode(code=code, title=f"Tiêu chí {code}", max_points=D(maximum), rule_kind=rule, params=params)


def parent(code: str, *children: CriterionNode) -> CriterionNode:
    total = sum((child.max_points for child in children if not child.is_bonus), D(0))
    return CriterionNode(code=code, title=f"Lĩnh vực {code}", max_points=total, children=list(children))


def example_tree() -> list[CriterionNode]:
    """The worked example: 3.4.1 (2), 3.4.3 (1), 7.3.3 (2)."""
    return [
        parent("3", parent("3.4", leaf("3.4.1", "2"), leaf("3.4.3", "1"))),
        parent("7", parent("7.3", leaf("7.3.3", "2"))),
    ]


def test_the_worked_example_with_a_not_applicable_leaf_gives_87_50():
    scores = {
        "3.4.1": LeafScore(self_points=D("1.5")),
        "3.4.3": LeafScore(not_applicable=True),
        "7.3.3": LeafScore(self_points=D(2)),
    }
    total = unit_total(example_tree(), scores)
    assert total.points == D("3.5")
    assert total.applicable_max == D(4)
    assert total.index == D("87.50")


def test_two_units_at_87_50_share_rank_3_and_the_next_is_5():
    unit_ranks = ranks({"A": D(95), "B": D(90), "C": D("87.50"), "D": D("87.50"), "E": D(80)})
    assert unit_ranks == {"A": 1, "B": 2, "C": 3, "D": 3, "E": 5}


def test_the_index_has_two_decimals_rounded_half_up_and_is_none_without_a_maximum():
    assert index(D("2"), D("3")) == D("66.67")
    assert index(D("1"), D("8")) == D("12.50")
    assert index(D("0"), D("0")) is None


def test_rank_of_counts_only_strictly_higher_indexes():
    assert rank_of(D("87.50"), [D(90), D("87.50"), D(80), None]) == 2


def test_rank_change_is_positive_when_the_unit_rose():
    assert rank_change(3, 8) == 5
    assert rank_change(10, 7) == -3
    assert rank_change(4, None) is None


def test_the_group_is_the_highest_threshold_reached():
    thresholds = [{"min_index": 70, "label": "C"}, {"min_index": 90, "label": "A"}, {"min_index": 80, "label": "B"}]
    assert group_for(D("92.00"), thresholds) == "A"
    assert group_for(D("89.99"), thresholds) == "B"
    assert group_for(D("69.99"), thresholds) is None
    assert group_for(None, thresholds) is None


def test_thresholds_with_repeated_minimum_or_missing_label_are_reported():
    errors = validate_thresholds([{"min_index": 90, "label": "A"}, {"min_index": 90, "label": ""}])
    assert errors == ["Ngưỡng thứ 2: thiếu tên nhóm («label»)", "Ngưỡng thứ 2: chỉ số tối thiểu 90 bị lặp lại"]


def test_rank_units_builds_the_results_table_best_first():
    scores = [
        UnitScore("XA-B", D("92"), D(100)),
        UnitScore("XA-A", D("87.5"), D(100)),
        UnitScore("XA-C", D("87.5"), D(100)),
        UnitScore("XA-D", D(0), D(0)),
    ]
    table = rank_units(scores, previous_ranks={"XA-B": 8, "XA-A": 1}, thresholds=[{"min_index": 90, "label": "Tốt"}])
    assert [(row.unit, row.rank, row.rank_change, row.group) for row in table] == [
        ("XA-B", 1, 7, "Tốt"),
        ("XA-A", 2, -1, None),
        ("XA-C", 2, None, None),
        ("XA-D", None, None, None),
    ]
    assert table[0].index == D("92.00")


def test_appraised_points_count_where_present_else_self_points():
    tree = [parent("1", leaf("1.1", "2"), leaf("1.2", "2"))]
    scores = {
        "1.1": LeafScore(self_points=D(2), appraised_points=D("1.25")),
        "1.2": LeafScore(self_points=D("1.5")),
    }
    total = unit_total(tree, scores)
    assert total.leaf_points == {"1.1": D("1.25"), "1.2": D("1.5")}
    assert total.points == D("2.75")


def test_bonus_points_add_above_the_maximum_and_penalties_take_away():
    tree = [
        parent(
            "1",
            leaf("1.1", "2"),
            leaf("1.2", "1", "penalty", per_occurrence=D("0.5")),
            leaf("1.3", "1", "bonus", per_occurrence=D("0.5")),
        )
    ]
    scores = {
        "1.1": LeafScore(self_points=D(2)),
        "1.2": LeafScore(self_points=D(0)),
        "1.3": LeafScore(self_points=D(1)),
    }
    total = unit_total(tree, scores)
    assert total.applicable_max == D(3)
    assert total.points == D(3)
    assert total.bonus_points == D(1)
    assert total.lost == [("1.2", D(1))]
    scores["1.2"] = LeafScore(self_points=D(1))
    assert unit_total(tree, scores).index == D("133.33")


def test_subtotals_per_area_and_lost_points_sorted_by_size():
    tree = [parent("1", leaf("1.1", "2"), leaf("1.2", "3")), parent("2", leaf("2.1", "5"))]
    scores = {"1.1": LeafScore(self_points=D(1)), "2.1": LeafScore(self_points=D(4))}
    total = unit_total(tree, scores)
    assert [(area.code, area.points, area.applicable_max) for area in total.areas] == [
        ("1", D(1), D(5)),
        ("2", D(4), D(5)),
    ]
    assert total.nodes["1"].index == D("20.00")
    assert total.lost == [("1.2", D(3)), ("1.1", D(1)), ("2.1", D(1))]
    assert total.unscored == ["1.2"]


def test_scores_for_codes_that_are_not_leaves_are_refused():
    with pytest.raises(ValueError, match=r"3\.4"):
        unit_total(example_tree(), {"3.4": LeafScore(self_points=D(1))})


def test_codes_sort_naturally():
    assert sorted(["3.10", "3.9", "10", "3.1.1.2", "3"], key=code_sort_key) == ["3", "3.1.1.2", "3.9", "3.10", "10"]


# --- properties ------------------------------------------------------------------------------------

hundredths = st.integers(min_value=1, max_value=500).map(lambda value: D(value) / 100)


@st.composite
def scored_trees(draw):
    """A random two-level tree with, per leaf, a score within [0, max] and a not-applicable flag."""
    roots = []
    scores = {}
    for area_number in range(1, draw(st.integers(min_value=1, max_value=4)) + 1):
        children = []
        for leaf_number in range(1, draw(st.integers(min_value=1, max_value=5)) + 1):
            code = f"{area_number}.{leaf_number}"
            maximum = draw(hundredths)
            children.append(leaf(code, str(maximum)))
            share = draw(st.integers(min_value=0, max_value=100))
            scores[code] = LeafScore(
                self_points=(maximum * share / 100).quantize(D("0.01")),
                not_applicable=draw(st.booleans()),
            )
        roots.append(parent(str(area_number), *children))
    return roots, scores


@given(scored_trees())
def test_without_bonus_the_index_stays_between_0_and_100(tree_and_scores):
    roots, scores = tree_and_scores
    total = unit_total(roots, scores)
    if total.applicable_max == 0:
        assert total.index is None
    else:
        assert D(0) <= total.index <= D(100)


@given(scored_trees())
def test_not_applicable_leaves_leave_the_maximum_so_full_marks_still_give_100(tree_and_scores):
    roots, scores = tree_and_scores
    maxima = {node.code: node.max_points for root in roots for node in root.leaves()}
    full = {
        code: LeafScore(self_points=maxima[code], not_applicable=score.not_applicable) for code, score in scores.items()
    }
    total = unit_total(roots, full)
    applicable = sum((maxima[code] for code, score in scores.items() if not score.not_applicable), D(0))
    assert total.applicable_max == applicable
    assert total.index == (None if applicable == 0 else D("100.00"))


@given(scored_trees())
def test_a_not_applicable_leaf_counts_as_if_it_were_not_in_the_tree(tree_and_scores):
    roots, scores = tree_and_scores
    pruned_roots = []
    for root in roots:
        kept = [child for child in root.children if not scores[child.code].not_applicable]
        if kept:
            pruned_roots.append(parent(root.code, *kept))
    pruned_scores = {code: score for code, score in scores.items() if not score.not_applicable}
    assert unit_total(roots, scores).index == unit_total(pruned_roots, pruned_scores).index


@given(st.dictionaries(st.text(min_size=1, max_size=4), st.integers(min_value=0, max_value=20).map(D), max_size=15))
def test_rank_is_one_plus_the_number_of_units_strictly_above(indexes):
    unit_ranks = ranks(indexes)
    for unit, value in indexes.items():
        assert unit_ranks[unit] == 1 + sum(1 for other in indexes.values() if other > value)
    for unit, value in indexes.items():
        tied = [other for other, other_value in indexes.items() if other_value == value]
        assert {unit_ranks[other] for other in tied} == {unit_ranks[unit]}
