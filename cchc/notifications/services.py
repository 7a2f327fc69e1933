"""Creating notifications and sending the daily digest.

Producers (plans, measures, assessment…) define `cchc/<app>/reminders.py` with
`collect(today) -> Iterable[Reminder]`; `run_reminders(today)` gathers them all, stores each once per
person (idempotent by key) and `send_digests` mails each person one message listing what is new.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from cchc.notifications.models import Notification


@dataclass(frozen=True)
class Reminder:
    user_id: int
    key: str
    title: str
    url: str = ""
    category: str = Notification.Category.DEADLINE
    due_date: dt.date | None = None
    unit_id: int | None = None


def notify(reminder: Reminder) -> Notification | None:
    """Store a reminder once; returns None if this person already has it."""
    try:
        with transaction.atomic():
            return Notification.objects.create(
                user_id=reminder.user_id,
                key=reminder.key[:200],
                title=reminder.title[:300],
                url=reminder.url,
                category=reminder.category,
                due_date=reminder.due_date,
                unit_id=reminder.unit_id,
            )
    except IntegrityError:
        return None


def collect_reminders(today: dt.date) -> list[Reminder]:
    reminders: list[Reminder] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("cchc."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.reminders")
        except ModuleNotFoundError as error:
            if error.name == f"{config.name}.reminders":
                continue
            raise
        reminders.extend(module.collect(today))
    return reminders


def run_reminders(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return sum(1 for reminder in collect_reminders(today) if notify(reminder) is not None)


def send_digests(now: Any = None) -> int:
    """One e-mail per person with every notification not yet mailed; nobody gets an empty one."""
    now = now or timezone.now()
    pending = (
        Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id", "due_date", "pk")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for notification in pending:
        by_user[notification.user_id].append(notification)
    sent = 0
    for items in by_user.values():
        user = items[0].user
        lines = [f"Kính gửi {user.display_name},", "", "CCHC nhắc việc hôm nay:", ""]
        for item in items:
            due = f" (hạn {item.due_date:%d/%m/%Y})" if item.due_date else ""
            lines.append(f"- [{item.get_category_display()}] {item.title}{due}")
        lines += ["", "Đăng nhập CCHC để xem chi tiết. Thư này được gửi tự động, mỗi ngày tối đa một thư."]
        send_mail(
            subject=f"[CCHC] {len(items)} việc cần chú ý",
            message="\n".join(lines),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
        Notification.objects.filter(pk__in=[item.pk for item in items]).update(emailed_at=now)
        sent += 1
    return sent


def mark_read(user: Any, notifications: Iterable[Notification]) -> int:
    ids = [notification.pk for notification in notifications]
    return Notification.objects.filter(user=user, pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())
