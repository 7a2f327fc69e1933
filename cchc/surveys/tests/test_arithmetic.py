import math
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.surveys.arithmetic import (
    InvalidAnswerError,
    SurveyResponse,
    Target,
    TargetStatus,
    Trend,
    compare_with_target,
    compute_results,
    criterion_percentage,
    mean_percentage,
    parse_target,
    proportion_margin_of_error,
    scale_answer,
    to_percentage,
)
from cchc.surveys.questionnaire import (
    Condition,
    Factor,
    FactorMethod,
    Question,
    QuestionKind,
    Questionnaire,
    RespondentAttribute,
    ScoringMethod,
    Section,
)


def make_questionnaire(
    factors: dict[str, list[str]],
    method: FactorMethod = FactorMethod.CRITERIA_MEAN,
    weights: dict[str, Decimal] | None = None,
    extra: tuple[Question, ...] = (),
) -> Questionnaire:
    criteria = tuple(
        Question(code=code, text={"vi": f"Tiêu chí {code}"}, kind=QuestionKind.SCALE5, factor=factor)
        for factor, codes in factors.items()
        for code in codes
    )
    return Questionnaire(
        code="TEST",
        version=1,
        name={"vi": "Phiếu thử"},
        method=ScoringMethod(factor_method=method, factor_weights=weights or {}),
        factors=tuple(Factor(code=code, name={"vi": code}) for code in factors),
        sections=(Section(code="S", title={"vi": "Phần"}, questions=extra + criteria),),
    )


def responses_from_columns(columns: dict[str, list[object]], **attributes: str) -> list[SurveyResponse]:
    """Column lists of answers (one per respondent) → one response per respondent."""
    count = max(len(values) for values in columns.values())
    return [
        SurveyResponse(
            answers={code: values[i] for code, values in columns.items() if i < len(values)},
            attributes=attributes,
        )
        for i in range(count)
    ]


def satisfied_answers(satisfied: int, total: int) -> list[object]:
    return [5 if position < satisfied else 2 for position in range(total)]


def test_a_criterion_counts_satisfied_and_very_satisfied_among_those_who_answered() -> None:
    assert criterion_percentage([5, 4, 4, 3, 2, None]) == Decimal("60.00")
    assert criterion_percentage(["5", "4", "4", "3", "2", ""]) == Decimal("60.00")


def test_a_criterion_nobody_answered_has_no_percentage() -> None:
    assert criterion_percentage([None, "", " "]) is None


def test_a_factor_is_the_mean_of_its_criteria() -> None:
    assert mean_percentage([Decimal(60), Decimal(80)]) == Decimal("70.00")
    questionnaire = make_questionnaire({"F": ["A", "B"]})
    responses = responses_from_columns({"A": [5, 4, 4, 3, 2, None], "B": [5, 5, 4, 4, 1]})

    result = compute_results(responses, questionnaire)[()]

    assert result.criteria["A"].percentage == Decimal("60.00")
    assert result.criteria["B"].percentage == Decimal("80.00")
    assert result.factors["F"].percentage == Decimal("70.00")
    assert result.criteria["A"].not_answered == 1
    assert result.criteria["A"].distribution == {1: 0, 2: 1, 3: 1, 4: 2, 5: 1}


def test_the_index_is_the_mean_of_the_five_factors() -> None:
    assert mean_percentage([Decimal(value) for value in (70, 80, 90, 60, 75)]) == Decimal("75.00")
    shares = {"F1": 14, "F2": 16, "F3": 18, "F4": 12, "F5": 15}
    questionnaire = make_questionnaire({factor: [f"{factor}.1"] for factor in shares})
    responses = responses_from_columns({f"{f}.1": satisfied_answers(s, 20) for f, s in shares.items()})

    result = compute_results(responses, questionnaire)[()]

    assert [factor.percentage for factor in result.factors.values()] == [
        Decimal("70.00"),
        Decimal("80.00"),
        Decimal("90.00"),
        Decimal("60.00"),
        Decimal("75.00"),
    ]
    assert result.index == Decimal("75.00")
    assert result.responses == 20
    assert result.respondents_scored == 20


def test_the_pooled_method_weighs_criteria_by_their_answers() -> None:
    columns: dict[str, list[object]] = {"A": [5, 1, *[None] * 8], "B": [*[5] * 9, 1]}
    responses = responses_from_columns(columns)

    mean = compute_results(responses, make_questionnaire({"F": ["A", "B"]}))[()]
    pooled = compute_results(responses, make_questionnaire({"F": ["A", "B"]}, FactorMethod.POOLED))[()]

    assert mean.factors["F"].percentage == Decimal("70.00")  # (50 + 90) / 2
    assert pooled.factors["F"].percentage == Decimal("83.33")  # 10 of 12 answers
    assert pooled.factors["F"].answers == 12
    assert pooled.factors["F"].satisfied == 10


def test_factor_weights_make_a_weighted_index() -> None:
    questionnaire = make_questionnaire({"F1": ["A"], "F2": ["B"]}, weights={"F1": Decimal(2), "F2": Decimal(1)})
    responses = responses_from_columns({"A": satisfied_answers(6, 10), "B": satisfied_answers(9, 10)})

    assert compute_results(responses, questionnaire)[()].index == Decimal("70.00")
    assert mean_percentage([Decimal(60), Decimal(90)], [Decimal(2), Decimal(1)]) == Decimal("70.00")


def test_percentages_round_half_up_from_the_exact_share() -> None:
    assert to_percentage(Fraction(1, 800)) == Decimal("0.13")
    assert to_percentage(Fraction(2, 3)) == Decimal("66.67")
    assert to_percentage(Fraction(1, 1)) == Decimal("100.00")


def test_a_factor_is_computed_from_exact_shares_not_rounded_percentages() -> None:
    # 1/8 = 12.5% and 1/800 = 0.125%: rounding first would give (12.50 + 0.13) / 2 = 6.315 → 6.32.
    questionnaire = make_questionnaire({"F": ["A", "B"]})
    responses = responses_from_columns({"A": satisfied_answers(1, 8), "B": satisfied_answers(1, 800)})

    assert compute_results(responses, questionnaire)[()].factors["F"].percentage == Decimal("6.31")


def test_a_factor_nobody_answered_is_left_out_of_the_index() -> None:
    questionnaire = make_questionnaire({"F1": ["A"], "F2": ["B"]})
    responses = responses_from_columns({"A": satisfied_answers(3, 4), "B": [None] * 4})

    result = compute_results(responses, questionnaire)[()]

    assert result.factors["F2"].percentage is None
    assert result.factors_without_answers == ("F2",)
    assert result.index == Decimal("75.00")


def test_an_answer_to_a_question_hidden_by_its_condition_is_not_counted() -> None:
    gave_feedback = Question(
        code="G",
        text={"vi": "Có góp ý không?"},
        kind=QuestionKind.SINGLE,
        options={"1": {"vi": "Có"}, "2": {"vi": "Không"}},
    )
    handled = Question(
        code="H",
        text={"vi": "Xử lý góp ý"},
        kind=QuestionKind.SCALE5,
        factor="F",
        condition=Condition("G", ("1",)),
    )
    questionnaire = Questionnaire(
        code="T",
        version=1,
        name={"vi": "Thử"},
        factors=(Factor("F", {"vi": "F"}),),
        sections=(Section("S", {"vi": "S"}, (gave_feedback, handled)),),
    )
    responses = [
        SurveyResponse({"G": "1", "H": 5}),
        SurveyResponse({"G": "1", "H": 2}),
        SurveyResponse({"G": "2", "H": 1}),  # a paper sheet answered a question it should have skipped
    ]

    result = compute_results(responses, questionnaire)[()]

    assert result.criteria["H"].answered == 2
    assert result.criteria["H"].percentage == Decimal("50.00")


def test_a_scale_question_without_factor_is_a_criterion_outside_the_index() -> None:
    overall = Question(code="O", text={"vi": "Hài lòng chung"}, kind=QuestionKind.SCALE5)
    questionnaire = make_questionnaire({"F": ["A"]}, extra=(overall,))
    responses = responses_from_columns({"A": [5, 5], "O": [1, 1]})

    result = compute_results(responses, questionnaire)[()]

    assert result.criteria["O"].percentage == Decimal("0.00")
    assert result.index == Decimal("100.00")


def test_results_are_given_per_unit_and_respondent_group() -> None:
    sex = Question(
        code="GT",
        text={"vi": "Giới tính"},
        kind=QuestionKind.SINGLE,
        options={"1": {"vi": "Nam"}, "2": {"vi": "Nữ"}},
        respondent_attribute=RespondentAttribute.SEX,
    )
    questionnaire = make_questionnaire({"F": ["A"]}, extra=(sex,))
    responses = [
        SurveyResponse({"GT": "1", "A": 5}, {"unit": "XA-01"}),
        SurveyResponse({"GT": "2", "A": 1}, {"unit": "XA-01"}),
        SurveyResponse({"GT": "2", "A": 4}, {"unit": "XA-02"}),
        SurveyResponse({"A": 4}, {"unit": "XA-02"}),
    ]

    by_unit = compute_results(responses, questionnaire, group_by=["unit"])
    by_unit_and_sex = compute_results(responses, questionnaire, group_by=["unit", "sex"])

    assert {key: result.index for key, result in by_unit.items()} == {
        ("XA-01",): Decimal("50.00"),
        ("XA-02",): Decimal("100.00"),
    }
    assert list(by_unit_and_sex) == [("XA-01", "1"), ("XA-01", "2"), ("XA-02", ""), ("XA-02", "2")]
    assert by_unit_and_sex[("XA-01", "2")].index == Decimal("0.00")
    assert by_unit_and_sex[("XA-02", "")].labels == {"unit": "XA-02", "sex": ""}


def test_a_response_with_several_choices_counts_in_each_chosen_group() -> None:
    channels = Question(
        code="K",
        text={"vi": "Kênh"},
        kind=QuestionKind.MULTIPLE,
        options={"1": {"vi": "Trực tiếp"}, "2": {"vi": "Trực tuyến"}},
    )
    questionnaire = make_questionnaire({"F": ["A"]}, extra=(channels,))
    responses = [SurveyResponse({"K": ["1", "2"], "A": 5}), SurveyResponse({"K": ["2"], "A": 1})]

    results = compute_results(responses, questionnaire, group_by=["K"])

    assert results[("1",)].responses == 1
    assert results[("2",)].responses == 2
    assert results[("2",)].index == Decimal("50.00")


def test_an_answer_outside_the_scale_is_an_error_naming_the_sheet_and_question() -> None:
    questionnaire = make_questionnaire({"F": ["A"]})
    with pytest.raises(InvalidAnswerError, match="Phiếu 'P-7', câu 'A'"):
        compute_results([SurveyResponse({"A": 7}, identifier="P-7")], questionnaire)


@pytest.mark.parametrize("value", [6, 0, "abc", True, 4.5, "NaN", "sNaN", "Infinity"])
def test_a_scale_answer_must_be_a_whole_level_from_one_to_five(value: object) -> None:
    with pytest.raises(InvalidAnswerError):
        scale_answer(value)


def test_a_scale_answer_may_come_as_text_or_number() -> None:
    assert [scale_answer(value) for value in ("4", 4.0, Decimal("5"), " 1 ", 3)] == [4, 4, 5, 1, 3]


def test_the_margin_of_error_of_a_criterion_uses_the_normal_approximation() -> None:
    assert proportion_margin_of_error(3, 5) == Decimal("42.94")  # 1.96 · sqrt(0.6 · 0.4 / 5)
    assert proportion_margin_of_error(3, 5, population_size=10) == Decimal("32.01")  # · sqrt(5/9)
    assert proportion_margin_of_error(3, 5, population_size=5) == Decimal("0.00")
    assert proportion_margin_of_error(0, 0) is None


def test_the_margin_of_error_of_the_index_is_that_of_the_respondents_mean_share() -> None:
    # Own shares 1, 0.5, 0, 0.5: mean 0.5, sample variance 1/6, standard error sqrt(1/24).
    questionnaire = make_questionnaire({"F1": ["A"], "F2": ["B"]})
    responses = responses_from_columns({"A": [5, 5, 1, 4], "B": [5, 1, 1, 2]})

    result = compute_results(responses, questionnaire)[()]

    assert result.index == Decimal("50.00")
    assert result.margin_of_error == Decimal("40.01")


def test_a_fully_surveyed_population_has_no_margin_of_error_and_one_respondent_has_none_known() -> None:
    questionnaire = make_questionnaire({"F": ["A"]})
    responses = responses_from_columns({"A": [5, 1, 4]})

    assert compute_results(responses, questionnaire, population_sizes={(): 3})[()].margin_of_error == 0
    assert compute_results(responses[:1], questionnaire)[()].margin_of_error is None


scale_or_blank = st.one_of(st.none(), st.just(""), st.integers(min_value=1, max_value=5))


@given(st.lists(scale_or_blank, max_size=60), st.integers(min_value=0, max_value=10))
def test_a_criterion_is_the_rounded_share_of_fours_and_fives_whatever_the_blanks(
    answers: list[object], extra_blanks: int
) -> None:
    levels = [answer for answer in answers if isinstance(answer, int)]
    expected = None
    if levels:
        share = Decimal(sum(1 for level in levels if level >= 4) * 100) / Decimal(len(levels))
        expected = share.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert criterion_percentage(answers) == expected
    assert criterion_percentage(answers + [None] * extra_blanks) == expected


answer_rows = st.lists(
    st.tuples(scale_or_blank, scale_or_blank, scale_or_blank, st.sampled_from(["XA-01", "XA-02"])),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60)
@given(answer_rows, st.randoms(use_true_random=False))
def test_the_index_lies_between_its_factors_and_ignores_the_order_of_responses(
    rows: list[tuple[object, object, object, str]], shuffler: random.Random
) -> None:
    questionnaire = make_questionnaire({"F1": ["A", "B"], "F2": ["C"]})
    responses = [SurveyResponse({"A": a, "B": b, "C": c}, {"unit": unit}) for a, b, c, unit in rows]
    shuffled = list(responses)
    shuffler.shuffle(shuffled)

    results = compute_results(responses, questionnaire, group_by=["unit"])

    assert results == compute_results(shuffled, questionnaire, group_by=["unit"])
    for result in results.values():
        factors = [f.percentage for f in result.factors.values() if f.percentage is not None]
        if factors:
            assert result.index is not None
            assert min(factors) - Decimal("0.01") <= result.index <= max(factors) + Decimal("0.01")
        else:
            assert result.index is None


@settings(max_examples=60)
@given(st.lists(st.tuples(*[st.integers(min_value=1, max_value=5)] * 3), min_size=2, max_size=40))
def test_without_blanks_the_index_margin_is_the_standard_error_of_respondent_shares(
    rows: list[tuple[int, int, int]],
) -> None:
    questionnaire = make_questionnaire({"F1": ["A", "B"], "F2": ["C"]})
    responses = [SurveyResponse({"A": a, "B": b, "C": c}) for a, b, c in rows]
    own_shares = [((a >= 4) + (b >= 4)) / 4 + (c >= 4) / 2 for a, b, c in rows]
    mean = sum(own_shares) / len(own_shares)
    variance = sum((share - mean) ** 2 for share in own_shares) / (len(own_shares) - 1)
    expected = 1.96 * math.sqrt(variance / len(own_shares)) * 100

    result = compute_results(responses, questionnaire)[()]

    assert result.margin_of_error is not None
    assert abs(float(result.margin_of_error) - expected) <= 0.006
    assert abs(float(result.index or 0) - mean * 100) <= 0.006


def test_a_target_reads_the_way_plans_write_it() -> None:
    assert parse_target("≥ 90%") == Target(Decimal(90))
    assert parse_target(">= 90") == Target(Decimal(90))
    assert parse_target("> 85%") == Target(Decimal(85), strict=True)
    assert parse_target("trên 85,5%") == Target(Decimal("85.5"), strict=True)
    assert parse_target("từ 90% trở lên") == Target(Decimal(90))
    with pytest.raises(ValueError, match="chỉ tiêu"):
        parse_target("khoảng 90")


def test_a_result_above_its_target_and_last_round_is_met_and_rising() -> None:
    comparison = compare_with_target(Decimal("92.00"), Target(Decimal(90)), previous=Decimal("90.50"))

    assert comparison.status is TargetStatus.MET
    assert comparison.gap == Decimal("2.00")
    assert comparison.trend is Trend.UP
    assert comparison.change == Decimal("1.50")
    assert comparison.summary == (
        "92,00%; đạt chỉ tiêu ≥ 90,00% (cao hơn 2,00 điểm %); tăng 1,50 điểm % so với kỳ trước (90,50%)"
    )


def test_a_result_equal_to_a_strict_target_is_not_met() -> None:
    comparison = compare_with_target(Decimal("85.00"), Target(Decimal(85), strict=True), previous=Decimal(85))

    assert comparison.status is TargetStatus.NOT_MET
    assert comparison.trend is Trend.STABLE
    assert "chưa đạt chỉ tiêu > 85,00% (bằng chỉ tiêu)" in comparison.summary


def test_a_miss_within_the_margin_of_error_is_marked_uncertain() -> None:
    comparison = compare_with_target(
        Decimal("88.50"), Target(Decimal(90)), previous=Decimal("89.00"), margin_of_error=Decimal("2.10")
    )

    assert comparison.status is TargetStatus.NOT_MET
    assert comparison.within_margin_of_error
    assert comparison.trend is Trend.DOWN
    assert "thấp hơn 1,50 điểm %" in comparison.summary
    assert "biên sai số ±2,10 điểm %" in comparison.summary
    assert "giảm 0,50 điểm % so với kỳ trước" in comparison.summary


def test_no_result_and_no_target_are_reported_as_such() -> None:
    assert compare_with_target(None, Target(Decimal(90))).status is TargetStatus.NO_DATA
    assert compare_with_target(Decimal(80)).status is TargetStatus.NO_TARGET
    assert compare_with_target(Decimal(80)).trend is Trend.NO_PREVIOUS
