"""Reading dossiers: the dashboard, breakdowns, drill-down lists, a dossier, warnings, definitions, exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from cchc.dossiers import calendar_store, kpis, overview
from cchc.dossiers.classify import CLASS_LABELS_VI, OVERDUE, open_class
from cchc.dossiers.kpi_math import KpiCounts
from cchc.dossiers.measures_provider import RATES
from cchc.dossiers.models import CalendarDay, Dossier, DossierSettings, Field
from cchc.dossiers.permissions import can_administer, can_import
from cchc.dossiers.screens import FIGURES, WARNINGS, Selection, figure_condition, period_choices, selection
from cchc.organisation.tabular import write_xlsx

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
WARNING_PREVIEW = 20

COUNT_COLUMNS = [
    ("received", "Tiếp nhận"),
    ("settled", "Đã giải quyết"),
    ("early", "Trước hạn"),
    ("on_time", "Đúng hạn"),
    ("late", "Trễ hạn"),
    ("overdue", "Quá hạn"),
    ("in_progress", "Đang giải quyết trong hạn"),
    ("apologised", "Trễ, quá hạn đã xin lỗi"),
    ("apologised_in_time", "Xin lỗi đúng thời hạn"),
    ("online", "Trực tuyến"),
    ("online_full", "Trực tuyến toàn trình"),
    ("components_digitised", "Số hóa thành phần"),
    ("results_digitised", "Số hóa kết quả"),
    ("with_fee", "Có nghĩa vụ tài chính"),
    ("paid_online", "Thanh toán trực tuyến"),
]
RATE_COLUMNS = [(measure.key, measure.name + " (%)") for measure in RATES]


def _xlsx(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str) -> HttpResponse:
    response = HttpResponse(
        write_xlsx(headers, list(rows), title),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _count_row(label: Sequence[Any], counts: KpiCounts) -> list[Any]:
    rates = counts.rates()
    return [
        *label,
        *(getattr(counts, key) for key, _title in COUNT_COLUMNS),
        *(rates[key] for key, _title in RATE_COLUMNS),
        rates["average_processing_days"],
    ]


def _count_headers(*labels: str) -> list[str]:
    return [
        *labels,
        *(title for _key, title in COUNT_COLUMNS),
        *(title for _key, title in RATE_COLUMNS),
        "Số ngày làm việc trung bình",
    ]


def _base_context(request: HttpRequest, chosen: Selection) -> dict[str, Any]:
    return {
        "selection": chosen,
        "unit": chosen.unit,
        "period": chosen.period,
        "period_groups": period_choices(timezone.localdate()),
        "can_import": can_import(request.user),
        "can_administer": can_administer(request.user),
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    chosen = selection(request)
    context = _base_context(request, chosen)
    context["overview"] = overview.build(chosen, request.user)
    return render(request, "dossiers/index.html", context)


def _procedure_groups(chosen: Selection, field_id: int | None) -> list[kpis.KpiGroup]:
    groups = kpis.kpis(chosen.unit, chosen.period.start, chosen.period.end, chosen.as_of, by=["procedure"])
    if field_id is not None:
        procedure_ids = set(Field.objects.get(pk=field_id).procedures.values_list("pk", flat=True))
        groups = [group for group in groups if group.procedure_id in procedure_ids]
    return sorted(groups, key=lambda group: (-group.counts.received, group.labels.get("procedure_code", "")))


def _field_filter(request: HttpRequest) -> Field | None:
    value = request.GET.get("field", "")
    return get_object_or_404(Field, pk=int(value)) if value.isdigit() else None


@login_required
def procedures(request: HttpRequest) -> HttpResponse:
    chosen = selection(request)
    field = _field_filter(request)
    context = _base_context(request, chosen)
    context.update(
        groups=_procedure_groups(chosen, field.pk if field else None),
        field=field,
        fields=Field.objects.order_by("name"),
    )
    return render(request, "dossiers/procedures.html", context)


@login_required
def export_table(request: HttpRequest, table: str) -> HttpResponse:
    chosen = selection(request)
    unit, period, as_of = chosen.unit, chosen.period, chosen.as_of
    stem = f"ho-so-{unit.code}-{period.key.replace('..', '_')}"
    if table == "don-vi":
        built = overview.build(chosen, request.user)
        rows = [_count_row([row.unit.code, row.unit.name], row.counts) for row in built.children]
        rows.append(_count_row([unit.code, f"Cộng {unit.name}"], built.counts))
        return _xlsx(f"{stem}-don-vi.xlsx", _count_headers("Mã đơn vị", "Đơn vị"), rows, "Theo đơn vị")
    if table == "linh-vuc":
        groups = kpis.kpis(unit, period.start, period.end, as_of, by=["field"])
        rows = [_count_row([group.labels.get("field", "")], group.counts) for group in groups]
        return _xlsx(f"{stem}-linh-vuc.xlsx", _count_headers("Lĩnh vực"), rows, "Theo lĩnh vực")
    if table == "thu-tuc":
        field = _field_filter(request)
        groups = _procedure_groups(chosen, field.pk if field else None)
        rows = [
            _count_row(
                [
                    group.labels.get("procedure_code", ""),
                    group.labels.get("procedure_name", ""),
                    group.labels.get("field", ""),
                ],
                group.counts,
            )
            for group in groups
        ]
        return _xlsx(f"{stem}-thu-tuc.xlsx", _count_headers("Mã TTHC", "Tên TTHC", "Lĩnh vực"), rows, "Theo thủ tục")
    if table == "thang":
        start, end = overview.trend_window(period)
        months = kpis.monthly_totals(unit, start, end, as_of)
        rows = [
            _count_row([f"{group.month[5:7]}/{group.month[:4]}" if group.month else ""], group.counts)
            for group in months
        ]
        return _xlsx(f"{stem}-thang.xlsx", _count_headers("Tháng"), rows, "Theo tháng")
    raise Http404("Không có bảng này.")


# Drill-down lists.


def _due_soon_until(today: dt.date) -> dt.date:
    calendar = calendar_store.current_calendar()
    return calendar.add_working_days(today, DossierSettings.current().warning_working_days)


def _list_queryset(request: HttpRequest, chosen: Selection, figure: str) -> QuerySet[Dossier]:
    today = timezone.localdate()
    until = _due_soon_until(today) if figure == "due_soon" else None
    dossiers = Dossier.objects.visible_to(request.user).filter(unit__path__startswith=chosen.unit.path)
    if figure:
        dossiers = dossiers.filter(figure_condition(figure, chosen.period.start, chosen.cut, today, until))
    field = _field_filter(request)
    if field is not None:
        dossiers = dossiers.filter(procedure__field=field)
    procedure = request.GET.get("procedure", "").strip()
    if procedure:
        dossiers = dossiers.filter(procedure__code=procedure)
    code = request.GET.get("q", "").strip()
    if code:
        dossiers = dossiers.filter(code__icontains=code)
    order = (
        ("due_day", "code") if figure in WARNINGS or figure in ("overdue", "in_progress") else ("-received_at", "-id")
    )
    return dossiers.select_related("unit", "procedure").order_by(*order)


@login_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    chosen = selection(request)
    figure = request.GET.get("figure", "")
    if figure and figure not in FIGURES:
        raise Http404("Không có chỉ tiêu này.")
    dossiers = _list_queryset(request, chosen, figure)
    if request.GET.get("export"):
        return _export_dossiers(dossiers, f"ho-so-{chosen.unit.code}-{figure or 'tat-ca'}.xlsx")
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = _base_context(request, chosen)
    context.update(
        page_obj=page,
        figure=figure,
        figure_label=FIGURES.get(figure, "Tất cả hồ sơ"),
        figures=FIGURES,
        fields=Field.objects.order_by("name"),
        field=_field_filter(request),
        today=timezone.localdate(),
    )
    return render(request, "dossiers/list.html", context)


EXPORT_HEADERS = [
    "Mã hồ sơ",
    "Mã đơn vị",
    "Đơn vị",
    "Mã TTHC",
    "Tên TTHC",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc xử lý",
    "Ngày trả kết quả",
    "Kênh nộp",
    "Mức độ trực tuyến",
    "Số hóa thành phần",
    "Số hóa kết quả",
    "Có nghĩa vụ tài chính",
    "Thanh toán trực tuyến",
    "Số lần yêu cầu bổ sung",
    "Ngày xin lỗi",
    "Xin lỗi đúng hạn",
    "Kết quả giải quyết",
    "Số ngày làm việc",
    "Trạng thái",
]


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value).replace(tzinfo=None) if value is not None else None


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("có" if value else "không")


def _export_dossiers(dossiers: QuerySet[Dossier], filename: str) -> HttpResponse:
    rows = [
        [
            dossier.code,
            dossier.unit.code,
            dossier.unit.name,
            dossier.procedure.code,
            dossier.procedure.name,
            _local(dossier.received_at),
            _local(dossier.due_at),
            _local(dossier.finished_at),
            _local(dossier.returned_at),
            dossier.get_channel_display() if dossier.channel else "",
            dossier.get_online_level_display() if dossier.online_level else "",
            _yes_no(dossier.components_digitised),
            _yes_no(dossier.result_digitised),
            _yes_no(dossier.has_fee),
            _yes_no(dossier.paid_online),
            dossier.supplement_requests,
            dossier.apology_date,
            _yes_no(dossier.apology_in_time),
            dossier.get_outcome_display(),
            dossier.processing_working_days,
            dossier.status,
        ]
        for dossier in dossiers[:EXPORT_LIMIT]
    ]
    return _xlsx(filename, EXPORT_HEADERS, rows, "Hồ sơ")


@login_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = get_object_or_404(
        Dossier.objects.visible_to(request.user).select_related("unit", "procedure", "procedure__field"), pk=pk
    )
    today = timezone.localdate()
    state = dossier.get_outcome_display()
    if dossier.end_day is None:
        state = CLASS_LABELS_VI[open_class(dossier.due_day, today)]
    return render(
        request,
        "dossiers/detail.html",
        {
            "dossier": dossier,
            "state": state,
            "is_overdue": dossier.end_day is None and open_class(dossier.due_day, today) == OVERDUE,
            "settings": DossierSettings.current(),
        },
    )


@login_required
def warnings(request: HttpRequest) -> HttpResponse:
    chosen = selection(request)
    sections = []
    for figure in WARNINGS:
        dossiers = _list_queryset(request, chosen, figure)
        preview = list(dossiers[: WARNING_PREVIEW + 1])
        sections.append(
            {
                "figure": figure,
                "label": FIGURES[figure],
                "dossiers": preview[:WARNING_PREVIEW],
                "more": len(preview) > WARNING_PREVIEW,
                "url": chosen.list_url(figure),
            }
        )
    context = _base_context(request, chosen)
    context.update(
        sections=sections,
        warning_days=DossierSettings.current().warning_working_days,
        today=timezone.localdate(),
    )
    return render(request, "dossiers/warnings.html", context)


@login_required
def definitions(request: HttpRequest) -> HttpResponse:
    settings_row = DossierSettings.current()
    year = timezone.localdate().year
    return render(
        request,
        "dossiers/definitions.html",
        {
            "settings": settings_row,
            "rates": RATES,
            "holidays": CalendarDay.objects.filter(year=year),
            "year": year,
            "formula_groups": _formula_rows(settings_row.formula_766),
            "can_administer": can_administer(request.user),
        },
    )


def _formula_rows(formula: dict[str, Any]) -> list[tuple[str, list[str]]]:
    names = {measure.key: measure.name for measure in RATES}
    rows = []
    for group in formula.get("groups", {}).values():
        parts = []
        for part in group.get("parts", []):
            name = names.get(part.get("measure", ""), part.get("measure", ""))
            if "tiers" in part:
                tiers = "; ".join(f"từ {tier['at_least']}%: {tier['points']} điểm" for tier in part["tiers"])
                parts.append(f"{name}: {tiers}")
            else:
                full = Decimal(str(part.get("full_marks_at", "100")))
                parts.append(f"{name}: tối đa {part['points']} điểm, đạt tối đa khi tỷ lệ từ {full}%")
        rows.append((group.get("label", ""), parts))
    return rows
