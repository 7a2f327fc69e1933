"""The dashboard's content for a unit subtree and period: figures, rates against targets, trends,
the units below and the fields, each figure with the link to the dossiers behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cchc.accounts.access import can_see
from cchc.core.formatting import percent
from cchc.dossiers import kpis
from cchc.dossiers.kpi_math import KpiCounts, score_766
from cchc.dossiers.measures_provider import PREFIX, RATE_BY_CODE
from cchc.dossiers.models import DossierSettings
from cchc.dossiers.screens import Selection
from cchc.measures.models import Measure
from cchc.measures.periods import Period
from cchc.measures.targets import TargetStatus, status_for, target_per_unit
from cchc.organisation.models import Unit

# (figure key, label) of the count cards, in reading order.
COUNT_CARDS = [
    ("received", "Tiếp nhận"),
    ("settled", "Đã giải quyết"),
    ("early", "Trước hạn"),
    ("on_time", "Đúng hạn"),
    ("late", "Trễ hạn"),
    ("overdue", "Quá hạn chưa giải quyết"),
    ("in_progress", "Đang giải quyết trong hạn"),
    ("apologised", "Trễ, quá hạn đã xin lỗi"),
]
# Rate key → (figure of the numerator's list, figure of the denominator's list).
RATE_FIGURES = {
    "settled_on_time_rate": ("settled", "settled"),
    "early_rate": ("early", "settled"),
    "late_rate": ("late", "settled"),
    "apologised_rate": ("apologised", "late_or_overdue"),
    "apologised_in_time_rate": ("apologised_in_time", "late_or_overdue"),
    "online_rate": ("online", "received"),
    "online_full_rate": ("online_full", "received"),
    "components_digitised_rate": ("components_digitised", "received"),
    "results_digitised_rate": ("results_digitised", "settled"),
    "paid_online_rate": ("paid_online", "with_fee"),
}
SCORE_LABELS = {
    "progress": "Tiến độ giải quyết",
    "online_service": "Dịch vụ công trực tuyến",
    "online_payment": "Thanh toán trực tuyến",
    "digitisation": "Số hóa hồ sơ, kết quả",
    "total": "Cộng",
}


@dataclass
class CountCard:
    key: str
    label: str
    count: int
    url: str


@dataclass
class RateRow:
    key: str
    label: str
    value: Decimal | None
    numerator: int
    denominator: int
    numerator_url: str
    denominator_url: str
    status: TargetStatus | None = None
    target_text: str = ""
    target_value: Decimal | None = None


@dataclass
class UnitRow:
    unit: Unit
    counts: KpiCounts
    rates: dict[str, Decimal | None]
    url: str


@dataclass
class Overview:
    selection: Selection
    counts: KpiCounts
    rates: dict[str, Decimal | None]
    cards: list[CountCard]
    rate_rows: list[RateRow]
    scores: list[tuple[str, Decimal | None]]
    trend: dict[str, Any]
    trend_rows: list[tuple[str, KpiCounts, dict[str, Decimal | None]]]
    children: list[UnitRow] = field(default_factory=list)
    fields: list[kpis.KpiGroup] = field(default_factory=list)
    stale_since: dt.datetime | None = None


def trend_window(period: Period) -> tuple[dt.date, dt.date]:
    """The months of the period, or the twelve months up to its end when it is shorter than two months."""
    if (period.end.year, period.end.month) != (period.start.year, period.start.month):
        return period.start, period.end
    first_month = period.end.month - 11
    first_year = period.end.year
    if first_month < 1:
        first_month += 12
        first_year -= 1
    return dt.date(first_year, first_month, 1), period.end


def _json_number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def build(selection: Selection, user: Any) -> Overview:
    unit, period, as_of = selection.unit, selection.period, selection.as_of
    settings_row = DossierSettings.current()
    (total,) = kpis.kpis(unit, period.start, period.end, as_of)
    counts, rates = total.counts, total.rates()
    cards = [CountCard(key, label, getattr(counts, key), selection.list_url(key)) for key, label in COUNT_CARDS]
    rate_rows = [
        RateRow(
            key,
            RATE_BY_CODE[PREFIX + key].name,
            rates[key],
            *counts.ratio(key),
            selection.list_url(RATE_FIGURES[key][0]),
            selection.list_url(RATE_FIGURES[key][1]),
        )
        for key in RATE_FIGURES
    ]
    _attach_targets(rate_rows, unit, period)
    scores = score_766(counts, settings_row.formula_766)
    trend_start, trend_end = trend_window(period)
    months = kpis.monthly_totals(unit, trend_start, trend_end, as_of)
    trend_rows = [(group.month or "", group.counts, group.rates()) for group in months]
    labels = [f"{key[5:7]}/{key[:4]}" for key, _counts, _rates in trend_rows]
    trend = {
        "labels": labels,
        "rates": [
            {"label": label, "data": [_json_number(rates_of_month[key]) for _k, _c, rates_of_month in trend_rows]}
            for key, label in (
                ("settled_on_time_rate", "Giải quyết trước hạn, đúng hạn"),
                ("online_rate", "Nộp trực tuyến"),
                ("results_digitised_rate", "Số hóa kết quả"),
            )
        ],
        "counts": [
            {"label": "Tiếp nhận", "data": [c.received for _k, c, _r in trend_rows]},
            {"label": "Đã giải quyết", "data": [c.settled for _k, c, _r in trend_rows]},
            {"label": "Quá hạn cuối tháng", "data": [c.overdue for _k, c, _r in trend_rows]},
        ],
        "target": next(
            (_json_number(row.target_value) for row in rate_rows if row.key == "settled_on_time_rate"), None
        ),
    }
    children = [child for child in unit.children.select_related("kind").order_by("path") if can_see(user, child)]
    per_child = kpis.totals_per_unit(children, period.start, period.end, as_of) if children else {}
    child_rows = [
        UnitRow(
            child,
            per_child[child.pk],
            per_child[child.pk].rates(),
            f"?{Selection(child, period, as_of).query()}",
        )
        for child in children
        if per_child[child.pk] != KpiCounts()
    ]
    fields = kpis.kpis(unit, period.start, period.end, as_of, by=["field"])
    return Overview(
        selection=selection,
        counts=counts,
        rates=rates,
        cards=cards,
        rate_rows=rate_rows,
        scores=[(SCORE_LABELS.get(name, name), value) for name, value in scores.items()],
        trend=trend,
        trend_rows=trend_rows,
        children=child_rows,
        fields=fields,
        stale_since=settings_row.facts_stale_since,
    )


def _attach_targets(rows: list[RateRow], unit: Unit, period: Period) -> None:
    """Status against the plan or criterion targets set on these measures, where there are any."""
    measures = {
        measure.code: measure for measure in Measure.objects.filter(code__in=[PREFIX + row.key for row in rows])
    }
    if not measures:
        return
    today = timezone.localdate()
    with_targets = set(
        Measure.objects.filter(pk__in=[measure.pk for measure in measures.values()], targets__isnull=False).values_list(
            "code", flat=True
        )
    )
    for row in rows:
        measure = measures.get(PREFIX + row.key)
        if measure is None or measure.code not in with_targets:
            continue
        target = target_per_unit(measure, [unit], period)[unit.pk]
        if target is None:
            continue
        row.status = status_for(target, row.value, today)
        row.target_text = f"{target.get_comparator_display()} {percent(target.value)}"
        row.target_value = target.value
