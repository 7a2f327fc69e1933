"""Index, rank, rank change and group of units, and a unit's total over a criteria tree.

Definitions (issue 3, domain primer §3):

- index = points ÷ applicable maximum × 100, two decimals rounded half up; None when nothing applies
  (applicable maximum 0), and such a unit is not ranked.
- rank = 1 + the number of units with a strictly higher index; ranks compare the two-decimal index the
  users see, so two units shown at 87,50% always share a rank, and the next rank skips.
- rank change = previous rank − current rank (positive = rose); None without a previous rank.
- group = the label of the highest threshold whose ``min_index`` the index reaches.

A unit's total counts the appraised points of a leaf where present, else the self points. A leaf marked
not applicable leaves both the points and the applicable maximum. Bonus leaves add points but never
maximum, so an index above 100 is possible only through them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from cchc.assessment.scoring import BONUS, MANUAL, Rule, to_decimal

_HUNDREDTH = Decimal("0.01")


def code_sort_key(code: str) -> tuple[int, ...]:
    """Natural order of criterion codes: 3.9 before 3.10."""
    return tuple(int(part) if part.isdigit() else 0 for part in code.split("."))


def parent_code(code: str) -> str | None:
    """ "3.4.1" → "3.4"; an area code has no parent."""
    head, separator, _ = code.rpartition(".")
    return head if separator else None


@dataclass
class CriterionNode:
    """A node of a criteria tree: an area, a criterion or a sub-criterion of any depth.

    Parents carry no rule; a leaf without a rule is scored manually within [0, max_points]. ``effort``
    is the remediation planner's default cost of recovering the leaf; ``timeframe`` the default time
    frame of a remediation task ("Thường xuyên trong năm {năm}"); ``survey`` marks points that come
    from a sociological survey rather than self-assessment.
    """

    code: str
    title: str
    max_points: Decimal
    rule_kind: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    children: list[CriterionNode] = field(default_factory=list)
    evidence_required: str = ""
    advising_position: str = ""
    remediation_hint: str = ""
    timeframe: str = ""
    effort: Decimal = Decimal(1)
    survey: bool = False

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def is_bonus(self) -> bool:
        return self.is_leaf and self.rule_kind == BONUS

    def rule(self) -> Rule | None:
        if not self.is_leaf:
            return None
        return Rule(kind=self.rule_kind or MANUAL, max_points=self.max_points, params=self.params)

    def walk(self) -> Iterator[CriterionNode]:
        """This node and its descendants, parents before children."""
        yield self
        for child in self.children:
            yield from child.walk()

    def leaves(self) -> Iterator[CriterionNode]:
        return (node for node in self.walk() if node.is_leaf)

    def children_sum(self) -> Decimal:
        """The sum that must equal ``max_points``; bonus leaves stay out of it."""
        return sum((child.max_points for child in self.children if not child.is_bonus), Decimal(0))


def walk_tree(roots: Iterable[CriterionNode]) -> Iterator[CriterionNode]:
    for root in roots:
        yield from root.walk()


def index(points: Decimal, applicable_max: Decimal) -> Decimal | None:
    """Points ÷ applicable maximum × 100 with two decimals; None when no criterion applies."""
    if applicable_max <= 0:
        return None
    return (to_decimal(points) * 100 / to_decimal(applicable_max)).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


def rank_of(value: Decimal, other_indexes: Iterable[Decimal | None]) -> int:
    """1 + the number of the other indexes strictly higher than ``value``."""
    return 1 + sum(1 for other in other_indexes if other is not None and other > value)


def ranks(indexes: Mapping[str, Decimal | None]) -> dict[str, int | None]:
    """Rank of every unit; ties share a rank and the next rank skips (1, 2, 2, 4); None if not indexed."""
    ordered = sorted((value for value in indexes.values() if value is not None), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {unit: None if value is None else first_position[value] for unit, value in indexes.items()}


def rank_change(current: int | None, previous: int | None) -> int | None:
    """Positive when the unit rose: rank 10 last year and 7 now is +3."""
    if current is None or previous is None:
        return None
    return previous - current


def validate_thresholds(thresholds: Sequence[Mapping[str, Any]]) -> list[str]:
    errors: list[str] = []
    seen: set[Decimal] = set()
    for position, threshold in enumerate(thresholds, start=1):
        label = threshold.get("label")
        if not isinstance(label, str) or not label.strip():
            errors.append(f"Ngưỡng thứ {position}: thiếu tên nhóm («label»)")
        try:
            minimum = to_decimal(threshold.get("min_index"))
        except ValueError:
            errors.append(f"Ngưỡng thứ {position}: «min_index» phải là số")
            continue
        if minimum in seen:
            errors.append(f"Ngưỡng thứ {position}: chỉ số tối thiểu {minimum} bị lặp lại")
        seen.add(minimum)
    return errors


def group_for(index_value: Decimal | None, thresholds: Sequence[Mapping[str, Any]]) -> str | None:
    """The label of the highest threshold reached, e.g. [{"min_index": 90, "label": "A"}, …]."""
    if index_value is None:
        return None
    reached = [
        (to_decimal(threshold["min_index"]), str(threshold["label"]))
        for threshold in thresholds
        if index_value >= to_decimal(threshold["min_index"])
    ]
    return max(reached)[1] if reached else None


@dataclass(frozen=True)
class UnitScore:
    unit: str
    points: Decimal
    applicable_max: Decimal

    @property
    def index(self) -> Decimal | None:
        return index(self.points, self.applicable_max)


@dataclass(frozen=True)
class RankedUnit:
    unit: str
    points: Decimal
    applicable_max: Decimal
    index: Decimal | None
    rank: int | None
    rank_change: int | None
    group: str | None


def rank_units(
    scores: Sequence[UnitScore],
    previous_ranks: Mapping[str, int] | None = None,
    thresholds: Sequence[Mapping[str, Any]] = (),
) -> list[RankedUnit]:
    """The results table of a round: best first, ties by unit code, units without an index last."""
    indexes = {score.unit: score.index for score in scores}
    unit_ranks = ranks(indexes)
    previous = previous_ranks or {}
    results = [
        RankedUnit(
            unit=score.unit,
            points=score.points,
            applicable_max=score.applicable_max,
            index=indexes[score.unit],
            rank=unit_ranks[score.unit],
            rank_change=rank_change(unit_ranks[score.unit], previous.get(score.unit)),
            group=group_for(indexes[score.unit], thresholds),
        )
        for score in scores
    ]
    return sorted(results, key=lambda result: (result.rank is None, result.rank or 0, result.unit))


# --- a unit's total over the tree -------------------------------------------------------------------


@dataclass(frozen=True)
class LeafScore:
    """One unit's scores on one leaf. The appraised points count where present."""

    self_points: Decimal | None = None
    appraised_points: Decimal | None = None
    not_applicable: bool = False

    @property
    def counted_points(self) -> Decimal | None:
        return self.appraised_points if self.appraised_points is not None else self.self_points


@dataclass(frozen=True)
class NodeTotal:
    code: str
    points: Decimal
    applicable_max: Decimal

    @property
    def index(self) -> Decimal | None:
        return index(self.points, self.applicable_max)


@dataclass(frozen=True)
class UnitTotal:
    points: Decimal
    applicable_max: Decimal
    index: Decimal | None
    bonus_points: Decimal
    areas: list[NodeTotal]
    nodes: dict[str, NodeTotal]
    leaf_points: dict[str, Decimal]
    """Counted points of every applicable leaf; not-applicable leaves are absent."""
    lost: list[tuple[str, Decimal]]
    """(code, maximum − points) of applicable non-bonus leaves that lost points, largest loss first."""
    unscored: list[str]
    """Applicable leaves with neither a self nor an appraised score; they count 0 points."""


def unit_total(roots: Sequence[CriterionNode], scores: Mapping[str, LeafScore]) -> UnitTotal:
    """Points, applicable maximum, index and per-node subtotals of one unit."""
    leaf_codes = {node.code for node in walk_tree(roots) if node.is_leaf}
    unknown = sorted(set(scores) - leaf_codes, key=code_sort_key)
    if unknown:
        raise ValueError("Điểm cho mã không phải tiêu chí lá của bộ tiêu chí: " + ", ".join(unknown))
    nodes: dict[str, NodeTotal] = {}
    leaf_points: dict[str, Decimal] = {}
    lost: list[tuple[str, Decimal]] = []
    unscored: list[str] = []
    bonus_total = Decimal(0)

    def total(node: CriterionNode) -> NodeTotal:
        nonlocal bonus_total
        if node.is_leaf:
            score = scores.get(node.code, LeafScore())
            if score.not_applicable:
                result = NodeTotal(node.code, Decimal(0), Decimal(0))
            else:
                counted = score.counted_points
                if counted is None:
                    unscored.append(node.code)
                points = to_decimal(counted) if counted is not None else Decimal(0)
                leaf_points[node.code] = points
                if node.is_bonus:
                    bonus_total += points
                    result = NodeTotal(node.code, points, Decimal(0))
                else:
                    if points < node.max_points:
                        lost.append((node.code, node.max_points - points))
                    result = NodeTotal(node.code, points, node.max_points)
        else:
            parts = [total(child) for child in node.children]
            result = NodeTotal(
                node.code,
                sum((part.points for part in parts), Decimal(0)),
                sum((part.applicable_max for part in parts), Decimal(0)),
            )
        nodes[node.code] = result
        return result

    areas = [total(root) for root in roots]
    points = sum((area.points for area in areas), Decimal(0))
    applicable_max = sum((area.applicable_max for area in areas), Decimal(0))
    lost.sort(key=lambda item: (-item[1], code_sort_key(item[0])))
    return UnitTotal(
        points=points,
        applicable_max=applicable_max,
        index=index(points, applicable_max),
        bonus_points=bonus_total,
        areas=areas,
        nodes=nodes,
        leaf_points=leaf_points,
        lost=lost,
        unscored=unscored,
    )
