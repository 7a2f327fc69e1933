"""A published round of four communes over a small criteria set, with scores chosen so that ranks,
ties and losses are known by heart.

Criteria (10 points): area 3 — 3.4.1 manual 2 (Văn phòng – Thống kê), 3.4.3 manual 1 (Tư pháp – Hộ
tịch), 3.4.4 measure 2 (on-time rate, tiers 100 → 2, 97 → 1,5, 95 → 1); area 7 — 7.3.3 manual 2
(Văn hóa – Xã hội, effort 2), 7.3.4 manual 3 (no position of its own: the area's, Văn phòng – Thống kê),
and a bonus 7.4 worth 0,5 above the maximum (unscored here).

Published results (index = points ÷ applicable maximum):
    X03  9,50/10  95,00%  rank 1
    X04  9,00/10  90,00%  rank 2
    X01  8,00/10  80,00%  rank 3   lost: 7.3.4 1 · 3.4.4 0,5 · 3.4.3 0,5 (3.4.1 and 7.3.3 full)
    X02  8,00/10  80,00%  rank 3   (tied with X01)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cchc.accounts.models import Role
from cchc.assessment import services as assessment_services
from cchc.assessment.framework_io import CriteriaSet as CriteriaSetData
from cchc.assessment.models import Criterion, LeafScore, Round, RoundUnit
from cchc.assessment.ranking import CriterionNode
from cchc.assessment.services import COMMAND_LINE, ScoreRow
from cchc.testing import make_unit, make_user

D = Decimal
VP = "Văn phòng – Thống kê"
TP = "Tư pháp – Hộ tịch"
VH = "Văn hóa – Xã hội"


def leaf(code: str, maximum: str, position: str = "", rule: str = "manual", **extra: object) -> CriterionNode:
    params = extra.pop("params", {})
    return CriterionNode(
        code=code,
        title=f"Tiêu chí {code}",
        max_points=D(maximum),
        rule_kind=rule,
        params=params,  # type: ignore[arg-type]
        advising_position=position,
        remediation_hint=f"Khắc phục tiêu chí {code}" if code != "7.3.4" else "",
        timeframe=str(extra.get("timeframe", "Thường xuyên trong năm {năm}")),
        effort=D(str(extra.get("effort", 1))),
    )


def criteria_data() -> CriteriaSetData:
    on_time = {
        "measure": "dossier.settled_on_time_rate",
        "shape": "tiers",
        "tiers": [{"min_rate": 100, "points": 2}, {"min_rate": 97, "points": 1.5}, {"min_rate": 95, "points": 1}],
    }
    return CriteriaSetData(
        code="BTC-KP",
        name="Bộ tiêu chí thử nghiệm khắc phục",
        year_from=2024,
        year_to=None,
        unit_kinds=["xa", "phuong"],
        total_points=D(10),
        nodes=[
            CriterionNode(
                code="3",
                title="Cải cách thủ tục hành chính",
                max_points=D(5),
                advising_position=VP,
                children=[
                    CriterionNode(
                        code="3.4",
                        title="Kết quả giải quyết thủ tục hành chính",
                        max_points=D(5),
                        children=[
                            leaf("3.4.1", "2", VP),
                            leaf("3.4.3", "1", TP, timeframe="Quý I/{năm}"),
                            leaf("3.4.4", "2", VP, rule="measure", params=on_time, effort=3),
                        ],
                    )
                ],
            ),
            CriterionNode(
                code="7",
                title="Xây dựng chính quyền điện tử, chính quyền số",
                max_points=D(5),
                advising_position=VP,
                children=[
                    CriterionNode(
                        code="7.3",
                        title="Dịch vụ công trực tuyến",
                        max_points=D(5),
                        children=[leaf("7.3.3", "2", VH, effort=2), leaf("7.3.4", "3", "")],
                    ),
                    leaf("7.4", "0.5", VH, rule="bonus", params={"points": 0.5}),
                ],
            ),
        ],
    )


SCORES = {
    "X01": {"3.4.1": "2", "3.4.3": "0.5", "3.4.4": "1.5", "7.3.3": "2", "7.3.4": "2"},
    "X02": {"3.4.1": "1", "3.4.3": "1", "3.4.4": "1", "7.3.3": "2", "7.3.4": "3"},
    "X03": {"3.4.1": "2", "3.4.3": "1", "3.4.4": "1.5", "7.3.3": "2", "7.3.4": "3"},
    "X04": {"3.4.1": "2", "3.4.3": "1", "3.4.4": "1", "7.3.3": "2", "7.3.4": "3"},
}


def publish(round_: Round, scores: dict[str, dict[str, str | None]]) -> Round:
    """Appraised points as given (None: not applicable), then publication."""
    criteria = {criterion.code: criterion for criterion in Criterion.objects.filter(criteria_set=round_.criteria_set)}
    entries = {entry.unit.code: entry for entry in RoundUnit.objects.filter(round=round_).select_related("unit")}
    rows: list[ScoreRow] = []
    for unit_code, by_code in scores.items():
        for code, points in by_code.items():
            rows.append(
                ScoreRow(
                    row_number=len(rows) + 2,
                    round_unit=entries[unit_code],
                    criterion=criteria[code],
                    self_points=D(points) if points is not None else None,
                    appraised_points=D(points) if points is not None else None,
                    not_applicable=points is None,
                )
            )
    assessment_services.import_scores(actor=COMMAND_LINE, round_=round_, rows=rows)
    return assessment_services.publish_round(actor=COMMAND_LINE, round_=round_)


@pytest.fixture
def communes(world):  # type: ignore[no-untyped-def]
    third = make_unit("Xã Tân Lập", "xa", parent=world.province, code="X03", place_name="Tân Lập")
    fourth = make_unit("Phường Đông Sơn", "phuong", parent=world.province, code="X04", place_name="Đông Sơn")
    return [world.commune, world.other_commune, third, fourth]


@pytest.fixture
def criteria_set(world):  # type: ignore[no-untyped-def]
    stored, _created = assessment_services.import_criteria_set(actor=COMMAND_LINE, data=criteria_data())
    return stored


@pytest.fixture
def culture_officer(world):  # type: ignore[no-untyped-def]
    """Holds «Công chức Văn hóa – Xã hội»: the criterion says «Văn hóa – Xã hội» without «Công chức»."""
    return make_user("vanhoa.x01", unit=world.commune, role=Role.SPECIALIST, position="Công chức Văn hóa – Xã hội")


def new_round(criteria_set, communes, code: str, year: int, previous: Round | None = None) -> Round:  # type: ignore[no-untyped-def]
    return assessment_services.create_round(
        actor=COMMAND_LINE,
        code=code,
        criteria_set=criteria_set,
        year=year,
        units=communes,
        previous=previous,
        today=dt.date(year, 11, 1),
    )


@pytest.fixture
def published(world, communes, criteria_set):  # type: ignore[no-untyped-def]
    round_ = publish(new_round(criteria_set, communes, "CCHC-2025", 2025), SCORES)
    LeafScore.objects.filter(round_unit__round=round_, round_unit__unit=world.commune, criterion__code="3.4.4").update(
        measure_value=D("97.40")
    )
    return Round.objects.get(pk=round_.pk)
