from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from cchc.core.dashboard import Card
from cchc.organisation.models import Unit


def cards(request: HttpRequest, unit: Unit) -> list[Card]:
    below = unit.descendants(include_self=False).active_on().count()
    if not below:
        return []
    return [
        Card(
            title="Đơn vị trực thuộc",
            figure=f"{below}",
            figure_label="đơn vị đang hoạt động",
            url=reverse("organisation:detail", args=[unit.pk]),
            link_label="Xem cơ cấu",
            order=900,
        )
    ]
