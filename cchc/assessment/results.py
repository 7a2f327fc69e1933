"""Results of a round: points per area, total, index, rank, rank change and group of every unit.

The arithmetic is ranking.unit_total and ranking.rank_units; this module feeds them from the database
with a fixed number of queries whatever the number of units (one for all the scores of a round).
A published round answers with the results frozen at publication.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count

from cchc.assessment import ranking
from cchc.assessment.criteria import Tree, load_tree
from cchc.assessment.models import Criterion, LeafScore, Round, RoundUnit
from cchc.assessment.ranking import UnitScore, UnitTotal, rank_units, unit_total
from cchc.organisation.models import Unit

_HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class UnitResult:
    round_unit: RoundUnit
    total: UnitTotal
    points: Decimal
    applicable_max: Decimal
    index: Decimal | None
    rank: int | None
    rank_change: int | None
    group: str | None

    @property
    def unit(self) -> Unit:
        return self.round_unit.unit

    def area_index(self, code: str) -> Decimal | None:
        node = self.total.nodes.get(code)
        return node.index if node else None


@dataclass
class RoundResults:
    round: Round
    tree: Tree
    results: list[UnitResult]
    _by_unit: dict[int, UnitResult] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_unit = {result.round_unit.unit_id: result for result in self.results}

    @property
    def provisional(self) -> bool:
        return not self.round.is_published

    @property
    def ranked_count(self) -> int:
        return sum(1 for result in self.results if result.rank is not None)

    def for_unit(self, unit_id: int) -> UnitResult | None:
        return self._by_unit.get(unit_id)

    def areas(self) -> list[Criterion]:
        return self.tree.areas()


def load_scores(round_: Round) -> dict[int, dict[str, ranking.LeafScore]]:
    """Every leaf score of the round in one query, as {unit id: {criterion code: score}}."""
    rows = LeafScore.objects.filter(round_unit__round=round_).values_list(
        "round_unit__unit_id", "criterion__code", "self_points", "appraised_points", "second_points", "not_applicable"
    )
    scores: dict[int, dict[str, ranking.LeafScore]] = defaultdict(dict)
    for unit_id, code, self_points, appraised, second, not_applicable in rows:
        scores[unit_id][code] = ranking.LeafScore(
            self_points=self_points,
            appraised_points=second if second is not None else appraised,
            not_applicable=not_applicable,
        )
    return scores


def previous_ranks(round_: Round) -> dict[str, int]:
    """Ranks of the previous round by unit code, once that round is published."""
    if round_.previous_id is None:
        return {}
    published = RoundUnit.objects.filter(
        round_id=round_.previous_id, round__status=Round.Status.PUBLISHED, rank__isnull=False
    )
    return dict(published.values_list("unit__code", "rank"))


def round_results(round_: Round, tree: Tree | None = None) -> RoundResults:
    tree = tree or load_tree(round_.criteria_set)
    round_units = list(RoundUnit.objects.filter(round=round_).select_related("unit", "unit__kind"))
    scores = load_scores(round_)
    totals = {
        round_unit.unit_id: unit_total(tree.roots, scores.get(round_unit.unit_id, {})) for round_unit in round_units
    }
    by_code = {round_unit.unit.code: round_unit for round_unit in round_units}
    ranked = rank_units(
        [
            UnitScore(
                round_unit.unit.code, totals[round_unit.unit_id].points, totals[round_unit.unit_id].applicable_max
            )
            for round_unit in round_units
        ],
        previous_ranks(round_),
        round_.thresholds or [],
    )
    results = []
    for item in ranked:
        round_unit = by_code[item.unit]
        if round_.is_published:
            results.append(_frozen(round_unit, totals[round_unit.unit_id]))
        else:
            results.append(
                UnitResult(
                    round_unit=round_unit,
                    total=totals[round_unit.unit_id],
                    points=item.points,
                    applicable_max=item.applicable_max,
                    index=item.index,
                    rank=item.rank,
                    rank_change=item.rank_change,
                    group=item.group,
                )
            )
    if round_.is_published:
        results.sort(key=lambda result: (result.rank is None, result.rank or 0, result.unit.code))
    return RoundResults(round=round_, tree=tree, results=results)


def _frozen(round_unit: RoundUnit, total: UnitTotal) -> UnitResult:
    return UnitResult(
        round_unit=round_unit,
        total=total,
        points=round_unit.points if round_unit.points is not None else total.points,
        applicable_max=round_unit.applicable_max if round_unit.applicable_max is not None else total.applicable_max,
        index=round_unit.index,
        rank=round_unit.rank,
        rank_change=round_unit.rank_change,
        group=round_unit.group_label or None,
    )


def _two_places(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value).quantize(_HUNDREDTH):f}"


def results_json(results: RoundResults) -> list[dict[str, Any]]:
    """What `cchc round results ROUND --json` prints: decimals as strings with two places, exact."""
    return [
        {
            "unit": result.unit.code,
            "points": _two_places(result.points),
            "max_points": _two_places(result.applicable_max),
            "index": _two_places(result.index),
            "rank": result.rank,
            "rank_change": result.rank_change,
            "group": result.group,
        }
        for result in results.results
    ]


@dataclass(frozen=True)
class LostPoints:
    criterion: Criterion
    maximum: Decimal
    points: Decimal
    lost: Decimal


def lost_points(result: UnitResult, tree: Tree) -> list[LostPoints]:
    """Maximum − score per applicable leaf that lost points, the largest loss first."""
    by_code = tree.by_code()
    return [
        LostPoints(by_code[code], by_code[code].max_points, result.total.leaf_points.get(code, Decimal(0)), lost)
        for code, lost in result.total.lost
    ]


def heat_class(index_value: Decimal | None) -> str:
    """A CSS class per tenth of the index (heat-0 … heat-10); no inline style under the CSP."""
    if index_value is None:
        return "heat-none"
    return f"heat-{max(0, min(10, int(index_value // 10)))}"


@dataclass(frozen=True)
class HistoryRow:
    round: Round
    index: Decimal | None
    rank: int | None
    unit_count: int
    rank_change: int | None
    group: str


def unit_history(unit: Unit) -> list[HistoryRow]:
    """A unit's published results over the years, newest first."""
    entries = (
        RoundUnit.objects.filter(unit=unit, round__status=Round.Status.PUBLISHED)
        .select_related("round")
        .annotate(unit_count=Count("round__round_units"))
        .order_by("-round__year", "round__code")
    )
    return [
        HistoryRow(
            round=entry.round,
            index=entry.index,
            rank=entry.rank,
            unit_count=entry.unit_count,  # type: ignore[attr-defined]
            rank_change=entry.rank_change,
            group=entry.group_label,
        )
        for entry in entries
    ]


def latest_published(unit: Unit) -> RoundUnit | None:
    return (
        RoundUnit.objects.filter(unit=unit, round__status=Round.Status.PUBLISHED)
        .select_related("round")
        .order_by("-round__year", "-round__published_at")
        .first()
    )
