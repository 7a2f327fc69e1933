"""Small builders for survey tests: a hand-made questionnaire, rounds and stored answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from cchc.organisation.models import Unit
from cchc.surveys import services
from cchc.surveys.models import Questionnaire, Response, RoundUnit, SurveyRound
from cchc.surveys.questionnaire import (
    Condition,
    Factor,
    Question,
    QuestionKind,
    RespondentAttribute,
    Section,
)
from cchc.surveys.questionnaire import Questionnaire as Definition


def small_definition(code: str = "THU", version: int = 1) -> Definition:
    """Two factors: A (criteria A1, A2) and B (B1), a field question, and a conditional follow-up."""
    field = Question(
        code="LV",
        text={"vi": "Lĩnh vực", "en": "Field"},
        kind=QuestionKind.SINGLE,
        options={"1": {"vi": "Đất đai", "en": "Land"}, "2": {"vi": "Hộ tịch", "en": "Civil status"}},
        respondent_attribute=RespondentAttribute.FIELD_USED,
        required=True,
    )
    late = Question(
        code="TRE",
        text={"vi": "Hồ sơ có bị trễ hẹn không?", "en": "Was it late?"},
        kind=QuestionKind.SINGLE,
        options={"1": {"vi": "Có", "en": "Yes"}, "2": {"vi": "Không", "en": "No"}},
    )
    apology = Question(
        code="XL",
        text={"vi": "Ông/bà có nhận được thư xin lỗi không?", "en": "Did you receive an apology?"},
        kind=QuestionKind.SINGLE,
        options={"1": {"vi": "Có", "en": "Yes"}, "2": {"vi": "Không", "en": "No"}},
        condition=Condition("TRE", ("1",)),
        required=True,
    )
    criteria = tuple(
        Question(
            code=code,
            text={"vi": f"Tiêu chí {code}", "en": f"Criterion {code}"},
            kind=QuestionKind.SCALE5,
            factor=factor,
        )
        for code, factor in (("A1", "A"), ("A2", "A"), ("B1", "B"))
    )
    trips = Question(code="SL", text={"vi": "Số lần đi lại", "en": "Trips"}, kind=QuestionKind.NUMBER)
    return Definition(
        code=code,
        version=version,
        name={"vi": "Phiếu khảo sát thử", "en": "Test survey"},
        languages=("vi", "en"),
        factors=(Factor("A", {"vi": "Yếu tố A", "en": "Factor A"}), Factor("B", {"vi": "Yếu tố B", "en": "Factor B"})),
        sections=(Section("S", {"vi": "Phần chung", "en": "General"}, (field, late, apology, *criteria, trips)),),
    )


def make_questionnaire(definition: Definition | None = None) -> Questionnaire:
    return services.save_questionnaire(definition or small_definition())[0]


def make_round(
    units: Sequence[Unit],
    *,
    organiser: Unit,
    code: str = "KS-THU",
    questionnaire: Questionnaire | None = None,
    status: str = SurveyRound.Status.OPEN,
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
) -> SurveyRound:
    today = timezone.localdate()
    return services.create_round(
        actor=None,
        code=code,
        title=f"Đợt {code}",
        questionnaire=questionnaire or make_questionnaire(),
        organiser=organiser,
        units=list(units),
        opens_on=opens_on or today - dt.timedelta(days=10),
        closes_on=closes_on or today + dt.timedelta(days=10),
        status=status,
    )


def round_unit(survey_round: SurveyRound, unit: Unit) -> RoundUnit:
    return RoundUnit.objects.get(round=survey_round, unit=unit)


def add_answers(target: RoundUnit, sheets: Sequence[dict[str, Any]], **extra: Any) -> list[Response]:
    """Store answer sheets as they would arrive, e.g. {"LV": "1", "A1": 5, "A2": 4, "B1": 4}."""
    return [
        Response.objects.create(
            round_unit=target,
            submitted_at=extra.get("submitted_at", timezone.now()),
            channel=extra.get("channel", Response.Channel.WEB),
            answers=sheet,
            respondent={"field_used": str(sheet["LV"])} if "LV" in sheet else {},
            flags=extra.get("flags", []),
            is_flagged=bool(extra.get("flags")),
        )
        for sheet in sheets
    ]


def columns(**answers: list[Any]) -> list[dict[str, Any]]:
    """Column lists (one value per respondent, None for a blank) → one answer sheet per respondent."""
    count = len(next(iter(answers.values())))
    return [
        {code: values[index] for code, values in answers.items() if values[index] is not None} for index in range(count)
    ]
