"""Reporting figures: entry by the responsible unit, evidence download, review by the superior unit,
reopening, and who has not reported yet. Writes go through cchc.measures.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc.accounts.access import Action, can, member_units
from cchc.measures import services
from cchc.measures.forms import ReopenForm, ReviewForm, ValueForm
from cchc.measures.models import Measure, MeasureValue
from cchc.measures.periods import Period, for_kind, latest_complete, parse
from cchc.measures.reminders import deadline
from cchc.measures.views import PAGE_SIZE, _unit_or_404
from cchc.organisation.models import Unit

CHOICE_PERIODS = 12
REPORTED = (MeasureValue.Status.SUBMITTED, MeasureValue.Status.APPROVED)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _recent_months(today: Any) -> list[Period]:
    periods = [latest_complete("month", today)]
    for _step in range(CHOICE_PERIODS - 1):
        periods.append(periods[-1].previous())
    return periods


def _selected_period(request: HttpRequest, periods: list[Period]) -> Period:
    text = request.GET.get("period", "").strip()
    try:
        return parse(text) if text else periods[0]
    except ValueError:
        return periods[0]


def reported_measures_for(unit: Unit) -> list[Measure]:
    measures = Measure.objects.filter(source=Measure.Source.REPORTED, is_active=True)
    return [measure for measure in measures if measure.reporting_level in ("", unit.kind.level)]


@login_required
def entry(request: HttpRequest) -> HttpResponse:
    unit = _unit_or_404(request)
    periods = _recent_months(timezone.localdate())
    return _render_entry(request, unit, _selected_period(request, periods), periods)


def _render_entry(
    request: HttpRequest,
    unit: Unit,
    period: Period,
    periods: list[Period],
    bound: ValueForm | None = None,
    status: int = 200,
) -> HttpResponse:
    measures = reported_measures_for(unit)
    keys = {measure.pk: for_kind(measure.periodicity, period.start).key for measure in measures}
    stored = {
        value.measure_id: value
        for value in MeasureValue.objects.filter(
            unit=unit, measure__in=measures, period_key__in=set(keys.values())
        ).select_related("entered_by", "reviewed_by")
        if value.period_key == keys[value.measure_id]
    }
    items = []
    for measure in measures:
        own_period = for_kind(measure.periodicity, period.start)
        value = stored.get(measure.pk)
        form = bound if bound is not None and bound.measure.pk == measure.pk else None
        items.append(
            {
                "measure": measure,
                "period": own_period,
                "deadline": deadline(measure, own_period),
                "value": value,
                "form": form or ValueForm(measure=measure, stored=value),
            }
        )
    return render(
        request,
        "measures/entry.html",
        {
            "unit": unit,
            "period": period,
            "periods": periods if period in periods else [period, *periods],
            "items": items,
            "can_edit": can(request.user, Action.EDIT, unit),
        },
        status=status,
    )


@login_required
@require_POST
def enter(request: HttpRequest, code: str, period_key: str) -> HttpResponse:
    unit = _unit_or_404(request)
    measure = get_object_or_404(Measure, code=code, source=Measure.Source.REPORTED)
    try:
        period = parse(period_key)
    except ValueError as error:
        raise Http404(str(error)) from error
    if not can(request.user, Action.EDIT, unit):
        raise PermissionDenied("Bạn không có quyền nhập số liệu cho đơn vị này.")
    form = ValueForm(request.POST, request.FILES, measure=measure)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.enter_value(
                actor=request.user,
                measure=measure,
                unit=unit,
                period=period,
                numerator=data.get("numerator"),
                denominator=data.get("denominator"),
                value=data.get("value"),
                note=data.get("note", ""),
                evidence=data.get("evidence") or None,
                submit="submit" in request.POST,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            sent = "và gửi cấp trên duyệt" if "submit" in request.POST else "(chưa gửi duyệt)"
            messages.success(request, f"Đã lưu số liệu «{measure.name}» {period.label.lower()} {sent}.")
            return redirect(f"{reverse('measures:entry')}?period={period.key}#m{measure.pk}")
    periods = _recent_months(timezone.localdate())
    return _render_entry(request, unit, period, periods, bound=form, status=400)


def _visible_value(request: HttpRequest, pk: int) -> MeasureValue:
    return get_object_or_404(MeasureValue.objects.visible_to(request.user).select_related("measure", "unit"), pk=pk)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    value = _visible_value(request, pk)
    try:
        services.submit_value(actor=request.user, value=value)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"Đã gửi duyệt số liệu «{value.measure.name}».")
    return redirect(f"{reverse('measures:entry')}?period={value.period_key}#m{value.measure_id}")


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    value = _visible_value(request, pk)
    if not value.evidence:
        raise Http404("Số liệu này không có tệp minh chứng.")
    filename = value.evidence.name.rsplit("/", 1)[-1]
    return FileResponse(value.evidence.open("rb"), as_attachment=True, filename=filename)


def _review_queryset(request: HttpRequest) -> QuerySet[MeasureValue]:
    own = [unit.pk for unit in member_units(request.user)]
    values = (
        MeasureValue.objects.for_action(request.user, Action.REVIEW)
        .filter(status=MeasureValue.Status.SUBMITTED)
        .exclude(unit__in=own)
        .select_related("measure", "unit", "entered_by")
        .order_by("period_start", "measure__code", "unit__path")
    )
    if code := request.GET.get("measure", "").strip():
        values = values.filter(measure__code=code)
    if period_text := request.GET.get("period", "").strip():
        try:
            values = values.filter(period_key=parse(period_text).key)
        except ValueError:
            values = values.none()
    return values


@login_required
def review(request: HttpRequest) -> HttpResponse:
    page = Paginator(_review_queryset(request), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "measures/review.html",
        {
            "page_obj": page,
            "measures": Measure.objects.filter(source=Measure.Source.REPORTED, is_active=True),
            "selected_measure": request.GET.get("measure", ""),
            "selected_period": request.GET.get("period", ""),
            "form": ReviewForm(),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    value = _visible_value(request, pk)
    form = ReviewForm(request.POST)
    note = form.cleaned_data["review_note"] if form.is_valid() else ""
    try:
        if request.POST.get("decision") == "return":
            services.return_value(actor=request.user, value=value, note=note)
            messages.success(request, f"Đã trả lại số liệu «{value.measure.name}» của {value.unit.name}.")
        else:
            services.approve_value(actor=request.user, value=value, note=note)
            messages.success(request, f"Đã duyệt số liệu «{value.measure.name}» của {value.unit.name}.")
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect(_back_to_review(request))


@login_required
@require_POST
def approve_selected(request: HttpRequest) -> HttpResponse:
    ids = [int(pk) for pk in request.POST.getlist("values") if pk.isdigit()]
    chosen = MeasureValue.objects.visible_to(request.user).filter(pk__in=ids).select_related("measure", "unit")
    approved, refused = 0, []
    for value in chosen:
        try:
            services.approve_value(actor=request.user, value=value)
            approved += 1
        except (ValidationError, PermissionDenied) as error:
            refused.append(f"{value.unit.name} – {value.measure.name}: {error}")
    if approved:
        messages.success(request, f"Đã duyệt {approved} số liệu.")
    for text in refused[:10]:
        messages.error(request, text)
    if not approved and not refused:
        messages.warning(request, "Chưa chọn số liệu nào để duyệt.")
    return redirect(_back_to_review(request))


def _back_to_review(request: HttpRequest) -> str:
    query = request.POST.get("query", "")
    return f"{reverse('measures:review')}?{query}" if query else reverse("measures:review")


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    value = _visible_value(request, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Hãy ghi lý do mở lại số liệu đã duyệt.")
    else:
        try:
            services.reopen_value(actor=request.user, value=value, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request, f"Đã mở lại số liệu «{value.measure.name}» kỳ {value.period_key} của {value.unit.name}."
            )
    return redirect("measures:detail", code=value.measure.code)


@login_required
def missing(request: HttpRequest) -> HttpResponse:
    unit = _unit_or_404(request)
    today = timezone.localdate()
    periods = _recent_months(today)
    period = _selected_period(request, periods)
    measures = list(Measure.objects.filter(source=Measure.Source.REPORTED, is_active=True))
    levels = {measure.reporting_level for measure in measures}
    units = Unit.objects.visible_to(request.user).filter(path__startswith=unit.path).exclude(pk=unit.pk)
    units = units.active_on(today)
    if "" not in levels:
        units = units.filter(kind__level__in=levels)
    statuses = {
        (unit_id, measure_id): status
        for unit_id, measure_id, status in MeasureValue.objects.filter(
            unit__in=units, measure__in=measures, period_key=period.key
        ).values_list("unit_id", "measure_id", "status")
    }
    rows = []
    for below in units.order_by("path"):
        cells = [statuses.get((below.pk, measure.pk), "") for measure in measures]
        rows.append({"unit": below, "cells": cells, "complete": all(cell in REPORTED for cell in cells)})
    complete = sum(1 for row in rows if row["complete"])
    show_all = request.GET.get("all") == "1"
    shown = rows if show_all else [row for row in rows if not row["complete"]]
    due = deadline(measures[0], period) if measures else None
    return render(
        request,
        "measures/missing.html",
        {
            "unit": unit,
            "period": period,
            "periods": periods if period in periods else [period, *periods],
            "measures": measures,
            "page_obj": Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page")),
            "total": len(rows),
            "complete": complete,
            "show_all": show_all,
            "deadline": due,
            "overdue": due is not None and today > due,
            "status_labels": dict(MeasureValue.Status.choices),
        },
    )
