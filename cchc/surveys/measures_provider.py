"""Survey measures for criteria and plan objectives: the satisfaction index and the SIPAS factors.

For a unit (its whole subtree) and a period, the value comes from the latest round whose closing date
falls in the period and that has answers from the subtree, pooling those answers (excluded ones never
count, nor answers sent after `as_of`). The numerator and denominator (satisfied and answered) are
given only where they reproduce the value, i.e. when the factor pools its answers; otherwise the value
is a mean of shares and a ratio of sums would mislead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from cchc.core.formatting import number
from cchc.measures.periods import Period
from cchc.measures.readings import rate
from cchc.measures.registry import MeasureDefinition, Reading, register
from cchc.organisation.models import Unit
from cchc.surveys.arithmetic import GroupResult, SurveyResponse, compute_results
from cchc.surveys.models import Response, SurveyRound
from cchc.surveys.questionnaire import localised
from cchc.surveys.questionnaire_io import load_template

INDEX = "survey.satisfaction_index"
FACTOR_PREFIX = "survey.factor."
REFORM_AREA = 8


def _definitions() -> list[MeasureDefinition]:
    definitions = [
        MeasureDefinition(
            code=INDEX,
            name="Chỉ số hài lòng của người dân, tổ chức",
            kind="percentage",
            aggregation="latest",
            source="surveys",
            definition=(
                "Chỉ số hài lòng của đợt khảo sát gần nhất kết thúc trong kỳ: trung bình tỷ lệ hài lòng của các "
                "yếu tố; tỷ lệ hài lòng của một tiêu chí là số người trả lời «Hài lòng» hoặc «Rất hài lòng» trên "
                "số người trả lời tiêu chí đó. Không tính phiếu đã loại."
            ),
            numerator_label="Số câu trả lời hài lòng",
            denominator_label="Số câu trả lời",
            periodicity="year",
            reform_area=REFORM_AREA,
            order=10,
        )
    ]
    for position, factor in enumerate(load_template("sipas_2024").factors, start=1):
        definitions.append(
            MeasureDefinition(
                code=FACTOR_PREFIX + factor.code,
                name=f"Tỷ lệ hài lòng – {localised(factor.name)}",
                kind="percentage",
                aggregation="latest",
                source="surveys",
                definition=(
                    f"Tỷ lệ hài lòng về yếu tố «{localised(factor.name)}» (mã {factor.code}) của đợt khảo sát gần "
                    "nhất kết thúc trong kỳ: trung bình tỷ lệ hài lòng các tiêu chí của yếu tố."
                ),
                numerator_label="Số câu trả lời hài lòng",
                denominator_label="Số câu trả lời",
                periodicity="year",
                reform_area=REFORM_AREA,
                order=10 + position,
            )
        )
    return definitions


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _reading(code: str, result: GroupResult, survey_round: SurveyRound) -> Reading:
    if code == INDEX:
        value, margin = result.index, result.margin_of_error
        satisfied = sum(factor.satisfied for factor in result.factors.values())
        answered = sum(factor.answers for factor in result.factors.values())
    else:
        factor = result.factors.get(code.removeprefix(FACTOR_PREFIX))
        if factor is None:
            return Reading(None, detail=f"Bộ câu hỏi của đợt «{survey_round.title}» không có yếu tố này.")
        value, margin = factor.percentage, factor.margin_of_error
        satisfied, answered = factor.satisfied, factor.answers
    detail = f"{result.responses} phiếu, đợt «{survey_round.title}»"
    if margin is not None:
        detail += f", biên sai số ±{number(margin, 2)} điểm %"
    if value is not None and answered and rate(satisfied, answered) == value:
        return Reading(value, Decimal(satisfied), Decimal(answered), detail)
    return Reading(value, detail=detail)


def provide(code: str, units: Sequence[Unit], period: Period, as_of: dt.date) -> dict[int, Reading]:
    rounds = list(
        SurveyRound.objects.filter(closes_on__gte=period.start, closes_on__lte=period.end)
        .exclude(status=SurveyRound.Status.DRAFT)
        .select_related("questionnaire")
        .order_by("-closes_on", "-pk")
    )
    readings = {unit.pk: Reading(None) for unit in units}
    if not rounds:
        return readings
    for unit in units:
        for survey_round in rounds:
            result = _unit_result(survey_round, unit, as_of)
            if result is not None:
                readings[unit.pk] = _reading(code, result, survey_round)
                break
    return readings


def _unit_result(survey_round: SurveyRound, unit: Unit, as_of: dt.date) -> GroupResult | None:
    """The round's result over the unit's subtree, computed once and shared by the index and every factor
    (a scorecard reads six survey measures): cached until an answer of the round changes."""
    answers = Response.objects.included().filter(
        round_unit__round=survey_round, round_unit__unit__path__startswith=unit.path, submitted_at__lt=_end_of(as_of)
    )
    state = Response.objects.filter(round_unit__round=survey_round).aggregate(
        count=Count("pk"), latest=Max("pk"), reviewed=Max("reviewed_at")
    )
    key = (
        "surveys:measure:"
        + hashlib.sha256(
            f"{survey_round.pk}|{survey_round.created_at.timestamp()}|{unit.path}|{as_of}|{state['count']}|{state['latest']}|{state['reviewed']}".encode()
        ).hexdigest()
    )
    cached = cache.get(key)
    if cached is None:
        responses = [SurveyResponse(answers) for answers in answers.order_by().values_list("answers", flat=True)]
        cached = ("result", compute_results(responses, survey_round.definition())[()]) if responses else ("none", None)
        cache.set(key, cached, 600)
    return cached[1]


register(_definitions(), provide)
