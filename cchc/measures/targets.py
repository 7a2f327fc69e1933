"""A value's status against its target: achieved, on track, at risk or off track.

The rule, for every comparator:
- **Achieved** (Đạt): the value satisfies the comparator (≥, >, ≤, <). For «=» the value equals the
  target or is better than it in the measure's direction (higher or lower is better), since a unit that
  completes more than 100% of its tasks has not missed a «= 100%» target.
- Otherwise the **shortfall** is how far the value is from meeting the target, in the measure's unit.
  Until the target's period ends (its due date, or the end of its period): a shortfall of at most
  `on_track_margin` is **on track** (Đúng hướng), at most `at_risk_margin` **at risk** (Có nguy cơ),
  more is **off track** (Chệch hướng). Margins count in points for rates and indexes and in per cent
  of the target for counts, money and days (in the measure's unit when the target is 0).
- Once the period is over, a target not met is **off track** (shown «Không đạt»).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db.models import Q

from cchc.core.formatting import date as vn_date
from cchc.core.formatting import number, percent
from cchc.measures.models import Measure, Target
from cchc.measures.periods import Period, parse
from cchc.measures.registry import Reading
from cchc.organisation.models import Unit

HUNDRED = Decimal(100)


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"


LABELS = {
    Status.ACHIEVED: "Đạt",
    Status.ON_TRACK: "Đúng hướng",
    Status.AT_RISK: "Có nguy cơ",
    Status.OFF_TRACK: "Chệch hướng",
    Status.NO_DATA: "Chưa có số liệu",
}
BADGES = {
    Status.ACHIEVED: "badge-good",
    Status.ON_TRACK: "badge-good",
    Status.AT_RISK: "badge-warn",
    Status.OFF_TRACK: "badge-bad",
    Status.NO_DATA: "",
}
COMPARATOR_WORDS: dict[str, str] = {
    Target.Comparator.AT_LEAST: "từ {target} trở lên",
    Target.Comparator.MORE_THAN: "cao hơn {target}",
    Target.Comparator.AT_MOST: "không quá {target}",
    Target.Comparator.LESS_THAN: "thấp hơn {target}",
}


@dataclass(frozen=True)
class TargetStatus:
    status: Status
    label: str
    rule: str  # the target's rule in words
    explanation: str  # why this value has this status

    @property
    def badge(self) -> str:
        return BADGES[self.status]


def show(measure: Measure, value: Decimal) -> str:
    """A value in the measure's unit, Vietnamese style."""
    if measure.kind == Measure.Kind.PERCENTAGE:
        return percent(value)
    if measure.kind == Measure.Kind.YES_NO:
        return "có" if value else "không"
    places = 0 if value == value.to_integral_value() else 2
    return number(value, places)


def period_end(target: Target) -> dt.date:
    return target.due_date or parse(target.period_key).end


def _margin_unit(measure: Measure, target: Target) -> str:
    if measure.kind in (Measure.Kind.PERCENTAGE, Measure.Kind.INDEX):
        return "điểm %" if measure.kind == Measure.Kind.PERCENTAGE else "điểm"
    return "% chỉ tiêu" if target.value else measure.get_kind_display().lower()


def _absolute_margin(measure: Measure, target: Target, margin: Decimal) -> Decimal:
    if measure.kind in (Measure.Kind.PERCENTAGE, Measure.Kind.INDEX) or not target.value:
        return margin
    return abs(target.value) * margin / HUNDRED


def _meets_and_shortfall(measure: Measure, target: Target, value: Decimal) -> tuple[bool, Decimal]:
    goal = target.value
    comparator = target.comparator
    if comparator == Target.Comparator.EQUAL:
        comparator = Target.Comparator.AT_LEAST if measure.higher_is_better else Target.Comparator.AT_MOST
        if value == goal:
            return True, Decimal(0)
    match comparator:
        case Target.Comparator.AT_LEAST:
            return value >= goal, goal - value
        case Target.Comparator.MORE_THAN:
            return value > goal, goal - value
        case Target.Comparator.AT_MOST:
            return value <= goal, value - goal
        case Target.Comparator.LESS_THAN:
            return value < goal, value - goal
    raise ValueError(f"Phép so sánh «{target.comparator}» không hợp lệ.")


def rule_text(target: Target) -> str:
    """The target's rule in Vietnamese words, shown beside every status."""
    measure = target.measure
    shown = show(measure, target.value)
    if target.comparator == Target.Comparator.EQUAL:
        better = "cao" if measure.higher_is_better else "thấp"
        condition = f"bằng {shown} (hoặc {better} hơn, vì chỉ số này càng {better} càng tốt)"
    else:
        condition = COMPARATOR_WORDS[target.comparator].format(target=shown)
    unit_word = _margin_unit(measure, target)
    return (
        f"Đạt khi giá trị {condition}. Trước khi kỳ kết thúc ({vn_date(period_end(target))}): "
        f"chưa đạt nhưng thiếu không quá {number(target.on_track_margin, 2)} {unit_word} là đúng hướng, "
        f"không quá {number(target.at_risk_margin, 2)} {unit_word} là có nguy cơ, thiếu nhiều hơn là chệch hướng. "
        "Hết kỳ mà chưa đạt là không đạt."
    )


def status_for(target: Target, reading: Reading | Decimal | None, today: dt.date) -> TargetStatus:
    """The status of a reading (or a bare value) against `target` as of `today`."""
    measure = target.measure
    value = reading.value if isinstance(reading, Reading) else reading
    rule = rule_text(target)
    if value is None:
        return TargetStatus(Status.NO_DATA, LABELS[Status.NO_DATA], rule, "Chưa có số liệu để so với chỉ tiêu.")
    met, shortfall = _meets_and_shortfall(measure, target, value)
    shown, goal = show(measure, value), show(measure, target.value)
    if met:
        return TargetStatus(Status.ACHIEVED, LABELS[Status.ACHIEVED], rule, f"{shown} đạt chỉ tiêu {goal}.")
    gap = f"{shown} chưa đạt chỉ tiêu {goal} (còn thiếu {number(shortfall, 2)}"
    gap += " điểm %)" if measure.kind == Measure.Kind.PERCENTAGE else ")"
    end = period_end(target)
    if today > end:
        return TargetStatus(Status.OFF_TRACK, "Không đạt", rule, f"{gap}; kỳ đã kết thúc ngày {vn_date(end)}.")
    if shortfall <= _absolute_margin(measure, target, target.on_track_margin):
        status = Status.ON_TRACK
    elif shortfall <= _absolute_margin(measure, target, target.at_risk_margin):
        status = Status.AT_RISK
    else:
        status = Status.OFF_TRACK
    return TargetStatus(status, LABELS[status], rule, f"{gap}; kỳ còn đến {vn_date(end)}.")


def targets_for(measure: Measure, unit: Unit, period: Period) -> list[Target]:
    """Targets that apply to `unit` for `period`, the most specific first: the unit's own, then those of
    the nearest superior that apply to each unit below; a target's period must contain `period`."""
    candidates = (
        Target.objects.filter(measure=measure)
        .filter(Q(unit=unit) | Q(applies_to_units_below=True, unit__in=unit.ancestors()))
        .select_related("unit", "measure")
    )
    return _applicable(list(candidates), unit, period)


def target_for(measure: Measure, unit: Unit, period: Period) -> Target | None:
    found = targets_for(measure, unit, period)
    return found[0] if found else None


def target_per_unit(measure: Measure, units: Sequence[Unit], period: Period) -> dict[int, Target | None]:
    """`target_for` for many units with one query (ranked tables of a hundred communes)."""
    targets = list(Target.objects.filter(measure=measure).select_related("unit", "measure"))
    result: dict[int, Target | None] = {}
    for unit in units:
        found = _applicable(
            [
                target
                for target in targets
                if target.unit_id == unit.pk
                or (target.applies_to_units_below and unit.path.startswith(target.unit.path))
            ],
            unit,
            period,
        )
        result[unit.pk] = found[0] if found else None
    return result


def _applicable(candidates: list[Target], unit: Unit, period: Period) -> list[Target]:
    chosen: list[tuple[tuple[int, int], Target]] = []
    for target in candidates:
        try:
            target_period = parse(target.period_key)
        except ValueError:
            continue
        if target_period.start <= period.start and target_period.end >= period.end:
            length = (target_period.end - target_period.start).days
            chosen.append(((-target.unit.depth, length), target))
    return [target for _key, target in sorted(chosen, key=lambda item: item[0])]
