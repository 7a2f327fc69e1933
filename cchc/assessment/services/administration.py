"""The administrator's acts on a whole round: bulk score entry and publication."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from cchc.assessment import phases
from cchc.assessment.models import (
    Criterion,
    LeafScore,
    Phase,
    Round,
    RoundUnit,
)
from cchc.assessment.services.common import (
    administer,
    user_of,
)
from cchc.audit.services import record, snapshot


@dataclass(frozen=True)
class ScoreRow:
    """One validated row of a score sheet."""

    row_number: int
    round_unit: RoundUnit
    criterion: Criterion
    self_points: Decimal | None
    appraised_points: Decimal | None
    not_applicable: bool


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def import_scores(*, actor: Any, round_: Round, rows: Sequence[ScoreRow]) -> ImportSummary:
    """Write validated sheet rows (see score_sheets): the administrator's bulk entry, one audited act."""
    round_ = Round.objects.select_for_update().select_related("organiser").get(pk=round_.pk)
    administer(actor, round_)
    existing = {
        (score.round_unit_id, score.criterion_id): score
        for score in LeafScore.objects.select_for_update().filter(round_unit__round=round_)
    }
    created: list[LeafScore] = []
    updated: list[LeafScore] = []
    unchanged = 0
    user = user_of(actor)
    for row in rows:
        score = existing.get((row.round_unit.pk, row.criterion.pk))
        new = score is None
        score = score or LeafScore(round_unit=row.round_unit, criterion=row.criterion)
        values = (row.not_applicable, row.self_points, row.appraised_points)
        if (score.not_applicable, score.self_points, score.appraised_points) == values:
            unchanged += 1
            continue
        score.not_applicable, score.self_points, score.appraised_points = values
        if row.appraised_points is not None:
            score.status = LeafScore.Status.APPRAISED
        elif row.self_points is not None or row.not_applicable:
            score.status = LeafScore.Status.SELF_SCORED
        else:
            score.status = LeafScore.Status.EMPTY
        score.updated_by = user
        (created if new else updated).append(score)
    LeafScore.objects.bulk_create(created, batch_size=1000)
    LeafScore.objects.bulk_update(
        updated, ["not_applicable", "self_points", "appraised_points", "status", "updated_by"], batch_size=1000
    )
    summary = ImportSummary(created=len(created), updated=len(updated), unchanged=unchanged)
    record(
        actor=actor,
        action="import",
        instance=round_,
        after={"created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged},
        unit=round_.organiser,
        note=f"Nhập điểm hàng loạt: {len(rows)} dòng",
    )
    return summary


@transaction.atomic
def publish_round(*, actor: Any, round_: Round) -> Round:
    """The administrator's act: results are computed once more, frozen on each unit, and every phase closes."""
    from cchc.assessment.results import round_results

    round_ = Round.objects.select_for_update().select_related("organiser").get(pk=round_.pk)
    administer(actor, round_)
    results = round_results(round_)
    round_units = []
    for result in results.results:
        round_unit = result.round_unit
        round_unit.points, round_unit.applicable_max = result.points, result.applicable_max
        round_unit.index, round_unit.rank = result.index, result.rank
        round_unit.rank_change, round_unit.group_label = result.rank_change, result.group or ""
        round_units.append(round_unit)
    RoundUnit.objects.bulk_update(
        round_units, ["points", "applicable_max", "index", "rank", "rank_change", "group_label"], batch_size=500
    )
    now = timezone.now()
    Phase.objects.filter(round=round_, closed=False).update(closed=True, closed_at=now, closed_by=user_of(actor))
    phases.forget_phases(round_)
    before = snapshot(round_)
    round_.status, round_.published_at, round_.published_by = Round.Status.PUBLISHED, now, user_of(actor)
    round_.save(update_fields=["status", "published_at", "published_by"])
    record(
        actor=actor,
        action="state",
        instance=round_,
        before=before,
        after=snapshot(round_),
        unit=round_.organiser,
        note=f"Công bố kết quả của {len(round_units)} đơn vị",
    )
    return round_
