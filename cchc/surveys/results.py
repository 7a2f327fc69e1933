"""Results of a round from the stored answers: per unit, per field and respondent group, against targets
and the previous round, with progress against sample targets. Excluded answers never count."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Q

from cchc.surveys.arithmetic import (
    GroupResult,
    SurveyResponse,
    Target,
    TargetComparison,
    compare_with_target,
    compute_results,
    parse_target,
)
from cchc.surveys.models import Response, RoundUnit, SurveyRound
from cchc.surveys.questionnaire import (
    DEFAULT_LANGUAGE,
    RESPONDENT_ATTRIBUTE_LABELS,
    Questionnaire,
    RespondentAttribute,
    localised,
)

UNIT = "unit"
CACHE_SECONDS = 60 * 60
HUNDRED = Decimal(100)


def _target(text: str) -> Target | None:
    try:
        return parse_target(text) if text else None
    except ValueError:
        return None


def progress_percentage(count: int, target: int | None) -> Decimal | None:
    if not target:
        return None
    return (Decimal(count) * HUNDRED / Decimal(target)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def load_responses(round_units: Iterable[RoundUnit]) -> list[SurveyResponse]:
    """The counted answers of these units, each tagged with its round unit (attribute "unit")."""
    rows = (
        Response.objects.included()
        .filter(round_unit__in=list(round_units))
        .order_by()
        .values_list("pk", "round_unit_id", "answers")
    )
    return [SurveyResponse(answers, {UNIT: str(round_unit_id)}, str(pk)) for pk, round_unit_id, answers in rows]


def results_for(
    survey_round: SurveyRound, round_units: Sequence[RoundUnit], group_by: Sequence[str] = ()
) -> dict[tuple[str, ...], GroupResult]:
    """compute_results over these units' counted answers, cached until any answer of the round changes
    (a new answer, an import, an exclusion or a restore all move the key)."""
    state = Response.objects.filter(round_unit__round=survey_round).aggregate(
        count=Count("pk"), latest=Max("pk"), reviewed=Max("reviewed_at"), sent=Max("submitted_at")
    )
    units = ",".join(str(round_unit.pk) for round_unit in round_units)
    parts = "|".join(
        str(part)
        for part in (
            survey_round.pk,
            survey_round.created_at.timestamp(),
            survey_round.questionnaire_id,
            survey_round.method_override,
            units,
            "|".join(group_by),
            state["count"],
            state["latest"],
            state["reviewed"],
            state["sent"],
        )
    )
    key = "surveys:results:" + hashlib.sha256(parts.encode()).hexdigest()
    cached = cache.get(key)
    if cached is None:
        cached = compute_results(load_responses(round_units), survey_round.definition(), list(group_by))
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def previous_round(survey_round: SurveyRound) -> SurveyRound | None:
    """The latest earlier round with the same questionnaire (any version)."""
    earlier = SurveyRound.objects.filter(questionnaire__code=survey_round.questionnaire.code).exclude(
        pk=survey_round.pk
    )
    if survey_round.opens_on:
        earlier = earlier.filter(closes_on__lt=survey_round.opens_on)
    elif survey_round.closes_on:
        earlier = earlier.filter(closes_on__lt=survey_round.closes_on)
    else:
        earlier = earlier.filter(pk__lt=survey_round.pk)
    return earlier.exclude(status=SurveyRound.Status.DRAFT).order_by("-closes_on", "-pk").first()


@dataclass
class GroupProgress:
    attribute: str
    attribute_label: str
    option: str
    label: str
    count: int
    target: int
    percentage: Decimal | None


@dataclass
class UnitRow:
    round_unit: RoundUnit
    responses: int  # counted (not excluded)
    excluded: int
    flagged_pending: int
    result: GroupResult | None
    target: Target | None
    comparison: TargetComparison
    previous_index: Decimal | None
    progress: Decimal | None
    groups: list[GroupProgress] = field(default_factory=list)

    @property
    def unit(self) -> Any:
        return self.round_unit.unit


@dataclass
class Overview:
    survey_round: SurveyRound
    definition: Questionnaire
    rows: list[UnitRow]
    overall: GroupResult | None
    previous: SurveyRound | None
    previous_overall: Decimal | None
    responses: int
    sample_target: int

    @property
    def progress(self) -> Decimal | None:
        return progress_percentage(self.responses, self.sample_target)


def _counts(round_units: Sequence[RoundUnit]) -> dict[int, dict[str, int]]:
    rows = (
        Response.objects.filter(round_unit__in=round_units)
        .order_by()
        .values("round_unit_id")
        .annotate(
            counted=Count("pk", filter=Q(excluded=False)),
            left_out=Count("pk", filter=Q(excluded=True)),
            pending=Count("pk", filter=Q(is_flagged=True, excluded=False, reviewed_at__isnull=True)),
        )
    )
    return {row["round_unit_id"]: row for row in rows}


def group_progress(definition: Questionnaire, round_unit: RoundUnit) -> list[GroupProgress]:
    """Answers collected per respondent group that has a sample target."""
    if not round_unit.group_targets:
        return []
    tallies: dict[str, Counter[str]] = {attribute: Counter() for attribute in round_unit.group_targets}
    for respondent in Response.objects.included().filter(round_unit=round_unit).values_list("respondent", flat=True):
        for attribute, tally in tallies.items():
            if respondent.get(attribute):
                tally[respondent[attribute]] += 1
    groups = []
    for attribute, targets in round_unit.group_targets.items():
        question = definition.respondent_question(attribute)
        options = question.option_labels() if question else {}
        for option, target in targets.items():
            count = tallies[attribute][option]
            groups.append(
                GroupProgress(
                    attribute=attribute,
                    attribute_label=attribute_label(attribute),
                    option=option,
                    label=localised(options.get(option, {"vi": option})),
                    count=count,
                    target=int(target),
                    percentage=progress_percentage(count, int(target)),
                )
            )
    return groups


def attribute_label(attribute: str) -> str:
    try:
        return RESPONDENT_ATTRIBUTE_LABELS[RespondentAttribute(attribute)]
    except ValueError:
        return attribute


def overview(survey_round: SurveyRound, round_units: Sequence[RoundUnit], *, with_groups: bool = False) -> Overview:
    """Rows for the given participating units (those the reader may see) and their pooled result."""
    definition = survey_round.definition()
    round_units = list(round_units)
    per_unit = results_for(survey_round, round_units, [UNIT])
    overall = results_for(survey_round, round_units).get(())
    previous = previous_round(survey_round)
    previous_by_unit: dict[int, Decimal | None] = {}
    previous_overall = None
    if previous is not None:
        previous_units = list(previous.round_units.filter(unit__in=[ru.unit_id for ru in round_units]))
        previous_results = results_for(previous, previous_units, [UNIT])
        for previous_unit in previous_units:
            found = previous_results.get((str(previous_unit.pk),))
            previous_by_unit[previous_unit.unit_id] = found.index if found else None
        previous_total = results_for(previous, previous_units).get(())
        previous_overall = previous_total.index if previous_total else None
    counts = _counts(round_units)
    rows = []
    for round_unit in round_units:
        result = per_unit.get((str(round_unit.pk),))
        count = counts.get(round_unit.pk, {})
        target = _target(round_unit.satisfaction_target)
        previous_index = previous_by_unit.get(round_unit.unit_id)
        rows.append(
            UnitRow(
                round_unit=round_unit,
                responses=count.get("counted", 0),
                excluded=count.get("left_out", 0),
                flagged_pending=count.get("pending", 0),
                result=result,
                target=target,
                comparison=compare_with_target(
                    result.index if result else None,
                    target,
                    previous_index,
                    result.margin_of_error if result else None,
                ),
                previous_index=previous_index,
                progress=progress_percentage(count.get("counted", 0), round_unit.sample_target),
                groups=group_progress(definition, round_unit) if with_groups else [],
            )
        )
    return Overview(
        survey_round=survey_round,
        definition=definition,
        rows=rows,
        overall=overall,
        previous=previous,
        previous_overall=previous_overall,
        responses=sum(row.responses for row in rows),
        sample_target=sum(row.round_unit.sample_target or 0 for row in rows),
    )


@dataclass
class BreakdownRow:
    key: str
    label: str
    result: GroupResult
    comparison: TargetComparison | None


DIMENSIONS = [attribute.value for attribute in RespondentAttribute]


def breakdown(round_unit: RoundUnit, attribute: str, language: str = DEFAULT_LANGUAGE) -> list[BreakdownRow]:
    """Results of one unit per answer to a respondent question (field used, sex, age band…)."""
    definition = round_unit.round.definition()
    question = definition.respondent_question(attribute)
    if question is None:
        return []
    results = results_for(round_unit.round, [round_unit], [attribute])
    options = question.option_labels()
    rows = []
    for (key,), result in results.items():
        label = localised(options[key], language) if key in options else "Không trả lời"
        comparison = None
        if attribute == RespondentAttribute.FIELD_USED and key in round_unit.field_satisfaction_targets:
            comparison = compare_with_target(
                result.index,
                _target(round_unit.field_satisfaction_targets[key]),
                margin_of_error=result.margin_of_error,
            )
        rows.append(BreakdownRow(key, label, result, comparison))
    order = list(options)
    return sorted(rows, key=lambda row: order.index(row.key) if row.key in order else len(order))


def _percentage(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def result_document(result: GroupResult | None, responses: int) -> dict[str, Any]:
    return {
        "responses": responses,
        "factors": {code: _percentage(factor.percentage) for code, factor in result.factors.items()} if result else {},
        "index": _percentage(result.index) if result else None,
        "margin_of_error": _percentage(result.margin_of_error) if result else None,
    }


def results_document(survey_round: SurveyRound) -> dict[str, Any]:
    """What `cchc surveys results ROUND --json` prints. Percentages are strings with two decimals."""
    data = overview(survey_round, list(survey_round.round_units.select_related("unit")))
    return {
        "round": survey_round.code,
        "title": survey_round.title,
        "questionnaire": survey_round.questionnaire.identity,
        "factor_method": data.definition.method.factor_method.value,
        "units": [
            {"unit": row.unit.code, "name": row.unit.name, **result_document(row.result, row.responses)}
            for row in data.rows
        ],
        "overall": result_document(data.overall, data.responses),
    }
