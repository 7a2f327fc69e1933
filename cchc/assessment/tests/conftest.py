"""A small criteria set and a round of the two test communes, in the self-assessment phase."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cchc.assessment import services
from cchc.assessment.framework_io import CriteriaSet as CriteriaSetData
from cchc.assessment.models import CriteriaSet, Criterion, Phase, Round, RoundUnit
from cchc.assessment.ranking import CriterionNode

D = Decimal
TODAY = dt.date(2026, 11, 10)


@pytest.fixture
def pinned_today(monkeypatch):  # type: ignore[no-untyped-def]
    """Pages read today's date from the clock; the round's phases are fixed dates around TODAY, so
    page tests see TODAY (read from the clock, the self-assessment phase closed once the calendar
    passed it, and saves were refused)."""
    real_localdate = timezone.localdate

    def localdate(value=None, timezone=None):  # type: ignore[no-untyped-def]
        return TODAY if value is None else real_localdate(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def leaf(code: str, maximum: str, rule: str = "manual", **params: object) -> CriterionNode:
    return CriterionNode(code=code, title=f"Tiêu chí {code}", max_points=D(maximum), rule_kind=rule, params=params)


def branch(code: str, maximum: str, *children: CriterionNode) -> CriterionNode:
    return CriterionNode(code=code, title=f"Lĩnh vực {code}", max_points=D(maximum), children=list(children))


def small_set_data(code: str = "BTC-THU") -> CriteriaSetData:
    """Ten points: area 3 (3.4.1 manual 2, 3.4.3 manual 1, 3.4.4 yes/no 2) and area 7 (7.3.3 manual 2,
    7.3.4 proportional 2, 7.3.7 measure 1) plus a bonus 7.4 worth 0,5 above the maximum."""
    return CriteriaSetData(
        code=code,
        name="Bộ tiêu chí thử nghiệm",
        year_from=2024,
        year_to=None,
        unit_kinds=["xa", "phuong"],
        total_points=D(10),
        nodes=[
            branch(
                "3",
                "5",
                branch("3.4", "5", leaf("3.4.1", "2"), leaf("3.4.3", "1"), leaf("3.4.4", "2", "yes_no")),
            ),
            branch(
                "7",
                "5",
                branch(
                    "7.3",
                    "5",
                    leaf("7.3.3", "2"),
                    leaf("7.3.4", "2", "proportional", full_at=50),
                    leaf(
                        "7.3.7",
                        "1",
                        "measure",
                        measure="dossier.paid_online_rate",
                        shape="tiers",
                        tiers=[{"min_rate": 30, "points": 1}, {"min_rate": 15, "points": 0.5}],
                    ),
                ),
                leaf("7.4", "0.5", "bonus", points=0.5),
            ),
        ],
    )


@pytest.fixture
def criteria_set(world) -> CriteriaSet:  # type: ignore[no-untyped-def]
    stored, _created = services.import_criteria_set(actor=services.COMMAND_LINE, data=small_set_data())
    return stored


@pytest.fixture
def round_(world, criteria_set) -> Round:  # type: ignore[no-untyped-def]
    created = services.create_round(
        actor=world.admin,
        code="CCHC-2026",
        criteria_set=criteria_set,
        year=2026,
        units=[world.commune, world.other_commune],
        today=dt.date(2026, 11, 1),
    )
    # Appraisal overlaps self-assessment so that submitted units can be appraised at once.
    Phase.objects.filter(round=created, kind=Phase.Kind.APPRAISAL).update(opens_on=dt.date(2026, 11, 1))
    return created


@pytest.fixture
def entry(world, round_) -> RoundUnit:  # type: ignore[no-untyped-def]
    return RoundUnit.objects.select_related("round", "unit").get(round=round_, unit=world.commune)


@pytest.fixture
def other_entry(world, round_) -> RoundUnit:  # type: ignore[no-untyped-def]
    return RoundUnit.objects.select_related("round", "unit").get(round=round_, unit=world.other_commune)


def criterion(round_: Round, code: str) -> Criterion:
    return Criterion.objects.get(criteria_set=round_.criteria_set, code=code)


def pdf_upload(name: str = "ke-hoach.pdf", size: int = 200) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * size, content_type="application/pdf")


def fill_all(round_unit: RoundUnit, actor, today: dt.date = TODAY) -> None:  # type: ignore[no-untyped-def]
    """Score every self-assessed leaf with an explanation, as an officer would."""
    values = {"3.4.1": "2", "3.4.3": "1", "3.4.4": True, "7.3.3": "1.5", "7.3.4": "40", "7.3.7": "20", "7.4": False}
    for code, value in values.items():
        services.save_self_score(
            actor=actor,
            round_unit=round_unit,
            criterion=criterion(round_unit.round, code),
            declared=value,
            explanation="Có báo cáo kèm theo",
            today=today,
        )
