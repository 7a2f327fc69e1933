"""The target planner and the what-if, fed from a round's results (read only).

`RoundPicture` loads what both need once: the round's results, every unit's index (frozen at
publication), the previous round's indexes for the trend option, and one unit's planning state. The
arithmetic is the planner's (`planner.plan_target`, `planner.what_if`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from cchc.assessment.models import Criterion, LeafScore, Round, RoundUnit
from cchc.assessment.ranking import CriterionNode, walk_tree
from cchc.assessment.results import RoundResults, UnitResult, round_results
from cchc.assessment.scoring import MEASURE, PROPORTIONAL, TIERS, ScoringError, format_number
from cchc.organisation.models import Unit
from cchc.remediation import planner
from cchc.remediation.models import EffortWeight
from cchc.remediation.planner import PlanLeaf, PlanningError, PlanResult, UnitState

RATE_RULES = (MEASURE, TIERS, PROPORTIONAL)
_HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Target:
    """Rank K or better, N ranks up, or an index: exactly one is set. The default is one rank up."""

    rank: int | None = None
    rise: int | None = None
    index: Decimal | None = None

    def __post_init__(self) -> None:
        if sum(value is not None for value in (self.rank, self.rise, self.index)) != 1:
            raise PlanningError("Chọn đúng một mục tiêu: thứ hạng, số bậc cần tăng hoặc chỉ số")
        if self.rank is not None and self.rank < 1:
            raise PlanningError("Thứ hạng mục tiêu phải từ 1 trở lên")
        if self.rise is not None and self.rise < 0:
            raise PlanningError("Số bậc cần tăng không được âm")
        if self.index is not None and not Decimal(0) <= self.index <= Decimal(100):
            raise PlanningError("Chỉ số mục tiêu phải từ 0 đến 100")

    @classmethod
    def default(cls) -> Target:
        return cls(rise=1)

    @property
    def kind(self) -> str:
        if self.rank is not None:
            return "rank"
        if self.rise is not None:
            return "rise"
        return "index"

    @property
    def value(self) -> Decimal:
        chosen = self.rank if self.rank is not None else self.rise if self.rise is not None else self.index
        assert chosen is not None
        return Decimal(chosen)

    def planner_arguments(self) -> dict[str, Any]:
        return {"rank": self.rank, "rise": self.rise, "target_index": self.index}

    @classmethod
    def from_choice(cls, kind: str, value: Decimal | int | None) -> Target:
        """From a form or command line: kind "rank", "rise" or "index" and its value."""
        if value is None:
            return cls.default()
        if kind == "rank":
            return cls(rank=int(value))
        if kind == "index":
            return cls(index=Decimal(value))
        return cls(rise=int(value))


@dataclass
class RoundPicture:
    """A published round seen from one unit: its result, the others' indexes and its planning state."""

    round: Round
    unit: Unit
    results: RoundResults
    result: UnitResult
    nodes: dict[str, CriterionNode]
    criteria: dict[str, Criterion]
    others: dict[str, Decimal | None]
    previous_others: dict[str, Decimal | None] | None
    efforts: dict[str, Decimal]
    measure_values: dict[str, Decimal] = field(default_factory=dict)

    @property
    def ranked_count(self) -> int:
        return self.results.ranked_count

    def state(self, effort_overrides: Mapping[str, Decimal] | None = None) -> UnitState:
        """The unit's planning state; costs: criterion default < unit's saved weight < given overrides."""
        total = self.result.total
        costs = {**self.efforts, **(effort_overrides or {})}
        return UnitState(
            unit=self.unit.code,
            points=self.result.points,
            applicable_max=self.result.applicable_max,
            leaves=tuple(PlanLeaf(code, lost, costs.get(code, self.nodes[code].effort)) for code, lost in total.lost),
            leaf_points=dict(total.leaf_points),
            leaf_maxima={
                code: self.nodes[code].max_points for code in total.leaf_points if not self.nodes[code].is_bonus
            },
        )

    def effort_of(self, code: str, effort_overrides: Mapping[str, Decimal] | None = None) -> Decimal:
        overrides = effort_overrides or {}
        if code in overrides:
            return overrides[code]
        return self.efforts.get(code, self.nodes[code].effort)


def load_picture(round_: Round, unit: Unit, *, with_trend: bool = False) -> RoundPicture:
    """Everything the planner needs about ``unit`` in a published ``round_``; ValidationError otherwise."""
    if not round_.is_published:
        raise ValidationError("Đợt đánh giá chưa công bố kết quả; chỉ lập kế hoạch từ kết quả đã công bố.")
    results = round_results(round_)
    result = results.for_unit(unit.pk)
    if result is None:
        raise ValidationError(f"{unit.name} không tham gia đợt đánh giá «{round_.name}».")
    if result.index is None:
        raise ValidationError(f"{unit.name} không có chỉ số trong đợt này nên không lập được lộ trình.")
    nodes = {node.code: node for node in walk_tree(results.tree.roots)}
    others = {item.unit.code: item.index for item in results.results}
    previous = previous_indexes(round_) if with_trend else None
    efforts = dict(EffortWeight.objects.filter(unit=unit).values_list("criterion_code", "effort"))
    return RoundPicture(
        round=round_,
        unit=unit,
        results=results,
        result=result,
        nodes=nodes,
        criteria=results.tree.by_code(),
        others=others,
        previous_others=previous,
        efforts=efforts,
        measure_values=_measure_values(result),
    )


def previous_indexes(round_: Round) -> dict[str, Decimal | None]:
    """The previous round's published indexes by unit code; empty when there is none."""
    if round_.previous_id is None:
        return {}
    rows = RoundUnit.objects.filter(round_id=round_.previous_id, round__status=Round.Status.PUBLISHED)
    return dict(rows.values_list("unit__code", "index"))


def _measure_values(result: UnitResult) -> dict[str, Decimal]:
    """The rate each rate-scored leaf was scored on: the measure's value, else the declared rate."""
    rows = LeafScore.objects.filter(round_unit=result.round_unit, criterion__rule_kind__in=RATE_RULES).values_list(
        "criterion__code", "measure_value", "declared_number"
    )
    values: dict[str, Decimal] = {}
    for code, measure_value, declared in rows:
        value = measure_value if measure_value is not None else declared
        if value is not None:
            values[code] = value
    return values


# --- the target planner -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChosenLeaf:
    code: str
    title: str
    points: Decimal
    cost: Decimal
    measure_text: str


@dataclass(frozen=True)
class TargetAnswer:
    target: Target
    trend: bool
    result: PlanResult
    leaves: list[ChosenLeaf]
    ranked_count: int
    recoverable: Decimal

    def as_dict(self) -> dict[str, Any]:
        data = self.result.as_dict()
        data["target"] = {"kind": self.target.kind, "value": _plain(self.target.value)}
        data["trend"] = self.trend
        for item, leaf in zip(data["leaves"], self.leaves, strict=True):
            item["cost"] = f"{leaf.cost.quantize(_HUNDREDTH):f}"
            if leaf.measure_text:
                item["measure"] = leaf.measure_text
        return data


def plan_for(
    picture: RoundPicture, target: Target, *, effort_overrides: Mapping[str, Decimal] | None = None
) -> TargetAnswer:
    """The smallest points needed and the cheapest exact set of leaves for ``target``."""
    state = picture.state(effort_overrides)
    result = planner.plan_target(
        state, picture.others, previous_others=picture.previous_others, **target.planner_arguments()
    )
    measures = planner.measure_targets(result, state, picture.nodes, picture.measure_values)
    leaves = [
        ChosenLeaf(
            code=code,
            title=picture.nodes[code].title,
            points=points,
            cost=picture.effort_of(code, effort_overrides),
            measure_text=measures.get(code, ""),
        )
        for code, points in result.leaves
    ]
    return TargetAnswer(
        target=target,
        trend=picture.previous_others is not None,
        result=result,
        leaves=leaves,
        ranked_count=picture.ranked_count,
        recoverable=sum((leaf.points_lost for leaf in state.leaves), Decimal(0)),
    )


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"


# --- what-if ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WhatIfRow:
    code: str
    title: str
    maximum: Decimal
    points: Decimal | None
    lost: Decimal
    rate: Decimal | None
    takes_rate: bool
    minimum: Decimal
    upper: Decimal


def what_if_rows(picture: RoundPicture) -> list[WhatIfRow]:
    """The applicable leaves in tree order, lost points first within the same area order."""
    leaf_points = picture.result.total.leaf_points
    lost = dict(picture.result.total.lost)
    rows = []
    for node in walk_tree(picture.results.tree.roots):
        if not node.is_leaf or node.code not in leaf_points:
            continue
        criterion = picture.criteria[node.code]
        rows.append(
            WhatIfRow(
                code=node.code,
                title=node.title,
                maximum=node.max_points,
                points=leaf_points.get(node.code),
                lost=lost.get(node.code, Decimal(0)),
                rate=picture.measure_values.get(node.code),
                takes_rate=(node.rule_kind or "") in RATE_RULES,
                minimum=criterion.minimum_points,
                upper=criterion.maximum_points,
            )
        )
    return rows


@dataclass(frozen=True)
class WhatIfAnswer:
    index: Decimal | None
    rank: int | None
    current_index: Decimal | None
    current_rank: int | None
    ranked_count: int
    changed: dict[str, Decimal | None]

    @property
    def index_change(self) -> Decimal | None:
        if self.index is None or self.current_index is None:
            return None
        return self.index - self.current_index

    @property
    def rank_change(self) -> int | None:
        if self.rank is None or self.current_rank is None:
            return None
        return self.current_rank - self.rank

    @property
    def movement(self) -> str:
        """«tăng 02 bậc», «giảm 01 bậc», or nothing when the rank stays."""
        change = self.rank_change
        if not change:
            return ""
        return f"{'tăng' if change > 0 else 'giảm'} {abs(change):02d} bậc"


@dataclass(frozen=True)
class LeafChange:
    """A what-if change of one leaf: new points, a rate scored with the leaf's rule, or not applicable."""

    code: str
    points: Decimal | None = None
    rate: Decimal | None = None
    not_applicable: bool = False


def what_if_for(picture: RoundPicture, changes: list[LeafChange]) -> WhatIfAnswer:
    """The unit's new index and rank; every bad value is named by criterion (ValidationError)."""
    state = picture.state()
    errors: list[str] = []
    points: dict[str, Decimal | None] = {}
    for change in changes:
        criterion = picture.criteria.get(change.code)
        if criterion is None or change.code not in state.leaf_points:
            errors.append(f"Tiêu chí {change.code} không có trong kết quả của đơn vị.")
            continue
        if change.not_applicable:
            points[change.code] = None
            continue
        try:
            new_points = _points_of(criterion, change)
        except ScoringError as error:
            errors.append(f"Tiêu chí {change.code}: {error}.")
            continue
        if new_points is not None and new_points != state.leaf_points[change.code]:
            points[change.code] = new_points
    if errors:
        raise ValidationError(errors)
    current_rank = picture.result.rank
    new_index, new_rank = planner.what_if(state, points, picture.others)
    return WhatIfAnswer(
        index=new_index,
        rank=new_rank,
        current_index=picture.result.index,
        current_rank=current_rank,
        ranked_count=picture.ranked_count,
        changed=points,
    )


def _points_of(criterion: Criterion, change: LeafChange) -> Decimal | None:
    if change.rate is not None:
        if (criterion.rule_kind or "") not in RATE_RULES:
            raise ScoringError("tiêu chí này không chấm theo tỷ lệ")
        return criterion.rule().evaluate(change.rate)
    if change.points is None:
        return None
    if not criterion.minimum_points <= change.points <= criterion.maximum_points:
        raise ScoringError(
            f"điểm {format_number(change.points)} phải từ {format_number(criterion.minimum_points)} "
            f"đến {format_number(criterion.maximum_points)}"
        )
    return change.points
