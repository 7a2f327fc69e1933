"""Periodic reform reports: draft one as .docx, record that it was sent, see who below has reported;
and the reminder settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc.accounts.access import Action, can, require
from cchc.measures.periods import Period, PeriodKind, parse
from cchc.organisation.models import Unit
from cchc.plans import services
from cchc.plans.forms import ReminderSettingsForm, ReportForm
from cchc.plans.models import ReminderSettings, Report
from cchc.plans.reporting import REPORT_KINDS, annual_plan, report_docx_bytes, report_period
from cchc.plans.views import DOCX, PAGE_SIZE, unit_or_404

RECENT_PERIODS = 8


def _kind(request: HttpRequest) -> str:
    kind = request.GET.get("loai_ky", PeriodKind.QUARTER)
    return kind if kind in dict(REPORT_KINDS) else PeriodKind.QUARTER


def _recent_periods(kind: str, today) -> list[Period]:  # type: ignore[no-untyped-def]
    latest = report_period(kind, today)
    periods = [latest]
    for _step in range(RECENT_PERIODS - 1):
        periods.append(periods[-1].previous())
    return periods


def _period(request: HttpRequest, kind: str, today) -> Period:  # type: ignore[no-untyped-def]
    text = request.GET.get("ky", "").strip()
    if text:
        try:
            return parse(text)
        except ValueError as error:
            raise Http404(str(error)) from error
    return report_period(kind, today)


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    unit = unit_or_404(request)
    require(request.user, Action.VIEW, unit)
    today = timezone.localdate()
    kind = _kind(request)
    period = _period(request, kind, today)
    own = Report.objects.filter(unit=unit, period_key=period.key).select_related("sent_by").first()
    below = Unit.objects.filter(parent=unit).active_on(today).order_by("name")
    received = {
        report.unit_id: report
        for report in Report.objects.filter(unit__in=below, period_key=period.key).select_related("sent_by")
    }
    rows = [(child, received.get(child.pk)) for child in below]
    shown = request.GET.get("hien", "")
    if shown == "chua":
        rows = [row for row in rows if row[1] is None]
    elif shown == "da":
        rows = [row for row in rows if row[1] is not None]
    can_record = can(request.user, Action.MANAGE_PLANS, unit) or can(request.user, Action.SUBMIT, unit)
    form = ReportForm(initial={"period_key": period.key, "sent_on": today, "number": own.number if own else ""})
    return render(
        request,
        "plans/reports.html",
        {
            "unit": unit,
            "kind": kind,
            "kinds": REPORT_KINDS,
            "period": period,
            "periods": _recent_periods(kind, today),
            "own": own,
            "history": Report.objects.filter(unit=unit).order_by("-period_key")[:12],
            "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "below_total": below.count(),
            "received_count": len(received),
            "shown": shown,
            "form": form if can_record else None,
            "plan": annual_plan(unit, period.start.year),
        },
    )


@login_required
def report_draft(request: HttpRequest) -> HttpResponse:
    unit = unit_or_404(request)
    require(request.user, Action.VIEW, unit)
    today = timezone.localdate()
    period = _period(request, _kind(request), today)
    data = report_docx_bytes(unit, period, today)
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-cchc-{period.key}-{unit.code}.docx"'
    return response


@login_required
@require_POST
def record_report(request: HttpRequest) -> HttpResponse:
    unit = unit_or_404(request)
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect("plans:reports")
    period = parse(form.cleaned_data["period_key"])
    try:
        services.record_report(
            actor=request.user,
            unit=unit,
            period_key=period.key,
            period_kind=period.kind,
            plan=annual_plan(unit, period.start.year),
            number=form.cleaned_data["number"],
            sent_on=form.cleaned_data["sent_on"],
            document=form.cleaned_data.get("document"),
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Đã ghi nhận báo cáo {period.label.lower()} đã gửi cấp trên.")
    kind = period.kind if period.kind in dict(REPORT_KINDS) else PeriodKind.QUARTER
    return redirect(f"{reverse('plans:reports')}?loai_ky={kind}&ky={period.key}")


@login_required
def report_document(request: HttpRequest, pk: int) -> FileResponse:
    report = get_object_or_404(Report.objects.visible_to(request.user), pk=pk)
    if not report.document:
        raise Http404("Báo cáo này chưa đính kèm văn bản.")
    return FileResponse(report.document.open("rb"), as_attachment=True, filename=report.document_name or "bao-cao")


@login_required
def reminder_settings(request: HttpRequest) -> HttpResponse:
    if not services.can_edit_reminder_settings(request.user):
        raise PermissionDenied("Chỉ quản trị hệ thống được sửa cấu hình nhắc việc.")
    current = ReminderSettings.current()
    form = ReminderSettingsForm(
        request.POST or None,
        initial={
            "days_before": ", ".join(str(day) for day in current.days()),
            "remind_overdue": current.remind_overdue,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_reminder_settings(
                actor=request.user,
                days_before=form.cleaned_data["days_before"],
                remind_overdue=form.cleaned_data["remind_overdue"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("days_before", message)
        else:
            messages.success(request, "Đã lưu cấu hình nhắc việc.")
            return redirect("plans:reminder_settings")
    return render(request, "plans/reminder_settings.html", {"form": form, "current": current})
