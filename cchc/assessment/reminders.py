"""Reminders, 7, 3 and 1 days ahead: the self-assessment deadline for units that have not submitted, and
evidence requests still open before their phase closes (the request itself is notified when made)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.urls import reverse

from cchc.accounts.models import Membership, Role
from cchc.assessment.models import EvidenceRequest, Phase, Round, RoundUnit
from cchc.core.formatting import date as vn_date
from cchc.notifications.models import Notification
from cchc.notifications.services import Reminder

DAYS_AHEAD = (7, 3, 1)


def _contacts(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    contacts: dict[int, list[int]] = defaultdict(list)
    for unit_id, user_id in (
        Membership.objects.current()
        .filter(unit_id__in=list(unit_ids), role__in=[Role.FOCAL, Role.LEADER])
        .values_list("unit_id", "user_id")
        .distinct()
    ):
        contacts[unit_id].append(user_id)
    return contacts


def collect(today: dt.date) -> Iterable[Reminder]:
    yield from _deadline_reminders(today)
    yield from _request_reminders(today)


def _deadline_reminders(today: dt.date) -> Iterable[Reminder]:
    due_days = [today + dt.timedelta(days=days) for days in DAYS_AHEAD]
    phases = Phase.objects.filter(
        kind=Phase.Kind.SELF_ASSESSMENT,
        closed=False,
        closes_on__in=due_days,
        round__status=Round.Status.IN_PROGRESS,
    ).select_related("round")
    for phase in phases:
        assert phase.closes_on is not None
        days = (phase.closes_on - today).days
        entries = list(RoundUnit.objects.filter(round=phase.round, state=RoundUnit.State.DRAFT))
        contacts = _contacts(entry.unit_id for entry in entries)
        for entry in entries:
            for user_id in contacts.get(entry.unit_id, []):
                yield Reminder(
                    user_id=user_id,
                    key=f"assessment.deadline.{entry.pk}.{days}",
                    title=(
                        f"Còn {days} ngày đến hạn tự đánh giá {phase.round.name} "
                        f"({vn_date(phase.closes_on)}); đơn vị chưa gửi."
                    ),
                    url=reverse("assessment:self_assessment", args=[entry.pk]),
                    category=Notification.Category.DEADLINE,
                    due_date=phase.closes_on,
                    unit_id=entry.unit_id,
                )


def _request_reminders(today: dt.date) -> Iterable[Reminder]:
    requests = EvidenceRequest.objects.filter(
        status=EvidenceRequest.Status.OPEN, leaf_score__round_unit__round__status=Round.Status.IN_PROGRESS
    ).select_related("leaf_score__criterion", "leaf_score__round_unit__round")
    open_requests = list(requests)
    phases = {
        (phase.round_id, phase.kind): phase
        for phase in Phase.objects.filter(round_id__in={item.leaf_score.round_unit.round_id for item in open_requests})
    }
    contacts = _contacts(item.leaf_score.round_unit.unit_id for item in open_requests)
    for item in open_requests:
        entry = item.leaf_score.round_unit
        phase = phases.get((entry.round_id, item.phase_kind))
        if phase is None or phase.closes_on is None or not phase.is_open(today):
            continue
        days = (phase.closes_on - today).days
        if days not in DAYS_AHEAD:
            continue
        for user_id in contacts.get(entry.unit_id, []):
            yield Reminder(
                user_id=user_id,
                key=f"assessment.evidence-request.{item.pk}.{days}",
                title=(
                    f"Còn {days} ngày để trả lời yêu cầu bổ sung minh chứng tiêu chí "
                    f"{item.leaf_score.criterion.code} ({entry.round.name})"
                ),
                url=reverse("assessment:self_assessment", args=[entry.pk]) + f"#leaf-{item.leaf_score.criterion_id}",
                category=Notification.Category.REQUEST,
                due_date=phase.closes_on,
                unit_id=entry.unit_id,
            )
