"""The cheapest way to a target rank or index: which lost points to recover, at the least effort.

Rank is 1 + the number of units with a strictly higher index (two decimals, as published). To reach
rank K or better a unit therefore needs fewer than K units strictly above it, that is an index at least
equal to the K-th highest index among the other units; equal indexes share the rank.

Each leaf that lost points can be recovered in full (its points lost) at a cost (an effort weight,
default 1). The planner finds the smallest number of points that reaches the target, then the subset
of leaves whose recovered points reach it at the least total cost. This is a 0/1 knapsack solved
exactly by dynamic programming over points in hundredths, never greedily. Among subsets of equal
cost it prefers fewer points over the target, then fewer leaves, then the earliest criterion codes, so
that the same data always gives the same plan.

Other units are assumed to keep their index, or, optionally, to keep their trend from the previous
round (current + (current − previous)). Not-applicable leaves are simply absent: they are neither in
the leaves nor in the applicable maximum.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from cchc.assessment.ranking import (
    CriterionNode,
    LeafScore,
    UnitScore,
    code_sort_key,
    index,
    rank_of,
    unit_total,
    walk_tree,
)
from cchc.assessment.scoring import MEASURE, MEASURE_LABELS, PROPORTIONAL, TIERS, format_number, rate_needed

_HUNDREDTH = Decimal("0.01")
_HUNDRED = Decimal(100)


class PlanningError(ValueError):
    """Input the planner cannot work with; the message is Vietnamese, for the user."""


@dataclass(frozen=True)
class PlanLeaf:
    """A leaf that lost points: recovering it gains ``points_lost`` and costs ``cost``."""

    code: str
    points_lost: Decimal
    cost: Decimal = Decimal(1)


@dataclass(frozen=True)
class UnitState:
    """One unit's result. ``leaf_points`` and ``leaf_maxima`` (applicable leaves) serve the what-if."""

    unit: str
    points: Decimal
    applicable_max: Decimal
    leaves: Sequence[PlanLeaf] = ()
    leaf_points: Mapping[str, Decimal] = field(default_factory=dict)
    leaf_maxima: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def index(self) -> Decimal | None:
        return index(self.points, self.applicable_max)


Others = Mapping[str, Decimal | None] | Sequence[UnitScore]


@dataclass(frozen=True)
class PlanResult:
    points_needed: Decimal
    achievable: bool
    cost: Decimal
    leaves: list[tuple[str, Decimal]]
    new_index: Decimal | None
    new_rank: int | None
    current_index: Decimal | None = None
    current_rank: int | None = None
    target_rank: int | None = None
    required_index: Decimal | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with points and indexes as two-decimal strings."""

        def text(value: Decimal | None) -> str | None:
            return None if value is None else f"{value.quantize(_HUNDREDTH):f}"

        return {
            "points_needed": text(self.points_needed),
            "achievable": self.achievable,
            "cost": text(self.cost),
            "leaves": [{"code": code, "points": text(points)} for code, points in self.leaves],
            "new_index": text(self.new_index),
            "new_rank": self.new_rank,
            "current_index": text(self.current_index),
            "current_rank": self.current_rank,
            "target_rank": self.target_rank,
            "required_index": text(self.required_index),
        }


# --- others ---------------------------------------------------------------------------------------


def _indexes_of(others: Others, exclude: str) -> dict[str, Decimal | None]:
    if isinstance(others, Mapping):
        return {unit: value for unit, value in others.items() if unit != exclude}
    return {score.unit: score.index for score in others if score.unit != exclude}


def project_trend(
    current: Mapping[str, Decimal | None], previous: Mapping[str, Decimal | None]
) -> dict[str, Decimal | None]:
    """Each unit's index next year if it keeps its trend: current + (current − previous).

    A unit without a previous index keeps its current one. Projections stay within [0, 100], or at
    the current index when bonus points already put it above 100: a trend is a guess, and a guess
    beyond any reachable index would only make targets look impossible.
    """
    projected: dict[str, Decimal | None] = {}
    for unit, value in current.items():
        before = previous.get(unit)
        if value is None or before is None:
            projected[unit] = value
            continue
        ceiling = max(_HUNDRED, value)
        projected[unit] = min(ceiling, max(Decimal(0), 2 * value - before))
    return projected


def required_index_for_rank(rank: int, other_indexes: Sequence[Decimal | None]) -> Decimal:
    """The lowest index that gives rank ``rank`` or better: the rank-th highest other index."""
    if rank < 1:
        raise PlanningError("Thứ hạng mục tiêu phải từ 1 trở lên")
    ordered = sorted((value for value in other_indexes if value is not None), reverse=True)
    if rank > len(ordered):
        return Decimal(0)
    return ordered[rank - 1]


def points_for_index(required_index: Decimal, points: Decimal, applicable_max: Decimal) -> Decimal:
    """The fewest points (in hundredths) to add so that the two-decimal index reaches the target."""
    if applicable_max <= 0:
        raise PlanningError("Đơn vị không có tiêu chí nào được áp dụng nên không tính được chỉ số")

    def reaches(hundredths: int) -> bool:
        value = index(points + Decimal(hundredths) / 100, applicable_max)
        return value is not None and value >= required_index

    # Half-up rounding lets an index of required − 0,005 display as required; start there and settle.
    estimate = ((required_index - Decimal("0.005")) * applicable_max / _HUNDRED - points) * 100
    hundredths = max(0, int(estimate.to_integral_value(rounding=ROUND_CEILING)))
    while hundredths > 0 and reaches(hundredths - 1):
        hundredths -= 1
    while not reaches(hundredths):
        hundredths += 1
    return Decimal(hundredths) / 100


# --- the exact knapsack ---------------------------------------------------------------------------


def _hundredths(value: Decimal, what: str, code: str, rounding: str = ROUND_CEILING) -> int:
    if value < 0:
        raise PlanningError(f"Tiêu chí {code}: {what} không được âm")
    return int((value * 100).to_integral_value(rounding=rounding))


@dataclass(frozen=True)
class Recovery:
    achievable: bool
    leaves: list[PlanLeaf]
    recovered: Decimal
    cost: Decimal


def cheapest_recovery(leaves: Sequence[PlanLeaf], points_needed: Decimal) -> Recovery:
    """The minimum-cost subset of leaves recovering at least ``points_needed``; all leaves if none does."""
    codes = [leaf.code for leaf in leaves]
    duplicates = sorted({code for code in codes if codes.count(code) > 1}, key=code_sort_key)
    if duplicates:
        raise PlanningError("Tiêu chí bị lặp lại: " + ", ".join(duplicates))
    # Recoverable points round down and the need rounds up, so a plan never promises too much.
    candidates = sorted(
        (leaf for leaf in leaves if _hundredths(leaf.points_lost, "điểm bị mất", leaf.code, ROUND_FLOOR) > 0),
        key=lambda leaf: code_sort_key(leaf.code),
    )
    weights = [_hundredths(leaf.points_lost, "điểm bị mất", leaf.code, ROUND_FLOOR) for leaf in candidates]
    costs = [_hundredths(leaf.cost, "công sức", leaf.code) for leaf in candidates]
    target = _hundredths(max(points_needed, Decimal(0)), "số điểm cần", "")
    if target == 0:
        return Recovery(True, [], Decimal(0), Decimal(0))
    total = sum(weights)
    if total < target:
        return Recovery(False, candidates, Decimal(total) / 100, Decimal(sum(costs)) / 100)
    # An optimal subset is minimal (dropping any leaf falls short), so its sum stays below
    # target + the heaviest leaf; larger sums never need to be tracked.
    limit = min(total, target + max(weights) - 1)
    count = len(candidates)
    # Per exact sum: (cost, number of leaves, −mask). The earliest code holds the highest mask bit, so
    # a smaller −mask is the set whose first differing code comes earlier.
    best: list[tuple[int, int, int] | None] = [None] * (limit + 1)
    best[0] = (0, 0, 0)
    for position, (weight, cost) in enumerate(zip(weights, costs, strict=True)):
        bit = 1 << (count - 1 - position)
        for reached in range(limit, weight - 1, -1):
            before = best[reached - weight]
            if before is None:
                continue
            candidate = (before[0] + cost, before[1] + 1, before[2] - bit)
            current = best[reached]
            if current is None or candidate < current:
                best[reached] = candidate
    chosen_sum, chosen = min(
        ((reached, state) for reached, state in enumerate(best) if reached >= target and state is not None),
        key=lambda item: (item[1][0], item[0], item[1][1], item[1][2]),
    )
    mask = -chosen[2]
    selected = [leaf for position, leaf in enumerate(candidates) if mask & (1 << (count - 1 - position))]
    return Recovery(True, selected, Decimal(chosen_sum) / 100, Decimal(chosen[0]) / 100)


# --- planning -------------------------------------------------------------------------------------


def plan_target(
    state: UnitState,
    others: Others,
    *,
    rank: int | None = None,
    rise: int | None = None,
    target_index: Decimal | None = None,
    previous_others: Mapping[str, Decimal | None] | None = None,
) -> PlanResult:
    """The cheapest plan to reach rank ``rank``, ``rise`` ranks up, or index ``target_index``.

    With ``previous_others`` (the other units' indexes in the previous round) the others are assumed
    to keep their trend; otherwise they keep their current index.
    """
    if sum(option is not None for option in (rank, rise, target_index)) != 1:
        raise PlanningError("Chọn đúng một mục tiêu: thứ hạng, số bậc cần tăng hoặc chỉ số")
    current_index = state.index
    if current_index is None:
        raise PlanningError("Đơn vị không có tiêu chí nào được áp dụng nên không tính được chỉ số")
    current = _indexes_of(others, state.unit)
    facing = project_trend(current, previous_others) if previous_others is not None else current
    current_rank = rank_of(current_index, current.values())
    wanted_rank: int | None = rank
    if rise is not None:
        if rise < 0:
            raise PlanningError("Số bậc cần tăng không được âm")
        wanted_rank = max(1, current_rank - rise)
    if wanted_rank is not None:
        required = required_index_for_rank(wanted_rank, list(facing.values()))
    else:
        assert target_index is not None
        if target_index < 0:
            raise PlanningError("Chỉ số mục tiêu không được âm")
        required = target_index
    needed = points_for_index(required, state.points, state.applicable_max)
    recovery = cheapest_recovery(state.leaves, needed)
    new_index = index(state.points + recovery.recovered, state.applicable_max)
    assert new_index is not None
    return PlanResult(
        points_needed=needed,
        achievable=recovery.achievable,
        cost=recovery.cost,
        leaves=[(leaf.code, leaf.points_lost) for leaf in recovery.leaves],
        new_index=new_index,
        new_rank=rank_of(new_index, facing.values()),
        current_index=current_index,
        current_rank=current_rank,
        target_rank=wanted_rank,
        required_index=required,
    )


def what_if(
    state: UnitState,
    changes: Mapping[str, Decimal | None],
    others: Others,
) -> tuple[Decimal | None, int | None]:
    """The unit's index and rank if some leaves had other points (None: the leaf made not applicable).

    Measure values are turned into points first with the leaf's rule (``Rule.evaluate``).
    """
    points = state.points
    applicable_max = state.applicable_max
    for code, new_points in changes.items():
        if code not in state.leaf_points:
            raise PlanningError(f"Tiêu chí {code} không có trong kết quả của đơn vị")
        points -= state.leaf_points[code]
        if new_points is None:
            if code not in state.leaf_maxima:
                raise PlanningError(f"Không biết điểm tối đa của tiêu chí {code}")
            applicable_max -= state.leaf_maxima[code]
        else:
            points += new_points
    new_index = index(points, applicable_max)
    if new_index is None:
        return None, None
    return new_index, rank_of(new_index, _indexes_of(others, state.unit).values())


def state_from_tree(
    unit: str,
    roots: Sequence[CriterionNode],
    scores: Mapping[str, LeafScore],
    effort_overrides: Mapping[str, Decimal] | None = None,
) -> UnitState:
    """A unit's planning state from its scores; costs are the criteria's efforts unless overridden."""
    total = unit_total(roots, scores)
    nodes = {node.code: node for node in walk_tree(roots)}
    overrides = effort_overrides or {}
    return UnitState(
        unit=unit,
        points=total.points,
        applicable_max=total.applicable_max,
        leaves=tuple(PlanLeaf(code, lost, overrides.get(code, nodes[code].effort)) for code, lost in total.lost),
        leaf_points=dict(total.leaf_points),
        leaf_maxima={code: nodes[code].max_points for code in total.leaf_points if not nodes[code].is_bonus},
    )


def measure_targets(
    result: PlanResult,
    state: UnitState,
    nodes: Mapping[str, CriterionNode],
    current_values: Mapping[str, Decimal] | None = None,
) -> dict[str, str]:
    """For chosen leaves scored from a rate, the rate they need: "… từ 93,4% lên ≥ 97%"."""
    values = current_values or {}
    targets: dict[str, str] = {}
    for code, recovered in result.leaves:
        node = nodes.get(code)
        if node is None or node.rule_kind not in (MEASURE, TIERS, PROPORTIONAL):
            continue
        wanted = state.leaf_points.get(code, Decimal(0)) + recovered
        needed_rate = rate_needed(node.rule_kind, node.params, node.max_points, wanted)
        if needed_rate is None:
            continue
        label = MEASURE_LABELS.get(node.params.get("measure", ""), node.title)
        if code in values:
            targets[code] = f"{label} từ {format_number(values[code])}% lên ≥ {format_number(needed_rate)}%"
        else:
            targets[code] = f"{label} đạt ≥ {format_number(needed_rate)}%"
    return targets


def render_timeframe(text: str, year: int) -> str:
    """A criterion's default time frame for a year: "Thường xuyên trong năm {năm}" → "… năm 2025"."""
    return text.replace("{năm}", str(year)).replace("{year}", str(year))
