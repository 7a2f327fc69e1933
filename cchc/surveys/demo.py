"""Demo surveys: the SIPAS template, last year's finished round over all communes (a few thousand
answers whose satisfaction differs by commune), and this year's open round with some answers."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from cchc.core.demo import DemoContext
from cchc.organisation.models import Unit
from cchc.surveys import services
from cchc.surveys.answers import respondent_groups
from cchc.surveys.guards import GuardFlag, answer_fingerprint
from cchc.surveys.models import Response, RoundUnit, SurveyRound, new_token
from cchc.surveys.questionnaire import QuestionKind, Questionnaire


def _level(rng: random.Random, satisfaction: float) -> int:
    if rng.random() < satisfaction:
        return 5 if rng.random() < 0.35 else 4
    return rng.choice([1, 2, 3, 3, 3])


def _sheet(rng: random.Random, definition: Questionnaire, satisfaction: dict[str, float]) -> dict[str, Any]:
    """One plausible answer sheet; the respondent's mood shifts every factor a little."""
    mood = rng.uniform(-0.12, 0.12)
    answers: dict[str, Any] = {}
    for question in definition.questions():
        if not question.is_shown(answers):
            continue
        options = list(question.option_labels())
        if question.kind is QuestionKind.SCALE5:
            if rng.random() < 0.03:
                continue
            share = satisfaction.get(question.factor or "", satisfaction["MD"])
            answers[question.code] = _level(rng, min(0.99, max(0.05, share + mood)))
        elif question.code == "CC.2":
            answers[question.code] = "1" if rng.random() < 0.04 else "2"
        elif question.code == "KQ.1":
            answers[question.code] = rng.choices(["1", "2", "3"], weights=[15, 75, 10])[0]
        elif question.code == "GY.1":
            answers[question.code] = "1" if rng.random() < 0.25 else "2"
        elif question.kind is QuestionKind.SINGLE:
            if rng.random() < 0.05 and not question.required:
                continue
            answers[question.code] = rng.choice(options)
        elif question.kind is QuestionKind.MULTIPLE:
            answers[question.code] = sorted(rng.sample(options, rng.randint(1, min(3, len(options)))))
        elif question.kind is QuestionKind.NUMBER:
            answers[question.code] = rng.choices([1, 2, 3, 4], weights=[60, 28, 9, 3])[0]
    return answers


def _round_units(survey_round: SurveyRound, units: list[Unit], target: int) -> list[RoundUnit]:
    used = set(RoundUnit.objects.values_list("token", flat=True))
    round_units = []
    for unit in units:
        token = new_token()
        while token in used:
            token = new_token()
        used.add(token)
        round_units.append(RoundUnit(round=survey_round, unit=unit, token=token, sample_target=target))
    return RoundUnit.objects.bulk_create(round_units)


def _moment(rng: random.Random, first: dt.date, last: dt.date) -> dt.datetime:
    day = first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))
    clock = dt.time(rng.randint(7, 16), rng.randint(0, 59), rng.randint(0, 59))
    return timezone.make_aware(dt.datetime.combine(day, clock))


@transaction.atomic
def load(context: DemoContext) -> None:
    rng = context.random
    questionnaire = services.ensure_sample("sipas_2024")
    definition = questionnaire.definition()
    factor_codes = [factor.code for factor in definition.factors]
    year = context.today.year
    channels = [Response.Channel.WEB, Response.Channel.KIOSK, Response.Channel.PAPER]

    # Each commune has its own level of service, and its own strong and weak factors.
    profiles = {}
    for commune in context.communes:
        base = rng.uniform(0.6, 0.95)
        profile = {code: min(0.98, max(0.3, base + rng.uniform(-0.1, 0.08))) for code in factor_codes}
        profile["MD"] = base
        profiles[commune.pk] = profile

    last_year = SurveyRound.objects.create(
        code=f"SIPAS-{year - 1}",
        title=f"Khảo sát sự hài lòng năm {year - 1}",
        questionnaire=questionnaire,
        unit=context.province,
        opens_on=dt.date(year - 1, 9, 1),
        closes_on=dt.date(year - 1, 11, 30),
        status=SurveyRound.Status.CLOSED,
    )
    responses = []
    for round_unit in _round_units(last_year, context.communes, 40):
        for _ in range(rng.randint(30, 60)):
            answers = _sheet(rng, definition, profiles[round_unit.unit_id])
            moment = _moment(rng, dt.date(year - 1, 9, 1), dt.date(year - 1, 11, 30))
            responses.append(_response(round_unit, answers, definition, moment, rng.choice(channels)))

    # This year the communes improve a little on average.
    opens_on = max(dt.date(year, 1, 1), context.today - dt.timedelta(days=30))
    closes_on = min(dt.date(year, 12, 31), max(opens_on, context.today) + dt.timedelta(days=60))
    current = SurveyRound.objects.create(
        code=f"SIPAS-{year}",
        title=f"Khảo sát sự hài lòng năm {year}",
        questionnaire=questionnaire,
        unit=context.province,
        opens_on=opens_on,
        closes_on=closes_on,
        status=SurveyRound.Status.OPEN,
    )
    current_units = _round_units(current, context.communes, 50)
    home = next(round_unit for round_unit in current_units if round_unit.unit_id == context.home_commune.pk)
    home.satisfaction_target = "≥ 90%"
    home.field_satisfaction_targets = {"1": "> 85%", "2": "> 85%", "3": "> 85%"}
    home.group_targets = {"field_used": {"1": 10, "2": 8, "4": 10}}
    home.kiosk_key = secrets.token_urlsafe(24)
    home.save(update_fields=["satisfaction_target", "field_satisfaction_targets", "group_targets", "kiosk_key"])
    until = max(opens_on, context.today - dt.timedelta(days=1))
    for round_unit in current_units:
        improved = {code: min(0.98, share + 0.03) for code, share in profiles[round_unit.unit_id].items()}
        count = 24 if round_unit is home else rng.randint(0, 18)
        for index in range(count):
            answers = _sheet(rng, definition, improved)
            response = _response(round_unit, answers, definition, _moment(rng, opens_on, until), rng.choice(channels))
            if round_unit is home and index in (3, 11):
                response.flags, response.is_flagged = [GuardFlag.TOO_FAST.value], True
            if round_unit is home and index == 17:
                response.flags, response.is_flagged = [GuardFlag.DUPLICATE.value], True
            responses.append(response)
    Response.objects.bulk_create(responses, batch_size=1000)
    context.log(
        f"Đã tạo 2 đợt khảo sát hài lòng ({len(responses)} phiếu); liên kết phiếu của {context.home_commune.name}: "
        f"/khao-sat/r/{home.token}/"
    )


def _response(
    round_unit: RoundUnit, answers: dict[str, Any], definition: Questionnaire, moment: dt.datetime, channel: str
) -> Response:
    return Response(
        round_unit=round_unit,
        submitted_at=moment,
        channel=channel,
        answers=answers,
        respondent=respondent_groups(definition, answers),
        fingerprint=answer_fingerprint(answers),
    )
