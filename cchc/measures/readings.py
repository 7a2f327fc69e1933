"""Reading measures: the one way every screen, criterion and objective gets a number.

Computed measures ask their provider (see registry.py); reported measures aggregate approved values up
the unit tree by the measure's rule. Rates are always recomputed from summed numerators and
denominators, never averaged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from django.db.models import Q
from django.utils import timezone

from cchc.measures.models import Measure, MeasureValue
from cchc.measures.periods import Period
from cchc.measures.registry import Reading, provider_for
from cchc.organisation.models import Unit

T = TypeVar("T")
_memo: ContextVar[dict[Hashable, object] | None] = ContextVar("cchc_measure_reading_memo", default=None)


@contextmanager
def reading_session() -> Iterator[None]:
    """Within a session, providers share work through `memo`: a scorecard reads fourteen dossier measures
    over the same counts, and the self-assessment reads the same measures for several criteria. A GET
    request is one session (see ReadingSessionMiddleware); nothing is kept after it."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def memo(key: Hashable, compute: Callable[[], T]) -> T:
    store = _memo.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]  # type: ignore[return-value]


HUNDRED = Decimal(100)
# Up to this many units, the stored values are fetched per subtree; beyond it, one scan of the period.
SUBTREE_FILTER_LIMIT = 30
TWO_PLACES = Decimal("0.01")


def rate(numerator: Decimal | int | None, denominator: Decimal | int | None) -> Decimal | None:
    """Percentage with two decimals; None when there is nothing to divide by."""
    if numerator is None or not denominator:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(TWO_PLACES, ROUND_HALF_UP)


def read(measure: Measure | str, unit: Unit, period: Period, as_of: dt.date | None = None) -> Reading:
    return read_many(measure, [unit], period, as_of).get(unit.pk, Reading(None))


def read_many(
    measure: Measure | str, units: Sequence[Unit], period: Period, as_of: dt.date | None = None
) -> dict[int, Reading]:
    """Readings for several units at once (each unit meaning its whole subtree)."""
    if isinstance(measure, str):
        measure = Measure.objects.get(code=measure)
    as_of = as_of or timezone.localdate()
    if not measure.is_reported:
        provider = provider_for(measure.code)
        if provider is not None:
            return provider(measure.code, units, period, as_of)
    return _aggregate_stored(measure, units, period)


def _aggregate_stored(measure: Measure, units: Sequence[Unit], period: Period) -> dict[int, Reading]:
    values_in_period = MeasureValue.objects.approved().filter(
        measure=measure, period_start__gte=period.start, period_end__lte=period.end
    )
    if len(units) <= SUBTREE_FILTER_LIMIT:
        # A scorecard or a criterion reads one unit: fetch its subtree only, not every commune's rows.
        subtrees = Q(pk__in=[])
        for unit in units:
            subtrees |= Q(unit__path__startswith=unit.path)
        values_in_period = values_in_period.filter(subtrees)
    values = list(
        values_in_period.select_related("unit").only("unit__path", "period_start", "numerator", "denominator", "value")
    )
    result: dict[int, Reading] = {}
    for unit in units:
        inside = [value for value in values if value.unit.path.startswith(unit.path)]
        result[unit.pk] = aggregate(measure, inside)
    return result


def aggregate(measure: Measure, values: Sequence[MeasureValue]) -> Reading:
    if not values:
        return Reading(None)
    if measure.aggregation == Measure.Aggregation.WEIGHTED_RATE:
        numerator = sum((value.numerator or Decimal(0) for value in values), Decimal(0))
        denominator = sum((value.denominator or Decimal(0) for value in values), Decimal(0))
        return Reading(rate(numerator, denominator), numerator, denominator)
    if measure.aggregation == Measure.Aggregation.LATEST:
        latest_per_unit: dict[int, MeasureValue] = {}
        for value in sorted(values, key=lambda item: item.period_start):
            latest_per_unit[value.unit_id] = value
        chosen = [value.computed_value() for value in latest_per_unit.values()]
        numbers = [number for number in chosen if number is not None]
        if not numbers:
            return Reading(None)
        if measure.kind in (Measure.Kind.COUNT, Measure.Kind.MONEY):
            return Reading(sum(numbers, Decimal(0)))
        return Reading((sum(numbers, Decimal(0)) / len(numbers)).quantize(TWO_PLACES, ROUND_HALF_UP))
    numbers = [number for number in (value.computed_value() for value in values) if number is not None]
    if not numbers:
        return Reading(None)
    if measure.aggregation == Measure.Aggregation.SUM:
        return Reading(sum(numbers, Decimal(0)))
    return Reading((sum(numbers, Decimal(0)) / len(numbers)).quantize(TWO_PLACES, ROUND_HALF_UP))
