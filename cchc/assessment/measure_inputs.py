"""Values of measure-fed leaves: read through cchc.measures, for the round's year and the unit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from cchc.assessment.models import Criterion
from cchc.assessment.scoring import MEASURE_LABELS
from cchc.measures import periods
from cchc.measures.models import Measure
from cchc.measures.readings import read
from cchc.organisation.models import Unit


@dataclass(frozen=True)
class MeasureInput:
    """What a measure gives a leaf: a value, or a message saying why there is none yet."""

    code: str
    label: str
    value: Decimal | None
    message: str = ""


def read_measure(code: str, unit: Unit, year: int) -> MeasureInput:
    label = MEASURE_LABELS.get(code, code)
    measure = Measure.objects.filter(code=code).first()
    if measure is None:
        return MeasureInput(code, label, None, f"Chỉ số «{label}» chưa được khai báo trong hệ thống.")
    label = measure.name or label
    reading = read(measure, unit, periods.year(year))
    if reading.value is None:
        return MeasureInput(code, label, None, f"Chỉ số «{label}» chưa có số liệu năm {year}.")
    return MeasureInput(code, label, Decimal(reading.value).quantize(Decimal("0.01")))


def read_for_criteria(criteria: Iterable[Criterion], unit: Unit, year: int) -> dict[str, MeasureInput]:
    """One reading per distinct measure code, keyed by measure code."""
    codes = sorted({code for criterion in criteria if (code := criterion.measure_code)})
    return {code: read_measure(code, unit, year) for code in codes}
