"""The index arithmetic through the models: bounds, not-applicable rescaling, ties, the worked example."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.assessment import services
from cchc.assessment.framework_io import CriteriaSet as CriteriaSetData
from cchc.assessment.models import Criterion, LeafScore, RoundUnit
from cchc.assessment.results import round_results
from cchc.assessment.tests.conftest import branch, leaf
from cchc.testing import make_unit

D = Decimal
PROPERTY_SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def example_set() -> CriteriaSetData:
    """The leaves of the worked example (examples.md): 3.4.1 max 2, 3.4.3 max 1, 7.3.3 max 2."""
    return CriteriaSetData(
        code="VI-DU",
        name="Ví dụ",
        year_from=2024,
        total_points=D(5),
        nodes=[
            branch("3", "3", branch("3.4", "3", leaf("3.4.1", "2"), leaf("3.4.3", "1"))),
            branch("7", "2", branch("7.3", "2", leaf("7.3.3", "2"))),
        ],
    )


@pytest.fixture
def five_units(world):
    units = [world.commune, world.other_commune]
    units += [make_unit(f"Xã Thử {index}", "xa", parent=world.province, code=f"X0{index}") for index in (3, 4, 5)]
    criteria_set, _ = services.import_criteria_set(actor=services.COMMAND_LINE, data=example_set())
    round_ = services.create_round(actor=world.admin, code="VD-2026", criteria_set=criteria_set, year=2026, units=units)
    leaves = {criterion.code: criterion for criterion in Criterion.objects.filter(criteria_set=criteria_set)}
    entries = {entry.unit.code: entry for entry in RoundUnit.objects.filter(round=round_).select_related("unit")}
    return round_, leaves, entries


def put(entry, criterion, points=None, *, appraised=None, not_applicable=False) -> None:
    LeafScore.objects.update_or_create(
        round_unit=entry,
        criterion=criterion,
        defaults={"self_points": points, "appraised_points": appraised, "not_applicable": not_applicable},
    )


def test_the_worked_example_gives_87_50_percent_and_equal_indexes_share_rank_three(five_units):
    round_, leaves, entries = five_units
    for code in ("X03", "X04"):
        put(entries[code], leaves["3.4.1"], D("1.5"))
        put(entries[code], leaves["3.4.3"], not_applicable=True)
        put(entries[code], leaves["7.3.3"], D(2))
    for code, points in (("X01", (2, 1, 2)), ("X02", (2, D("0.75"), 2)), ("X05", (1, 1, 2))):
        for criterion_code, value in zip(("3.4.1", "3.4.3", "7.3.3"), points, strict=True):
            put(entries[code], leaves[criterion_code], D(value))
    results = {result.unit.code: result for result in round_results(round_).results}
    assert results["X03"].points == D("3.5") and results["X03"].applicable_max == D(4)
    assert results["X03"].index == D("87.50")
    assert [results[code].rank for code in ("X01", "X02", "X03", "X04", "X05")] == [1, 2, 3, 3, 5]
    assert results["X05"].index == D("80.00")


def test_the_appraised_score_counts_where_present_else_the_self_score(five_units):
    round_, leaves, entries = five_units
    put(entries["X01"], leaves["3.4.1"], D(2), appraised=D(1))
    put(entries["X01"], leaves["3.4.3"], D(1))
    put(entries["X01"], leaves["7.3.3"], D(2))
    result = round_results(round_).for_unit(entries["X01"].unit_id)
    assert result.points == D(4) and result.index == D("80.00")


@PROPERTY_SETTINGS
@given(points=st.lists(st.integers(min_value=0, max_value=200), min_size=3, max_size=3))
def test_the_index_stays_between_zero_and_a_hundred(five_units, points):
    round_, leaves, entries = five_units
    LeafScore.objects.all().delete()
    maxima = {"3.4.1": 2, "3.4.3": 1, "7.3.3": 2}
    for (code, maximum), hundredths in zip(maxima.items(), points, strict=True):
        put(entries["X01"], leaves[code], min(D(hundredths) / 100, D(maximum)))
    result = round_results(round_).for_unit(entries["X01"].unit_id)
    assert D(0) <= result.index <= D(100)
    assert result.applicable_max == D(5)


@PROPERTY_SETTINGS
@given(
    scored=st.tuples(
        st.integers(min_value=0, max_value=200),
        st.integers(min_value=0, max_value=100),
        st.integers(min_value=0, max_value=200),
    ),
    not_applicable=st.sampled_from(["3.4.1", "3.4.3", "7.3.3"]),
)
def test_a_not_applicable_leaf_leaves_both_its_points_and_its_maximum(five_units, scored, not_applicable):
    round_, leaves, entries = five_units
    LeafScore.objects.all().delete()
    maxima = {"3.4.1": D(2), "3.4.3": D(1), "7.3.3": D(2)}
    values = {code: D(hundredths) / 100 for code, hundredths in zip(maxima, scored, strict=True)}
    for code in maxima:
        put(entries["X01"], leaves[code], values[code], not_applicable=code == not_applicable)
    result = round_results(round_).for_unit(entries["X01"].unit_id)
    kept = [code for code in maxima if code != not_applicable]
    assert result.applicable_max == sum(maxima[code] for code in kept)
    assert result.points == sum(values[code] for code in kept)
    expected = (sum(values[code] for code in kept) * 100 / sum(maxima[code] for code in kept)).quantize(D("0.01"))
    assert result.index == expected


@PROPERTY_SETTINGS
@given(indexes=st.lists(st.integers(min_value=0, max_value=4), min_size=5, max_size=5))
def test_ranks_are_one_plus_the_number_of_units_strictly_higher(five_units, indexes):
    round_, leaves, entries = five_units
    LeafScore.objects.all().delete()
    for code, quarter_points in zip(sorted(entries), indexes, strict=True):
        put(entries[code], leaves["3.4.1"], D(quarter_points) / 2)
        put(entries[code], leaves["3.4.3"], D(0))
        put(entries[code], leaves["7.3.3"], D(0))
    results = round_results(round_).results
    for result in results:
        assert result.rank == 1 + sum(1 for other in results if other.index > result.index)
    assert [result.rank for result in results] == sorted(result.rank for result in results)
