"""A remediation draft from a published round: the lost leaves as tasks and the target as objective.

Pure composition over `targets.RoundPicture`; saving the draft as a plan is `services.save_draft`.
Wording follows seed 004 (the commune's «kế hoạch khắc phục, cải thiện và nâng cao Chỉ số CCHC»).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cchc.accounts.models import Membership, User
from cchc.assessment.models import Criterion, Round
from cchc.assessment.ranking import parent_code
from cchc.core.formatting import number, percent
from cchc.organisation.models import Unit
from cchc.remediation.planner import PlanResult, render_timeframe
from cchc.remediation.targets import RoundPicture, Target, TargetAnswer, plan_for

DEFAULT_TIMEFRAME = "Thường xuyên trong năm {năm}"
_HUNDREDTH = Decimal("0.01")


@dataclass
class DraftTask:
    criterion: Criterion
    area: Criterion | None
    maximum: Decimal
    points: Decimal
    points_lost: Decimal
    advising_position: str
    responsible: User | None
    timeframe: str
    direction: str

    @property
    def code(self) -> str:
        return self.criterion.code

    @property
    def title(self) -> str:
        return self.criterion.title

    @property
    def responsible_name(self) -> str:
        return self.responsible.display_name if self.responsible is not None else ""


@dataclass
class Draft:
    round: Round
    unit: Unit
    year: int
    target: Target
    answer: TargetAnswer
    tasks: list[DraftTask]
    ranked_count: int
    current_index: Decimal | None
    current_rank: int | None
    members: list[Membership] = field(default_factory=list)

    @property
    def result(self) -> PlanResult:
        return self.answer.result

    @property
    def target_rank(self) -> int | None:
        return self.result.target_rank

    @property
    def objective(self) -> str:
        return objective_text(self)

    @property
    def points_lost(self) -> Decimal:
        return sum((task.points_lost for task in self.tasks), Decimal(0))

    def as_json(self) -> dict[str, Any]:
        return {
            "round": self.round.code,
            "unit": self.unit.code,
            "year": self.year,
            "current_index": _two(self.current_index),
            "current_rank": self.current_rank,
            "unit_count": self.ranked_count,
            "target": {"kind": self.target.kind, "value": _plain(self.target.value)},
            "target_rank": self.target_rank,
            "points_needed": _two(self.result.points_needed),
            "achievable": self.result.achievable,
            "objective": self.objective,
            "tasks": [
                {
                    "criterion": task.code,
                    "title": task.title,
                    "points_lost": _two(task.points_lost),
                    "responsible": task.responsible_name or None,
                    "responsible_username": task.responsible.username if task.responsible is not None else None,
                    "timeframe": task.timeframe,
                    "direction": task.direction,
                }
                for task in self.tasks
            ],
        }


def _two(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value).quantize(_HUNDREDTH):f}"


def _plain(value: Decimal) -> str:
    return f"{value.quantize(Decimal(1)):f}" if value == value.to_integral_value() else f"{value:f}"


def compose(picture: RoundPicture, target: Target) -> Draft:
    """Tasks are the leaves that lost points, largest loss first (ties by code, as `lost_points` orders)."""
    year = picture.round.year + 1
    members = current_members(picture.unit)
    by_code = picture.criteria
    tasks = []
    for code, lost in picture.result.total.lost:
        criterion = by_code[code]
        position = inherited(criterion, by_code, "advising_position")
        tasks.append(
            DraftTask(
                criterion=criterion,
                area=_area_of(criterion, by_code),
                maximum=criterion.max_points,
                points=picture.result.total.leaf_points.get(code, Decimal(0)),
                points_lost=lost,
                advising_position=position,
                responsible=responsible_for(position, members),
                timeframe=render_timeframe(criterion.timeframe or DEFAULT_TIMEFRAME, year),
                direction=criterion.remediation_hint.strip() or default_direction(criterion),
            )
        )
    return Draft(
        round=picture.round,
        unit=picture.unit,
        year=year,
        target=target,
        answer=plan_for(picture, target),
        tasks=tasks,
        ranked_count=picture.ranked_count,
        current_index=picture.result.index,
        current_rank=picture.result.rank,
        members=members,
    )


def default_direction(criterion: Criterion) -> str:
    return f"Rà soát nguyên nhân bị trừ điểm ở tiêu chí {criterion.code}, tham mưu khắc phục để đạt điểm tối đa."


def inherited(criterion: Criterion, by_code: dict[str, Criterion], attribute: str) -> str:
    """The criterion's own text, else the nearest ancestor's (areas name their advising position)."""
    code: str | None = criterion.code
    while code is not None:
        node = by_code.get(code)
        value = str(getattr(node, attribute, "") or "").strip() if node is not None else ""
        if value:
            return value
        code = parent_code(code)
    return ""


def _area_of(criterion: Criterion, by_code: dict[str, Criterion]) -> Criterion | None:
    return by_code.get(criterion.code.split(".", 1)[0])


# --- who fixes it -------------------------------------------------------------------------------------


def current_members(unit: Unit) -> list[Membership]:
    return list(
        Membership.objects.current()
        .filter(unit=unit, user__is_active=True)
        .select_related("user", "position")
        .order_by("position__name", "user__full_name", "user_id")
    )


def position_key(text: str) -> str:
    """«Công chức Văn phòng - Thống kê» and «Văn phòng – Thống kê» compare equal."""
    value = unicodedata.normalize("NFC", text).casefold()
    value = re.sub(r"[\u2010-\u2015\u2212-]", "-", value)
    value = re.sub(r"\s*-\s*", " - ", value)
    value = re.sub(r"\s+", " ", value).strip(" .;,")
    for prefix in ("công chức ", "cán bộ "):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    return value


def responsible_for(position: str, members: Iterable[Membership]) -> User | None:
    """The member whose position is the criterion's advising position: the exact name first, then the
    same name written with or without «Công chức» and with another dash."""
    if not position:
        return None
    holders = [member for member in members if member.position is not None]
    for member in holders:
        assert member.position is not None
        if member.position.name == position:
            return member.user
    wanted = position_key(position)
    for member in holders:
        assert member.position is not None
        names = (member.position.name, member.position.short_name)
        if any(name and position_key(name) == wanted for name in names):
            return member.user
    return None


# --- the objective ------------------------------------------------------------------------------------


def objective_text(draft: Draft) -> str:
    subject = f"Chỉ số cải cách hành chính năm {draft.year} của {draft.unit.name}"
    count = draft.ranked_count
    target = draft.target
    if target.rank is not None:
        return f"{subject} xếp thứ hạng từ {target.rank:02d}/{count:02d} trở lên"
    if target.rise is not None:
        text = f"{subject} tăng ít nhất {target.rise:02d} bậc so với năm {draft.round.year}"
        if draft.current_rank is not None and draft.target_rank is not None:
            text += (
                f" (từ thứ {draft.current_rank:02d}/{count:02d} lên thứ {draft.target_rank:02d}/{count:02d} trở lên)"
            )
        return text
    assert target.index is not None
    return f"{subject} đạt từ {percent(target.index)} trở lên"


def needed_text(draft: Draft) -> str:
    """What the target takes, in a sentence for the plan and the preview."""
    result = draft.result
    if result.points_needed <= 0:
        return "Mục tiêu đã đạt với kết quả hiện tại; tiếp tục giữ vững điểm các tiêu chí."
    needed = number(result.points_needed, 2)
    codes = ", ".join(code for code, _points in result.leaves)
    if not result.achievable:
        return (
            f"Cần tăng tối thiểu {needed} điểm, nhiều hơn tổng số điểm bị trừ; phải khắc phục toàn bộ các tiêu "
            "chí và nâng cao các tiêu chí khác."
        )
    return f"Cần tăng tối thiểu {needed} điểm; ưu tiên khắc phục các tiêu chí {codes}."
