"""Reminders: each overdue dossier without an apology letter, once, to its unit's focal officers.

The key names the dossier, so a person hears of it once however many days it stays overdue.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.urls import reverse

from cchc.accounts.models import Membership, Role
from cchc.core.formatting import date as vn_date
from cchc.dossiers.models import Dossier
from cchc.notifications.models import Notification
from cchc.notifications.services import Reminder


def overdue_without_apology(today: dt.date) -> list[tuple[int, str, int, dt.date, str]]:
    """(id, code, unit id, due day, procedure name) of open dossiers past their due day with no apology."""
    return list(
        Dossier.objects.filter(end_day__isnull=True, due_day__lt=today, apology_date__isnull=True)
        .order_by("due_day", "code")
        .values_list("pk", "code", "unit_id", "due_day", "procedure__name")
    )


def collect(today: dt.date) -> Iterable[Reminder]:
    dossiers = overdue_without_apology(today)
    if not dossiers:
        return
    officers: dict[int, list[int]] = defaultdict(list)
    for user_id, unit_id in (
        Membership.objects.current()
        .filter(role=Role.FOCAL, unit_id__in={unit_id for _pk, _code, unit_id, _due, _name in dossiers})
        .values_list("user_id", "unit_id")
    ):
        officers[unit_id].append(user_id)
    for pk, code, unit_id, due_day, procedure_name in dossiers:
        for user_id in officers.get(unit_id, ()):
            yield Reminder(
                user_id=user_id,
                key=f"dossiers.overdue-no-apology.{code}",
                title=(
                    f"Hồ sơ {code} ({procedure_name or 'TTHC'}) quá hạn từ {vn_date(due_day + dt.timedelta(days=1))}"
                    " chưa có văn bản xin lỗi"
                ),
                url=reverse("dossiers:detail", args=[pk]),
                category=Notification.Category.OVERDUE,
                due_date=due_day,
                unit_id=unit_id,
            )
