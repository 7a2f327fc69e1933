"""Administration: the working calendar, the rules, saved import profiles and connected systems."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc.dossiers import calendar_store, services
from cchc.dossiers.forms import ApiClientForm, CalendarDayForm, ProfileForm, SettingsForm
from cchc.dossiers.models import ApiClient, CalendarDay, CalendarYear, DossierSettings, SavedImportProfile
from cchc.dossiers.parsing import DEFAULT_PROFILE, FIELD_NAMES
from cchc.dossiers.permissions import require_administer
from cchc.organisation.models import Unit


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    require_administer(request.user)
    today = timezone.localdate()
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 1990 <= int(year_text) <= 2100 else today.year
    calendar_store.ensure_years([year])
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_calendar_day(
                actor=request.user,
                day=form.cleaned_data["day"],
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, "Đã lưu ngày đặc biệt; số liệu hồ sơ đang được tính lại.")
            return redirect(f"{reverse('dossiers:calendar')}?year={form.cleaned_data['day'].year}")
    working = calendar_store.build_calendar(year, year)
    days = list(CalendarDay.objects.filter(year=year))
    return render(
        request,
        "dossiers/calendar.html",
        {
            "form": form,
            "year": year,
            "years": range(today.year - 3, today.year + 3),
            "days": days,
            "version": CalendarYear.objects.filter(year=year).first(),
            "working_days": len(working.working_days_in_year(year)),
            "settings": DossierSettings.current(),
        },
    )


@login_required
@require_POST
def calendar_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_administer(request.user)
    calendar_day = get_object_or_404(CalendarDay, pk=pk)
    year = calendar_day.year
    services.delete_calendar_day(actor=request.user, calendar_day=calendar_day)
    messages.success(request, "Đã bỏ ngày đặc biệt; số liệu hồ sơ đang được tính lại.")
    return redirect(f"{reverse('dossiers:calendar')}?year={year}")


@login_required
@require_POST
def calendar_reseed(request: HttpRequest) -> HttpResponse:
    require_administer(request.user)
    year_text = request.POST.get("year", "")
    if not year_text.isdigit():
        messages.error(request, "Năm không hợp lệ.")
        return redirect("dossiers:calendar")
    changed = services.reseed_year(actor=request.user, year=int(year_text))
    messages.success(request, f"Đã nạp lại ngày lễ năm {year_text} từ thư viện: {changed} ngày thay đổi.")
    return redirect(f"{reverse('dossiers:calendar')}?year={year_text}")


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    require_administer(request.user)
    settings_row = DossierSettings.current()
    initial = {
        "max_supplement_requests_before_late": settings_row.max_supplement_requests_before_late,
        "apology_working_days_before_due": settings_row.apology_working_days_before_due,
        "warning_working_days": settings_row.warning_working_days,
        "formula_766": json.dumps(settings_row.formula_766, ensure_ascii=False, indent=2),
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(actor=request.user, values=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, "Đã lưu quy tắc tính; nếu quy tắc đổi, số liệu hồ sơ đang được tính lại.")
            return redirect("dossiers:rules")
    return render(request, "dossiers/rules.html", {"form": form, "settings": settings_row})


@login_required
def profiles(request: HttpRequest) -> HttpResponse:
    require_administer(request.user)
    return render(
        request,
        "dossiers/profiles.html",
        {
            "profiles": SavedImportProfile.objects.order_by("name"),
            "default_headers": [(name, DEFAULT_PROFILE.label(name)) for name in FIELD_NAMES],
        },
    )


@login_required
def profile_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_administer(request.user)
    profile = get_object_or_404(SavedImportProfile, pk=pk) if pk else None
    initial: dict[str, str] = {}
    if profile is not None:
        initial = {"name": profile.name} | {f"header_{name}": value for name, value in profile.headers.items()}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_profile(
                actor=request.user, name=form.cleaned_data["name"], headers=form.headers(), profile=profile
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, "Đã lưu mẫu tệp nhập.")
            return redirect("dossiers:profiles")
    return render(request, "dossiers/profile_form.html", {"form": form, "profile": profile})


@login_required
@require_POST
def profile_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_administer(request.user)
    services.delete_profile(actor=request.user, profile=get_object_or_404(SavedImportProfile, pk=pk))
    messages.success(request, "Đã xóa mẫu tệp nhập.")
    return redirect("dossiers:profiles")


@login_required
def clients(request: HttpRequest) -> HttpResponse:
    require_administer(request.user)
    form = ApiClientForm(request.POST or None, units=Unit.objects.order_by("path"))
    token = None
    if request.method == "POST" and form.is_valid():
        client, token = services.create_api_client(
            actor=request.user, name=form.cleaned_data["name"], unit=form.cleaned_data["unit"]
        )
        messages.success(request, f"Đã tạo kết nối «{client.name}». Sao chép mã khóa ngay: mã chỉ hiện một lần.")
        form = ApiClientForm(units=Unit.objects.order_by("path"))
    return render(
        request,
        "dossiers/clients.html",
        {
            "form": form,
            "token": token,
            "clients": ApiClient.objects.select_related("unit").order_by("name"),
            "endpoint": request.build_absolute_uri(reverse("dossiers:push")),
        },
    )


@login_required
@require_POST
def client_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    require_administer(request.user)
    client = get_object_or_404(ApiClient, pk=pk)
    services.set_api_client_active(actor=request.user, client=client, active=not client.is_active)
    messages.success(request, f"Đã {'bật' if client.is_active else 'tắt'} kết nối «{client.name}».")
    return redirect("dossiers:clients")
