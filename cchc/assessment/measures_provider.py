"""The published PAR Index of a unit, as a measure that dashboards and plan objectives can read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from cchc.assessment.models import Round, RoundUnit
from cchc.measures.periods import Period
from cchc.measures.registry import MeasureDefinition, Reading, register
from cchc.organisation.models import Unit

INDEX = "assessment.index"


def provide(code: str, units: Sequence[Unit], period: Period, as_of: dt.date) -> dict[int, Reading]:
    """The unit's own published index in the round whose year contains the period; nothing for other periods."""
    if period.start.year != period.end.year:
        return {unit.pk: Reading(None) for unit in units}
    entries = {
        entry.unit_id: entry
        for entry in RoundUnit.objects.filter(
            unit__in=units,
            round__status=Round.Status.PUBLISHED,
            round__year=period.start.year,
            round__published_at__date__lte=as_of,
            index__isnull=False,
        ).order_by("round__published_at")
    }
    return {
        unit.pk: Reading(
            entries[unit.pk].index,
            detail=f"Xếp hạng {entries[unit.pk].rank}" if entries[unit.pk].rank else "",
        )
        if unit.pk in entries
        else Reading(None)
        for unit in units
    }


register(
    [
        MeasureDefinition(
            code=INDEX,
            name="Chỉ số cải cách hành chính (đã công bố)",
            kind="index",
            aggregation="latest",
            source="assessment",
            definition="Điểm đạt ÷ điểm tối đa áp dụng × 100 của đơn vị trong đợt đánh giá đã công bố của năm.",
            periodicity="year",
            order=1,
        )
    ],
    provide,
)
