from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc.assessment.scoring import (
    Rule,
    ScoringError,
    describe,
    evaluate,
    format_number,
    parse_kind,
    rate_needed,
    validate_params,
)

ON_TIME_TIERS = {
    "tiers": [
        {"min_rate": 100, "points": 4},
        {"min_rate": 97, "points": 3},
        {"min_rate": 95, "points": 2},
        {"min_rate": 90, "points": 1},
    ]
}


def test_manual_points_are_taken_as_declared_with_two_decimals():
    assert evaluate("manual", {}, 2, Decimal("1.5")) == Decimal("1.50")
    assert str(evaluate("manual", {}, 2, "1,25")) == "1.25"


def test_manual_points_above_the_maximum_are_refused_in_vietnamese():
    with pytest.raises(ScoringError, match="phải từ 0 đến điểm tối đa 2"):
        evaluate("manual", {}, 2, Decimal("2.5"))


def test_manual_points_must_be_one_of_the_listed_steps():
    params = {"steps": [0, Decimal("0.5"), 1]}
    assert evaluate("manual", params, 1, Decimal("0.5")) == Decimal("0.50")
    with pytest.raises(ScoringError, match="không thuộc các mức được chấm: 0; 0,5; 1"):
        evaluate("manual", params, 1, Decimal("0.75"))


def test_yes_gives_the_maximum_and_no_gives_nothing():
    assert evaluate("yes_no", {}, Decimal("1.5"), True) == Decimal("1.50")
    assert evaluate("yes_no", {}, Decimal("1.5"), False) == Decimal("0.00")
    with pytest.raises(ScoringError):
        evaluate("yes_no", {}, 1, "có lẽ")


@pytest.mark.parametrize(
    ("rate", "points"),
    [(100, "4.00"), ("99.99", "3.00"), (97, "3.00"), ("96.5", "2.00"), (90, "1.00"), ("89.9", "0.00")],
)
def test_a_tiered_rate_gets_the_points_of_the_highest_tier_it_reaches(rate, points):
    assert evaluate("tiers", ON_TIME_TIERS, 4, rate) == Decimal(points)


def test_below_the_lowest_tier_the_floor_points_apply():
    params = {**ON_TIME_TIERS, "floor_points": Decimal("0.5")}
    assert evaluate("tiers", params, 4, 50) == Decimal("0.50")


def test_proportional_points_reach_the_maximum_at_the_full_marks_rate():
    params = {"full_at": 80}
    assert evaluate("proportional", params, 2, 80) == Decimal("2.00")
    assert evaluate("proportional", params, 2, 95) == Decimal("2.00")
    assert evaluate("proportional", params, 2, 40) == Decimal("1.00")
    # 2 × 33/80 = 0.825 rounds half up to 0.83.
    assert evaluate("proportional", params, 2, 33) == Decimal("0.83")


def test_a_rate_outside_zero_to_one_hundred_is_refused():
    with pytest.raises(ScoringError, match="phải từ 0% đến 100%"):
        evaluate("proportional", {"full_at": 80}, 2, 120)


def test_penalty_subtracts_per_occurrence_but_never_below_the_floor():
    params = {"per_occurrence": Decimal("0.25")}
    assert evaluate("penalty", params, 1, 0) == Decimal("1.00")
    assert evaluate("penalty", params, 1, 3) == Decimal("0.25")
    assert evaluate("penalty", params, 1, 10) == Decimal("0.00")
    assert evaluate("penalty", {"per_occurrence": 1, "floor": -2}, 0, 5) == Decimal("-2.00")
    with pytest.raises(ScoringError, match="số nguyên không âm"):
        evaluate("penalty", params, 1, Decimal("1.5"))


def test_bonus_points_may_exceed_the_leaf_maximum_up_to_the_cap():
    assert evaluate("bonus", {"per_occurrence": Decimal("0.5")}, 1, 5) == Decimal("1.00")
    assert evaluate("bonus", {"per_occurrence": Decimal("0.5"), "cap": 2}, 1, 3) == Decimal("1.50")
    assert evaluate("bonus", {"points": Decimal("0.5")}, Decimal("0.5"), True) == Decimal("0.50")
    assert evaluate("bonus", {"points": Decimal("0.5")}, Decimal("0.5"), False) == Decimal("0.00")


def test_a_measure_rule_scores_the_measure_value_with_its_shape():
    digitised = {"measure": "dossier.results_digitised_rate", "shape": "proportional", "full_at": 55}
    assert evaluate("measure", digitised, 2, 55) == Decimal("2.00")
    assert evaluate("measure", digitised, 2, Decimal("27.5")) == Decimal("1.00")
    on_time = {"measure": "dossier.settled_on_time_rate", "shape": "tiers", **ON_TIME_TIERS}
    assert evaluate("measure", on_time, 4, Decimal("97.4")) == Decimal("3.00")


def test_describe_states_the_rule_in_vietnamese():
    assert describe("proportional", {"full_at": 80}, 2) == "≥ 80% đạt tối đa 2 điểm; dưới đó tính theo tỷ lệ"
    assert describe("tiers", ON_TIME_TIERS, 4) == (
        "Từ 100% trở lên: 4 điểm; từ 97% đến dưới 100%: 3 điểm; từ 95% đến dưới 97%: 2 điểm; "
        "từ 90% đến dưới 95%: 1 điểm; dưới 90%: 0 điểm"
    )
    assert describe("manual", {}, Decimal("1.5")) == "Chấm từ 0 đến 1,5 điểm"
    assert describe("yes_no", {}, 1) == "Đạt: 1 điểm; không đạt: 0 điểm"
    assert describe("penalty", {"per_occurrence": Decimal("0.25")}, 1) == (
        "Tối đa 1 điểm; trừ 0,25 điểm cho mỗi lần, thấp nhất 0 điểm"
    )
    assert describe("bonus", {"per_occurrence": Decimal("0.5")}, 1) == (
        "Điểm thưởng 0,5 điểm cho mỗi lần, tối đa 1 điểm"
    )
    assert describe("proportional", {"full_at": 100}, 2) == "Tính theo tỷ lệ: 100% đạt tối đa 2 điểm"
    assert describe("bonus", {"points": Decimal("0.5")}, Decimal("0.5")) == "Điểm thưởng 0,5 điểm nếu đạt"
    measure = {"measure": "dossier.results_digitised_rate", "shape": "proportional", "full_at": 55}
    assert describe("measure", measure, 2) == (
        "Tự động từ «Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC»: ≥ 55% đạt tối đa 2 điểm; dưới đó tính theo tỷ lệ"
    )


def test_validation_names_every_problem_in_vietnamese():
    assert validate_params("tiers", ON_TIME_TIERS, 4) == []
    assert validate_params("proportional", {}, 2) == ["cần tham số «full_at»: tỷ lệ (%) đạt điểm tối đa"]
    assert validate_params("proportional", {"full_at": 80, "ful_at": 80}, 2) == [
        "tham số «ful_at» không dùng cho cách chấm «Tỷ lệ»"
    ]
    errors = validate_params("tiers", {"tiers": [{"min_rate": 90, "points": 3}, {"min_rate": 95, "points": 1}]}, 2)
    assert "bậc thứ 1: 3 điểm phải từ 0 đến điểm tối đa 2" in errors
    assert "bậc từ 95% cho 1 điểm, ít hơn bậc từ 90% (3 điểm)" in errors
    assert validate_params("measure", {"shape": "tiers", "tiers": ON_TIME_TIERS["tiers"]}, 4) == [
        "cần tham số «measure»: mã chỉ số dạng «dossier.settled_on_time_rate»"
    ]
    assert validate_params("bonus", {"points": 1, "per_occurrence": 1}, 1) == [
        "cần đúng một trong hai tham số «per_occurrence» (mỗi lần) hoặc «points» (nếu đạt)"
    ]
    assert validate_params("guess", {}, 1)[0].startswith("cách chấm «guess» không hợp lệ")


def test_evaluating_with_invalid_params_fails_rather_than_guessing():
    with pytest.raises(ScoringError, match="full_at"):
        evaluate("proportional", {}, 2, 50)


def test_vietnamese_rule_words_are_understood_with_or_without_diacritics():
    assert parse_kind("Thủ công") == "manual"
    assert parse_kind("đạt/không đạt") == "yes_no"
    assert parse_kind("Theo bậc") == "tiers"
    assert parse_kind("Tỉ lệ") == "proportional"
    assert parse_kind("tru diem") == "penalty"
    assert parse_kind("Điểm thưởng") == "bonus"
    assert parse_kind("Từ chỉ số") == "measure"
    assert parse_kind("tiers") == "tiers"
    assert parse_kind("Bốc thăm") is None


def test_numbers_are_written_the_vietnamese_way():
    assert format_number(Decimal("1081000")) == "1.081.000"
    assert format_number(Decimal("92"), 2) == "92,00"
    assert format_number(Decimal("2.50")) == "2,5"
    assert format_number(Decimal("-1234.5"), 2) == "-1.234,50"
    assert format_number(Decimal("20")) == "20"


def test_the_rate_needed_for_some_points_is_the_lowest_that_earns_them():
    assert rate_needed("tiers", ON_TIME_TIERS, 4, Decimal(3)) == Decimal(97)
    assert rate_needed("tiers", ON_TIME_TIERS, 4, Decimal(5)) is None
    digitised = {"measure": "dossier.results_digitised_rate", "shape": "proportional", "full_at": 55}
    assert rate_needed("measure", digitised, 2, Decimal(2)) == Decimal(55)
    assert rate_needed("measure", digitised, 2, Decimal("1.5")) == Decimal("41.25")
    assert rate_needed("manual", {}, 2, Decimal(1)) is None


def test_a_rule_object_reports_what_the_unit_declares():
    assert Rule("yes_no", Decimal(1)).declared_input == "boolean"
    assert Rule("penalty", Decimal(1), {"per_occurrence": 1}).declared_input == "count"
    assert Rule("bonus", Decimal(1), {"points": 1}).declared_input == "boolean"
    rule = Rule("measure", Decimal(2), {"measure": "dossier.online_rate", "shape": "proportional", "full_at": 50})
    assert rule.declared_input == "rate"
    assert rule.measure == "dossier.online_rate"
    assert rule.evaluate(25) == Decimal("1.00")


rates = st.decimals(min_value=0, max_value=100, places=2)
maxima = st.decimals(min_value=Decimal("0.25"), max_value=20, places=2)


@given(maximum=maxima, full_at=st.decimals(min_value=1, max_value=100, places=0), rate=rates)
def test_proportional_points_stay_between_zero_and_the_maximum(maximum, full_at, rate):
    points = evaluate("proportional", {"full_at": full_at}, maximum, rate)
    assert Decimal(0) <= points <= maximum


@given(maximum=maxima, full_at=st.decimals(min_value=1, max_value=100, places=0), rate=rates, other=rates)
def test_a_higher_rate_never_earns_fewer_proportional_points(maximum, full_at, rate, other):
    low, high = sorted((rate, other))
    params = {"full_at": full_at}
    assert evaluate("proportional", params, maximum, low) <= evaluate("proportional", params, maximum, high)


@given(
    maximum=maxima,
    per=st.decimals(min_value=Decimal("0.01"), max_value=5, places=2),
    occurrences=st.integers(min_value=0, max_value=50),
)
def test_penalty_points_stay_between_the_floor_and_the_maximum(maximum, per, occurrences):
    points = evaluate("penalty", {"per_occurrence": per}, maximum, occurrences)
    assert Decimal(0) <= points <= maximum


@given(
    maximum=maxima,
    full_at=st.decimals(min_value=1, max_value=100, places=0),
    wanted=st.decimals(min_value=0, max_value=20, places=2),
)
def test_the_rate_needed_always_earns_the_wanted_points(maximum, full_at, wanted):
    params = {"full_at": full_at}
    rate = rate_needed("proportional", params, maximum, wanted)
    if wanted > maximum:
        assert rate is None
    else:
        assert rate is not None
        assert evaluate("proportional", params, maximum, rate) >= wanted
