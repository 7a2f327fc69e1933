"""Reminders for reported measures.

Each period's figures are due on the measure's `reporting_day` of the following month. Focal officers
of units that have not submitted are reminded 3 and 1 working days before (a plain Monday–Friday
count) and once after the deadline; reviewers at the superior unit are reminded of figures waiting.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.urls import reverse

from cchc.accounts.models import Membership, Role
from cchc.core.formatting import date as vn_date
from cchc.measures.models import Measure, MeasureValue
from cchc.measures.periods import Period, latest_complete
from cchc.notifications.models import Notification
from cchc.notifications.services import Reminder
from cchc.organisation.models import Unit

REPORTED_STATUSES = (MeasureValue.Status.SUBMITTED, MeasureValue.Status.APPROVED)
EARLY_WORKING_DAYS = 3
LAST_WORKING_DAYS = 1


def deadline(measure: Measure, period: Period) -> dt.date:
    """The `reporting_day` of the month after the period (the month's last day if it is shorter)."""
    following = period.end + dt.timedelta(days=1)
    last_day = calendar.monthrange(following.year, following.month)[1]
    return following.replace(day=min(max(measure.reporting_day, 1), last_day))


def working_days_until(today: dt.date, day: dt.date) -> int:
    """Monday–Friday days after `today` up to and including `day`."""
    count = 0
    current = today + dt.timedelta(days=1)
    while current <= day:
        count += current.weekday() < 5
        current += dt.timedelta(days=1)
    return count


def reporting_units(measure: Measure, today: dt.date) -> list[Unit]:
    units = Unit.objects.active_on(today)
    if measure.reporting_level:
        units = units.filter(kind__level=measure.reporting_level)
    return list(units.order_by("path"))


def collect(today: dt.date) -> Iterable[Reminder]:
    measures = list(Measure.objects.filter(source=Measure.Source.REPORTED, is_active=True))
    yield from _due_reminders(measures, today)
    yield from _review_reminders(measures)


def _stage(today: dt.date, due: dt.date) -> str:
    if today > due:
        return "overdue"
    remaining = working_days_until(today, due)
    if remaining <= LAST_WORKING_DAYS:
        return "due1"
    if remaining <= EARLY_WORKING_DAYS:
        return "due3"
    return ""


def _due_reminders(measures: list[Measure], today: dt.date) -> Iterable[Reminder]:
    # Missing figures grouped per unit and (period, deadline): one reminder lists every measure due.
    missing: dict[tuple[int, Period, dt.date, str], list[Measure]] = defaultdict(list)
    units_by_id: dict[int, Unit] = {}
    for measure in measures:
        period = latest_complete(measure.periodicity, today)
        due = deadline(measure, period)
        stage = _stage(today, due)
        if not stage:
            continue
        units = reporting_units(measure, today)
        reported = set(
            MeasureValue.objects.filter(
                measure=measure, period_key=period.key, status__in=REPORTED_STATUSES, unit__in=units
            ).values_list("unit_id", flat=True)
        )
        for unit in units:
            if unit.pk not in reported:
                units_by_id[unit.pk] = unit
                missing[(unit.pk, period, due, stage)].append(measure)
    recipients = _officers(set(units_by_id))
    url = reverse("measures:entry")
    for (unit_id, period, due, stage), due_measures in missing.items():
        unit = units_by_id[unit_id]
        what = f"«{due_measures[0].name}»" if len(due_measures) == 1 else f"{len(due_measures)} chỉ số báo cáo"
        if stage == "overdue":
            title = f"{unit.name} chưa báo cáo {what} {period.label.lower()}, đã quá hạn {vn_date(due)}"
            category = Notification.Category.OVERDUE
        else:
            title = f"Nhập số liệu {what} {period.label.lower()} của {unit.name} trước ngày {vn_date(due)}"
            category = Notification.Category.DEADLINE
        for user_id in recipients.get(unit_id, []):
            yield Reminder(
                user_id=user_id,
                key=f"measures:{stage}:{unit_id}:{period.key}:{due.isoformat()}",
                title=title,
                url=f"{url}?period={period.key}",
                category=category,
                due_date=due,
                unit_id=unit_id,
            )


def _officers(unit_ids: set[int]) -> dict[int, list[int]]:
    """Focal officers of each unit; the chairman where a unit has no focal officer."""
    found: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for unit_id, user_id, role in (
        Membership.objects.current()
        .filter(unit_id__in=unit_ids, role__in=[Role.FOCAL, Role.LEADER])
        .values_list("unit_id", "user_id", "role")
    ):
        found[unit_id][role].append(user_id)
    return {unit_id: roles.get(Role.FOCAL) or roles.get(Role.LEADER, []) for unit_id, roles in found.items()}


def _review_reminders(measures: list[Measure]) -> Iterable[Reminder]:
    waiting: dict[tuple[int, int, str], int] = defaultdict(int)
    for measure_id, parent_id, period_key in MeasureValue.objects.filter(
        measure__in=measures, status=MeasureValue.Status.SUBMITTED, unit__parent__isnull=False
    ).values_list("measure_id", "unit__parent_id", "period_key"):
        waiting[(parent_id, measure_id, period_key)] += 1
    if not waiting:
        return
    by_id = {measure.pk: measure for measure in measures}
    reviewers: dict[int, set[int]] = defaultdict(set)
    for unit_id, user_id in (
        Membership.objects.current()
        .filter(unit_id__in={parent for parent, _m, _p in waiting}, role__in=[Role.FOCAL, Role.APPRAISER])
        .values_list("unit_id", "user_id")
    ):
        reviewers[unit_id].add(user_id)
    url = reverse("measures:review")
    for (parent_id, measure_id, period_key), count in waiting.items():
        measure = by_id[measure_id]
        for user_id in sorted(reviewers.get(parent_id, ())):
            yield Reminder(
                user_id=user_id,
                key=f"measures:review:{parent_id}:{measure.code}:{period_key}",
                title=f"{count} số liệu «{measure.name}» kỳ {period_key} của đơn vị cấp dưới đang chờ duyệt",
                url=f"{url}?measure={measure.code}&period={period_key}",
                category=Notification.Category.REVIEW,
                unit_id=parent_id,
            )
