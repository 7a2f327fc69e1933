"""The home page card: this year's on-time rate and the dossiers overdue now, for the current unit."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cchc.core.dashboard import Card
from cchc.core.formatting import number, percent
from cchc.dossiers.kpis import kpis
from cchc.organisation.models import Unit


def cards(request: HttpRequest, unit: Unit) -> list[Card]:
    today = timezone.localdate()
    (total,) = kpis(unit, dt.date(today.year, 1, 1), dt.date(today.year, 12, 31), today)
    counts = total.counts
    if not counts.received and not counts.settled and not counts.overdue and not counts.in_progress:
        return [
            Card(
                title="Hồ sơ thủ tục hành chính",
                figure="—",
                figure_label=f"Chưa có hồ sơ năm {today.year}",
                lines=[("Nhập sổ hồ sơ từ hệ thống một cửa để xem tỷ lệ đúng hạn.", reverse("dossiers:import"))],
                url=reverse("dossiers:import"),
                link_label="Nhập hồ sơ",
                order=30,
            )
        ]
    rates = total.rates()
    return [
        Card(
            title="Hồ sơ thủ tục hành chính",
            figure=percent(rates["settled_on_time_rate"]),
            figure_label=f"giải quyết trước hạn, đúng hạn năm {today.year}",
            lines=[
                (f"{number(counts.overdue)} hồ sơ đang quá hạn", reverse("dossiers:warnings")),
                (f"{number(counts.received)} hồ sơ tiếp nhận, {number(counts.settled)} đã giải quyết", ""),
                (f"Nộp trực tuyến: {percent(rates['online_rate'])}", ""),
            ],
            url=reverse("dossiers:index"),
            link_label="Xem số liệu hồ sơ",
            order=30,
        )
    ]
