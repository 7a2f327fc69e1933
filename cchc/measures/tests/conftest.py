from __future__ import annotations

from decimal import Decimal

import pytest

from cchc.measures.models import Measure, MeasureValue
from cchc.measures.periods import Period, parse
from cchc.measures.services import sync_definitions
from cchc.organisation.models import Unit


@pytest.fixture
def measures(db) -> dict[str, Measure]:  # type: ignore[no-untyped-def]
    sync_definitions()
    return {measure.code: measure for measure in Measure.objects.all()}


@pytest.fixture
def signed(measures) -> Measure:  # type: ignore[no-untyped-def]
    return measures["docs.digitally_signed_rate"]


def stored_value(
    measure: Measure,
    unit: Unit,
    period: str | Period,
    *,
    numerator: int | None = None,
    denominator: int | None = None,
    value: int | str | None = None,
    status: str = MeasureValue.Status.APPROVED,
) -> MeasureValue:
    """A stored figure, bypassing the services (for reading tests)."""
    period = parse(period) if isinstance(period, str) else period
    return MeasureValue.objects.create(
        measure=measure,
        unit=unit,
        period_key=period.key,
        period_start=period.start,
        period_end=period.end,
        numerator=numerator,
        denominator=denominator,
        value=Decimal(value) if value is not None else None,
        status=status,
    )
