"""Reading measures: the catalogue, a measure's page (charts, ranked units, values, export), scorecards."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from cchc.accounts.access import Action, can
from cchc.core.current import current_unit
from cchc.core.formatting import date as vn_date
from cchc.measures import charts, scorecard
from cchc.measures.catalogue import area_name, area_sort_key
from cchc.measures.models import Measure, MeasureValue
from cchc.measures.periods import Period, latest_complete, parse
from cchc.measures.readings import read_many
from cchc.measures.targets import rule_text, target_for
from cchc.organisation.models import Unit
from cchc.organisation.tabular import write_xlsx

TREND_PERIODS = 12
PAGE_SIZE = 50


def _unit_or_404(request: HttpRequest) -> Unit:
    unit = current_unit(request)
    if unit is None:
        raise Http404("Tài khoản chưa được phân công vào đơn vị nào.")
    return unit


def _period_from(request: HttpRequest, name: str, default: Period) -> Period:
    text = request.GET.get(name, "").strip()
    if not text:
        return default
    try:
        return parse(text)
    except ValueError:
        return default


@login_required
def index(request: HttpRequest) -> HttpResponse:
    measures = sorted(
        Measure.objects.filter(is_active=True),
        key=lambda measure: (area_sort_key(measure.reform_area), measure.order, measure.code),
    )
    groups: dict[str, list[Measure]] = {}
    for measure in measures:
        groups.setdefault(area_name(measure.reform_area), []).append(measure)
    return render(request, "measures/index.html", {"groups": groups, "unit": current_unit(request)})


def _values_queryset(request: HttpRequest, measure: Measure, unit: Unit) -> QuerySet[MeasureValue]:
    values = (
        MeasureValue.objects.visible_to(request.user)
        .filter(measure=measure, unit__path__startswith=unit.path)
        .select_related("unit", "entered_by", "reviewed_by")
        .order_by("-period_start", "unit__path")
    )
    status = request.GET.get("status", "")
    if status in MeasureValue.Status.values:
        values = values.filter(status=status)
    period_text = request.GET.get("values_period", "").strip()
    if period_text:
        try:
            values = values.filter(period_key=parse(period_text).key)
        except ValueError:
            values = values.none()
    return values


def _default_ranking_period(measure: Measure, units: list[Unit], last: Period, today: dt.date) -> Period:
    """The last period, unless fewer than half the units have a figure yet: then the one before."""
    if not units:
        return last
    readings = read_many(measure, units, last, today)
    with_value = sum(1 for reading in readings.values() if reading.value is not None)
    return last if with_value * 2 >= len(units) else last.previous()


def _chosen_unit(visible: QuerySet[Unit], raw: str) -> Unit | None:
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404("Đơn vị không hợp lệ.")
    return get_object_or_404(visible, pk=int(raw))


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    measure = get_object_or_404(Measure, code=code)
    unit = _unit_or_404(request)
    today = timezone.localdate()
    visible = Unit.objects.visible_to(request.user)
    chosen = _chosen_unit(visible, request.GET.get("unit", "")) or unit
    compare = _chosen_unit(visible, request.GET.get("compare", ""))
    last = latest_complete(measure.periodicity, today)
    periods = [last]
    for _step in range(TREND_PERIODS - 1):
        periods.insert(0, periods[0].previous())
    trend_units = [chosen] + ([compare] if compare and compare != chosen else [])
    below = list(visible.filter(parent=unit).active_on(today).order_by("name"))
    ranking_period = _period_from(request, "period", _default_ranking_period(measure, below, last, today))
    ranked = charts.ranking(measure, below, ranking_period, today) if below else []
    target = target_for(measure, chosen, last)
    trend = charts.trend(measure, trend_units, periods, today)
    page = Paginator(_values_queryset(request, measure, unit), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "measures/detail.html",
        {
            "measure": measure,
            "unit": unit,
            "chosen": chosen,
            "compare": compare,
            "unit_choices": visible.filter(path__startswith=unit.path).active_on(today).order_by("path")[:500],
            "trend": trend,
            "trend_rows": charts.trend_rows(measure, trend),
            "periods": periods,
            "ranking_period": ranking_period,
            "ranked": ranked,
            "ranking_chart": charts.ranking_chart(measure, ranked, ranking_period),
            "target": target,
            "target_rule": rule_text(target) if target else "",
            "page_obj": page,
            "statuses": MeasureValue.Status.choices,
            "can_reopen": can(request.user, Action.ADMINISTER, unit),
        },
    )


@login_required
def export(request: HttpRequest, code: str) -> HttpResponse:
    measure = get_object_or_404(Measure, code=code)
    unit = _unit_or_404(request)
    headers = [
        "Mã đơn vị", "Đơn vị", "Kỳ", "Tử số", "Mẫu số", "Giá trị", "Trạng thái",
        "Người nhập", "Nhập lúc", "Người duyệt", "Duyệt lúc", "Ghi chú",
    ]  # fmt: skip
    rows = (
        [
            value.unit.code,
            value.unit.name,
            value.period_key,
            value.numerator,
            value.denominator,
            value.computed_value(),
            value.get_status_display(),
            value.entered_by.display_name if value.entered_by else "",
            vn_date(value.entered_at),
            value.reviewed_by.display_name if value.reviewed_by else "",
            vn_date(value.reviewed_at),
            value.note,
        ]
        for value in _values_queryset(request, measure, unit).iterator()
    )
    content = write_xlsx(headers, rows, "Số liệu")
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{measure.code}.xlsx"'
    return response


@login_required
def unit_scorecard(request: HttpRequest, unit_id: int | None = None) -> HttpResponse:
    if unit_id is None:
        unit = _unit_or_404(request)
    else:
        unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=unit_id)
    today = timezone.localdate()
    return render(
        request, "measures/scorecard.html", {"unit": unit, "groups": scorecard.build(unit, today), "today": today}
    )
