from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from cchc.core.dashboard import Card
from cchc.jobs.models import Job
from cchc.organisation.models import Unit


def cards(request: HttpRequest, unit: Unit) -> list[Card]:
    recent = list(Job.objects.filter(created_by_id=request.user.pk).order_by("-created_at")[:3])
    if not recent:
        return []
    lines = [
        (f"{job.title} – {job.get_status_display()} ({job.progress}%)", reverse("jobs:detail", args=[job.pk]))
        for job in recent
    ]
    return [Card(title="Công việc nền của bạn", lines=lines, url=reverse("jobs:index"), link_label="Tất cả", order=950)]
