"""The phases of a round, their default calendar, and the lock every write checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from cchc.assessment.models import Phase, Round
from cchc.core.formatting import date as vn_date

Kind = Phase.Kind
ORDER: tuple[str, ...] = (
    Kind.SELF_ASSESSMENT,
    Kind.APPRAISAL,
    Kind.SECOND_APPRAISAL,
    Kind.SURVEY_POINTS,
    Kind.FINAL,
    Kind.PUBLISHED,
)


class PhaseClosed(ValidationError):
    """A write into a phase that is closed, not yet open or past its deadline, or into a published round."""


@dataclass(frozen=True)
class PlannedPhase:
    kind: str
    opens_on: dt.date
    closes_on: dt.date | None


def default_calendar(year: int, today: dt.date, second_appraisal: bool = False) -> list[PlannedPhase]:
    """Self-assessment until 30/11 of the year (or a month from today if that has passed), then appraisal,
    survey points, compilation and publication; all editable afterwards by the administrator."""
    self_closes = dt.date(year, 11, 30)
    if self_closes < today:
        self_closes = today + dt.timedelta(days=30)
    day = dt.timedelta(days=1)
    appraisal_closes = self_closes + dt.timedelta(days=45)
    planned = [
        PlannedPhase(Kind.SELF_ASSESSMENT, today, self_closes),
        PlannedPhase(Kind.APPRAISAL, self_closes + day, appraisal_closes),
    ]
    last = appraisal_closes
    if second_appraisal:
        planned.append(PlannedPhase(Kind.SECOND_APPRAISAL, last + day, last + dt.timedelta(days=15)))
        last += dt.timedelta(days=15)
    planned.append(PlannedPhase(Kind.SURVEY_POINTS, self_closes + day, last))
    planned.append(PlannedPhase(Kind.FINAL, last + day, last + dt.timedelta(days=15)))
    planned.append(PlannedPhase(Kind.PUBLISHED, last + dt.timedelta(days=16), None))
    return planned


def phase_of(round_: Round, kind: str) -> Phase | None:
    cached: dict[str, Phase] | None = getattr(round_, "_phases_by_kind", None)
    if cached is None:
        cached = {phase.kind: phase for phase in Phase.objects.filter(round=round_)}
        round_._phases_by_kind = cached  # type: ignore[attr-defined]
    return cached.get(kind)


def forget_phases(round_: Round) -> None:
    if hasattr(round_, "_phases_by_kind"):
        del round_._phases_by_kind


def is_open(round_: Round, kind: str, today: dt.date) -> bool:
    phase = phase_of(round_, kind)
    return not round_.is_published and phase is not None and phase.is_open(today)


def require_open(round_: Round, kind: str, today: dt.date) -> Phase:
    """The open phase, or PhaseClosed naming why nothing can be changed in it."""
    label = Kind(kind).label
    if round_.is_published:
        raise PhaseClosed(f"Đợt «{round_.name}» đã công bố; kết quả đã khóa, không thể sửa.")
    phase = phase_of(round_, kind)
    if phase is None:
        raise PhaseClosed(f"Đợt «{round_.name}» không có giai đoạn «{label}».")
    if phase.closed:
        raise PhaseClosed(f"Giai đoạn «{label}» đã đóng; không thể sửa. Cần quản trị viên mở lại.")
    if phase.opens_on is not None and today < phase.opens_on:
        raise PhaseClosed(f"Giai đoạn «{label}» chưa mở (bắt đầu từ {vn_date(phase.opens_on)}).")
    if phase.closes_on is not None and today > phase.closes_on:
        raise PhaseClosed(
            f"Giai đoạn «{label}» đã hết hạn ngày {vn_date(phase.closes_on)}; không thể sửa. "
            "Cần quản trị viên gia hạn hoặc mở lại."
        )
    return phase


def current_phase(phases: list[Phase], today: dt.date) -> Phase | None:
    """The first open phase in order, else the first not closed."""
    ordered = sorted(phases, key=lambda phase: phase.order)
    return next((phase for phase in ordered if phase.is_open(today)), None) or next(
        (phase for phase in ordered if not phase.closed), None
    )
