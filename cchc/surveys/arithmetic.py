"""Satisfaction arithmetic: criteria, factors and the index, with counts and 95% margins of error.

Definitions (domain primer §4; worked examples "Satisfaction"):

- A criterion is a 5-level scale question. Its satisfaction is the share of answers 4 (Hài lòng) or
  5 (Rất hài lòng) among those who answered it. A blank is "not answered", and an answer to a question
  hidden by its condition is not counted either.
- A factor is, by the template's method, the unweighted mean of its criteria that have answers
  (`criteria_mean`), or the share of satisfied answers among all its criteria's answers pooled (`pooled`).
- The index is the mean of the factors that have answers, or their weighted mean when the template
  sets factor weights.

Shares are kept as exact fractions and rounded half up to two places only at the end, so a factor is
the mean of its criteria's exact shares rather than of their rounded percentages.

Margins of error are half the width of a 95% interval (z = 1.96), in percentage points:

- Criterion: normal approximation for a proportion,
  MoE = z · sqrt(p(1 − p) / n) · sqrt((N − n) / (N − 1)),
  n the answers, N the population the group samples (e.g. dossiers returned in the period) when known;
  without N the finite population correction is 1.
- Factor and index: both are weighted sums of ratio estimators R_r = ΣY_ir / ΣA_ir, where Y_ir and
  A_ir are respondent i's satisfied answers and answers in component r (a criterion, or a pooled
  factor). The respondent is the sampling unit, because one person's answers to several criteria are
  correlated and cannot count as independent samples. Taylor linearisation gives
  Var ≈ m / (m − 1) · Σ_i d_i²,  d_i = Σ_r W_r (Y_ir − R_r A_ir) / ΣA_r,
  with m the respondents who answered at least one of the criteria involved and W_r the component's
  weight in the estimate, times the same finite population correction. When nobody leaves a blank this
  is exactly the standard error of the mean of the respondents' own satisfaction shares.
  With fewer than two respondents the margin is unknown (None).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from enum import StrEnum
from fractions import Fraction

from cchc.core.formatting import number, percent
from cchc.surveys.questionnaire import (
    FactorMethod,
    Question,
    Questionnaire,
    RespondentAttribute,
    answer_codes,
)

SATISFIED_LEVELS = frozenset({4, 5})
Z_95 = Decimal("1.96")
HUNDREDTH = Decimal("0.01")
NOT_ANSWERED = 0


class InvalidAnswerError(ValueError):
    """An answer outside the 1–5 scale; the message is Vietnamese and names the question."""


# The usual spellings, looked up directly: results read tens of thousands of sheets.
_COMMON_LEVELS: dict[object, int | None] = {None: None, "": None}
_COMMON_LEVELS.update({level: level for level in range(1, 6)})
_COMMON_LEVELS.update({str(level): level for level in range(1, 6)})


def scale_answer(value: object) -> int | None:
    """1–5 from an int, "4", 4.0 or Decimal("4"); None for a blank. Anything else is an error."""
    if type(value) in (int, str, type(None)) and value in _COMMON_LEVELS:
        return _COMMON_LEVELS[value]
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise InvalidAnswerError(f"câu trả lời '{value}' không thuộc thang 1–5")
    try:
        level = Decimal(str(value).strip())
        if level.is_finite() and level == level.to_integral_value() and 1 <= level <= 5:
            return int(level)
    except InvalidOperation:
        pass
    raise InvalidAnswerError(f"câu trả lời '{value}' không thuộc thang 1–5")


def to_percentage(share: Fraction) -> Decimal:
    """An exact share as a percentage rounded half up to two places: 3/5 → 60.00."""
    hundredths, remainder = divmod(share.numerator * 10000, share.denominator)
    if 2 * remainder >= share.denominator:
        hundredths += 1
    return Decimal(hundredths).scaleb(-2)


def criterion_share(answers: Iterable[object]) -> Fraction | None:
    levels = [level for level in (scale_answer(answer) for answer in answers) if level is not None]
    if not levels:
        return None
    return Fraction(sum(1 for level in levels if level in SATISFIED_LEVELS), len(levels))


def criterion_percentage(answers: Iterable[object]) -> Decimal | None:
    """Answers 5, 4, 4, 3, 2 and a blank → 60.00; None when nobody answered."""
    share = criterion_share(answers)
    return None if share is None else to_percentage(share)


def mean_percentage(percentages: Iterable[Decimal], weights: Iterable[Decimal] | None = None) -> Decimal | None:
    """Mean (or weighted mean) of percentages, exact then rounded: a factor from its criteria
    (60 and 80 → 70.00), or the index from its factors (70, 80, 90, 60, 75 → 75.00)."""
    values = [Fraction(value) for value in percentages]
    shares = [Fraction(weight) for weight in weights] if weights is not None else [Fraction(1)] * len(values)
    if len(shares) != len(values):
        raise ValueError("mỗi giá trị cần đúng một trọng số")
    total_weight = sum(shares, Fraction(0))
    if not values or total_weight <= 0:
        return None
    weighted = sum((w * v for w, v in zip(shares, values, strict=True)), Fraction(0))
    return to_percentage(weighted / total_weight / 100)


def _finite_population_factor(sample: int, population: int | None) -> Decimal:
    if population is None or population <= 1:
        return Decimal(1)
    if sample >= population:
        return Decimal(0)
    return Decimal(population - sample) / Decimal(population - 1)


def proportion_margin_of_error(satisfied: int, answered: int, population_size: int | None = None) -> Decimal | None:
    """95% margin in percentage points: z·sqrt(p(1−p)/n)·sqrt((N−n)/(N−1))."""
    if answered <= 0:
        return None
    with localcontext() as context:
        context.prec = 34
        share = Decimal(satisfied) / Decimal(answered)
        variance = share * (1 - share) / answered * _finite_population_factor(answered, population_size)
        return (Z_95 * variance.sqrt() * 100).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class SurveyResponse:
    """One answer sheet: question code → answer, and facts about it that are not answers (e.g. unit)."""

    answers: Mapping[str, object]
    attributes: Mapping[str, str] = field(default_factory=dict)
    identifier: str = ""


@dataclass(frozen=True)
class CriterionResult:
    question_code: str
    factor_code: str | None
    answered: int
    satisfied: int
    not_answered: int
    distribution: dict[int, int]  # level 1–5 → answers
    percentage: Decimal | None
    margin_of_error: Decimal | None


@dataclass(frozen=True)
class FactorResult:
    factor_code: str
    percentage: Decimal | None
    answers: int
    satisfied: int
    criteria_with_answers: int
    respondents: int
    margin_of_error: Decimal | None


@dataclass(frozen=True)
class GroupResult:
    dimensions: tuple[str, ...]
    key: tuple[str, ...]
    responses: int
    respondents_scored: int  # responses with at least one answer counted in the index
    criteria: dict[str, CriterionResult]
    factors: dict[str, FactorResult]
    index: Decimal | None
    margin_of_error: Decimal | None
    factors_without_answers: tuple[str, ...]

    @property
    def labels(self) -> dict[str, str]:
        return dict(zip(self.dimensions, self.key, strict=True))


@dataclass(frozen=True)
class _Component:
    """A ratio estimator inside a factor or the index: satisfied over answered in `positions`."""

    positions: tuple[int, ...]
    weight: Fraction
    share: Fraction
    answers: int


def _dimension_reader(questionnaire: Questionnaire, name: str) -> Callable[[SurveyResponse], list[str]]:
    # A respondent attribute ("sex", "field_used") or a question code groups by the answer; any
    # other name ("unit") by the response's own attributes. Decided once so every response agrees.
    question: Question | None = None
    if name in set(RespondentAttribute):
        question = questionnaire.respondent_question(name)
    if question is None:
        question = next((q for q in questionnaire.questions() if q.code == name), None)
    if question is not None:
        code = question.code
        return lambda response: sorted(answer_codes(response.answers.get(code))) or [""]
    return lambda response: [str(response.attributes.get(name) or "")]


def _scores(response: SurveyResponse, criteria: Sequence[Question]) -> tuple[int, ...]:
    levels = []
    for question in criteria:
        level: int | None = None
        if question.condition is None or question.condition.is_met(response.answers):
            try:
                level = scale_answer(response.answers.get(question.code))
            except InvalidAnswerError as error:
                sheet = f"Phiếu '{response.identifier}', c" if response.identifier else "C"
                raise InvalidAnswerError(f"{sheet}âu '{question.code}': {error}") from error
        levels.append(level or NOT_ANSWERED)
    return tuple(levels)


def compute_results(
    responses: Iterable[SurveyResponse],
    questionnaire: Questionnaire,
    group_by: Sequence[str] = (),
    *,
    population_sizes: Mapping[tuple[str, ...], int] | None = None,
) -> dict[tuple[str, ...], GroupResult]:
    """Results per group, keyed by the group's values in `group_by` order (() for everyone).

    `group_by` names are respondent attributes ("sex", "age_band", "field_used"…), question codes, or
    response attributes ("unit"). A response with several options chosen in a grouping question
    counts in each of their groups; a blank lands in the group "". `population_sizes` gives, per
    group key, the population the group samples, for the finite population correction.
    """
    dimensions = tuple(group_by)
    readers = [_dimension_reader(questionnaire, name) for name in dimensions]
    criteria = questionnaire.criteria()
    groups: dict[tuple[str, ...], list[tuple[int, ...]]] = {}
    for response in responses:
        scores = _scores(response, criteria)
        for key in itertools.product(*(reader(response) for reader in readers)):
            groups.setdefault(key, []).append(scores)
    population_sizes = population_sizes or {}
    return {
        key: _group_result(dimensions, key, groups[key], questionnaire, criteria, population_sizes.get(key))
        for key in sorted(groups)
    }


def _group_result(
    dimensions: tuple[str, ...],
    key: tuple[str, ...],
    scores: Sequence[tuple[int, ...]],
    questionnaire: Questionnaire,
    criteria: Sequence[Question],
    population: int | None,
) -> GroupResult:
    criterion_results = {}
    answered = [0] * len(criteria)
    satisfied = [0] * len(criteria)
    for position, question in enumerate(criteria):
        distribution = dict.fromkeys(range(1, 6), 0)
        for levels in scores:
            if levels[position] != NOT_ANSWERED:
                distribution[levels[position]] += 1
        answered[position] = sum(distribution.values())
        satisfied[position] = sum(distribution[level] for level in SATISFIED_LEVELS)
        share = Fraction(satisfied[position], answered[position]) if answered[position] else None
        criterion_results[question.code] = CriterionResult(
            question_code=question.code,
            factor_code=question.factor,
            answered=answered[position],
            satisfied=satisfied[position],
            not_answered=len(scores) - answered[position],
            distribution=distribution,
            percentage=None if share is None else to_percentage(share),
            margin_of_error=proportion_margin_of_error(satisfied[position], answered[position], population),
        )

    factor_results: dict[str, FactorResult] = {}
    factor_components: dict[str, list[_Component]] = {}
    for factor in questionnaire.factors:
        positions = [p for p, question in enumerate(criteria) if question.factor == factor.code and answered[p]]
        components = _factor_components(questionnaire.method.factor_method, positions, answered, satisfied)
        factor_components[factor.code] = components
        share = sum((c.weight * c.share for c in components), Fraction(0)) if components else None
        factor_results[factor.code] = FactorResult(
            factor_code=factor.code,
            percentage=None if share is None else to_percentage(share),
            answers=sum(answered[p] for p in positions),
            satisfied=sum(satisfied[p] for p in positions),
            criteria_with_answers=len(positions),
            respondents=sum(1 for levels in scores if any(levels[p] for p in positions)),
            margin_of_error=_linearised_margin(scores, components, population),
        )

    weights = questionnaire.method.factor_weights
    scored = [code for code, components in factor_components.items() if components]
    factor_weights = {code: Fraction(weights.get(code, Decimal(1))) if weights else Fraction(1) for code in scored}
    total_weight = sum(factor_weights.values(), Fraction(0))
    index_components = [
        _Component(c.positions, c.weight * factor_weights[code] / total_weight, c.share, c.answers)
        for code in scored
        for c in factor_components[code]
    ]
    index_share = sum((c.weight * c.share for c in index_components), Fraction(0)) if index_components else None
    index_positions = {p for c in index_components for p in c.positions}
    return GroupResult(
        dimensions=dimensions,
        key=key,
        responses=len(scores),
        respondents_scored=sum(1 for levels in scores if any(levels[p] for p in index_positions)),
        criteria=criterion_results,
        factors=factor_results,
        index=None if index_share is None else to_percentage(index_share),
        margin_of_error=_linearised_margin(scores, index_components, population),
        factors_without_answers=tuple(code for code in factor_components if code not in scored),
    )


def _factor_components(
    method: FactorMethod, positions: Sequence[int], answered: Sequence[int], satisfied: Sequence[int]
) -> list[_Component]:
    if not positions:
        return []
    if method is FactorMethod.POOLED:
        total = sum(answered[p] for p in positions)
        share = Fraction(sum(satisfied[p] for p in positions), total)
        return [_Component(tuple(positions), Fraction(1), share, total)]
    weight = Fraction(1, len(positions))
    return [_Component((p,), weight, Fraction(satisfied[p], answered[p]), answered[p]) for p in positions]


def _linearised_margin(
    scores: Sequence[tuple[int, ...]], components: Sequence[_Component], population: int | None
) -> Decimal | None:
    if not components:
        return None
    with localcontext() as context:
        context.prec = 34
        # d_i is linear in the answers, so each position's share of it depends only on the level
        # given there: W·(1 − R)/ΣA when satisfied, −W·R/ΣA when not, nothing when blank.
        contributions: dict[int, tuple[Decimal, ...]] = {}
        for c in components:
            coefficient = Decimal(c.weight.numerator) / Decimal(c.weight.denominator) / c.answers
            share = Decimal(c.share.numerator) / Decimal(c.share.denominator)
            satisfied, unsatisfied = coefficient * (1 - share), -coefficient * share
            for position in c.positions:
                contributions[position] = (
                    Decimal(0),
                    *(satisfied if level in SATISFIED_LEVELS else unsatisfied for level in range(1, 6)),
                )
        table = list(contributions.items())
        respondents = 0
        total = Decimal(0)
        for levels in scores:
            if not any(levels[position] for position, _ in table):
                continue
            deviation = sum([values[levels[position]] for position, values in table], Decimal(0))
            respondents += 1
            total += deviation * deviation
        if respondents < 2:
            return None
        variance = total * respondents / (respondents - 1)
        variance *= _finite_population_factor(respondents, population)
        return (Z_95 * variance.sqrt() * 100).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


# --- targets and the previous round --------------------------------------------------------------


class TargetStatus(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NO_TARGET = "no_target"
    NO_DATA = "no_data"


class Trend(StrEnum):
    UP = "up"
    DOWN = "down"
    STABLE = "stable"
    NO_PREVIOUS = "no_previous"


@dataclass(frozen=True)
class Target:
    """A satisfaction target such as "≥ 90%" or "> 85%" (strict)."""

    value: Decimal
    strict: bool = False

    def is_met(self, percentage: Decimal) -> bool:
        return percentage > self.value if self.strict else percentage >= self.value

    def as_text(self) -> str:
        return f"{'>' if self.strict else '≥'} {percent(self.value)}"


_TARGET_PATTERN = re.compile(
    r"^\s*(?P<operator>>=|≥|>|trên|từ|ít nhất|tối thiểu)?\s*"
    r"(?P<value>\d+(?:[.,]\d+)?)\s*%?\s*(?:trở lên)?\s*$",
    re.IGNORECASE,
)


def parse_target(text: str) -> Target:
    """ "≥ 90%", ">= 90", "90" (at least), "> 85%" or "trên 85%" (strictly more), "từ 90% trở lên"."""
    match = _TARGET_PATTERN.match(text)
    if match is None:
        raise ValueError(f"chỉ tiêu '{text}' không đúng dạng; ví dụ: '≥ 90%' hoặc '> 85%'")
    operator = (match.group("operator") or "").casefold()
    return Target(Decimal(match.group("value").replace(",", ".")), strict=operator in (">", "trên"))


@dataclass(frozen=True)
class TargetComparison:
    current: Decimal | None
    target: Target | None
    status: TargetStatus
    gap: Decimal | None  # current − target, in percentage points
    previous: Decimal | None
    change: Decimal | None  # current − previous, in percentage points
    trend: Trend
    within_margin_of_error: bool  # the target lies inside current ± margin: not a sure verdict
    summary: str  # Vietnamese, for screens and reports


def _points(value: Decimal) -> str:
    return f"{number(abs(value), 2)} điểm %"


def compare_with_target(
    current: Decimal | None,
    target: Target | None = None,
    previous: Decimal | None = None,
    margin_of_error: Decimal | None = None,
) -> TargetComparison:
    """Status of a percentage against its target and against the previous round's percentage."""
    if current is None:
        return TargetComparison(
            None,
            target,
            TargetStatus.NO_DATA,
            None,
            previous,
            None,
            Trend.NO_PREVIOUS,
            False,
            "Chưa có kết quả",
        )
    parts = [percent(current)]
    status, gap, uncertain = TargetStatus.NO_TARGET, None, False
    if target is not None:
        gap = current - target.value
        met = target.is_met(current)
        status = TargetStatus.MET if met else TargetStatus.NOT_MET
        detail = "bằng chỉ tiêu" if gap == 0 else f"{'cao' if gap > 0 else 'thấp'} hơn {_points(gap)}"
        parts.append(f"{'đạt' if met else 'chưa đạt'} chỉ tiêu {target.as_text()} ({detail})")
        uncertain = margin_of_error is not None and abs(gap) <= margin_of_error
        if uncertain and margin_of_error is not None:
            parts.append(f"chênh lệch nằm trong biên sai số ±{_points(margin_of_error)}")
    change, trend = None, Trend.NO_PREVIOUS
    if previous is not None:
        change = current - previous
        trend = Trend.UP if change > 0 else Trend.DOWN if change < 0 else Trend.STABLE
        if trend is Trend.STABLE:
            parts.append(f"không đổi so với kỳ trước ({percent(previous)})")
        else:
            verb = "tăng" if trend is Trend.UP else "giảm"
            parts.append(f"{verb} {_points(change)} so với kỳ trước ({percent(previous)})")
    return TargetComparison(current, target, status, gap, previous, change, trend, uncertain, "; ".join(parts))
