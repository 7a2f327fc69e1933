"""Rounds: the list, creation, management of phases (deadlines, close, reopen) and publication."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc.accounts.access import Action, can, unit_filter_for_action
from cchc.assessment import phases, services
from cchc.assessment.forms import PhaseDatesForm, ReasonForm, ReopenForm, RoundCreateForm, ScoreImportForm
from cchc.assessment.models import Criterion, LeafScore, Phase, RoundUnit
from cchc.assessment.score_sheets import ScoreSheetError, export_scores, read_score_sheet
from cchc.assessment.views.common import flash_errors, get_round, manages, oversees, rounds_for
from cchc.organisation.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def index(request: HttpRequest) -> HttpResponse:
    rounds = rounds_for(request.user).annotate(unit_count=Count("round_units", distinct=True)).order_by("-year", "code")
    page = Paginator(rounds, 50).get_page(request.GET.get("page"))
    entries = {
        entry.round_id: entry
        for entry in RoundUnit.objects.visible_to(request.user)
        .filter(round__in=[round_.pk for round_ in page.object_list])
        .filter(unit__memberships__user=request.user)
        .select_related("unit")
    }
    can_create = Unit.objects.filter(unit_filter_for_action(request.user, Action.ADMINISTER)).exists()
    return render(request, "assessment/index.html", {"page_obj": page, "entries": entries, "can_create": can_create})


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    organisers = (
        Unit.objects.filter(unit_filter_for_action(request.user, Action.ADMINISTER))
        .filter(children__isnull=False)
        .distinct()
        .order_by("path")
    )
    if not organisers.exists():
        raise PermissionDenied("Chỉ quản trị viên được tạo đợt đánh giá.")
    form = RoundCreateForm(
        request.POST or None,
        organisers=organisers,
        rounds=rounds_for(request.user),
        initial={"year": timezone.localdate().year},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        criteria_set, organiser = data["criteria_set"], data["organiser"]
        units = Unit.objects.active_on().filter(path__startswith=organiser.path).exclude(pk=organiser.pk)
        kinds = criteria_set.unit_kinds or []
        units = units.filter(kind__code__in=kinds) if kinds else units.filter(kind__level="commune")
        try:
            created = services.create_round(
                actor=request.user,
                code=data["code"],
                name=data["name"],
                criteria_set=criteria_set,
                year=data["year"],
                units=list(units.select_related("kind").order_by("code")),
                previous=data["previous"],
                has_second_appraisal=data["has_second_appraisal"],
                organiser=organiser,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Đã tạo đợt đánh giá {created.name}.")
            return redirect("assessment:round", pk=created.pk)
    return render(request, "assessment/round_create.html", {"form": form})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round(request, pk)
    today = timezone.localdate()
    round_phases = list(Phase.objects.filter(round=round_).select_related("reopened_by").order_by("order"))
    entries = list(
        RoundUnit.objects.visible_to(request.user).filter(round=round_).select_related("unit").order_by("unit__code")
    )
    leaf_total = Criterion.objects.filter(criteria_set=round_.criteria_set, is_leaf=True, survey=False).count()
    scored = dict(
        LeafScore.objects.filter(round_unit__in=entries, criterion__survey=False)
        .filter(Q(self_points__isnull=False) | Q(not_applicable=True))
        .values("round_unit_id")
        .annotate(count=Count("pk"))
        .values_list("round_unit_id", "count")
    )
    is_manager = manages(request.user, round_)
    phase_items = [
        {
            "phase": phase,
            "state": phase.state_label(today),
            "appraiser_may_close": not round_.is_published and closes_appraisal(request.user, phase),
        }
        for phase in round_phases
    ]
    rows = [
        {
            "entry": entry,
            "scored": scored.get(entry.pk, 0),
            "can_appraise": can(request.user, Action.APPRAISE, entry.unit),
        }
        for entry in entries
    ]
    return render(
        request,
        "assessment/round_detail.html",
        {
            "round": round_,
            "phases": phase_items,
            "appraiser_actions": any(item["appraiser_may_close"] for item in phase_items),
            "current_phase": phases.current_phase(round_phases, today),
            "rows": rows,
            "leaf_total": leaf_total,
            "submitted": sum(1 for entry in entries if entry.is_submitted),
            "is_manager": is_manager and not round_.is_published,
            "oversees": oversees(request.user, round_),
            "dates_form": PhaseDatesForm(),
            "reopen_form": ReopenForm(),
            "import_form": ScoreImportForm(),
        },
    )


def closes_appraisal(user: Any, phase: Phase) -> bool:
    return phase.kind in services.APPRAISER_CLOSES and can(user, Action.CLOSE_APPRAISAL, phase.round.organiser)


def _managed_phase(request: HttpRequest, pk: int, phase_pk: int) -> Phase:
    round_ = get_round(request, pk)
    phase = get_object_or_404(Phase.objects.select_related("round__organiser"), pk=phase_pk, round=round_)
    if not manages(request.user, round_):
        raise PermissionDenied("Chỉ quản trị viên được thay đổi giai đoạn.")
    return phase


@login_required
@require_POST
def phase_dates(request: HttpRequest, pk: int, phase_pk: int) -> HttpResponse:
    phase = _managed_phase(request, pk, phase_pk)
    form = PhaseDatesForm(request.POST)
    if form.is_valid():
        try:
            services.set_phase_dates(
                actor=request.user,
                phase=phase,
                opens_on=form.cleaned_data["opens_on"],
                closes_on=form.cleaned_data["closes_on"],
            )
            messages.success(request, f"Đã lưu thời hạn giai đoạn «{phase.get_kind_display()}».")
        except ValidationError as error:
            flash_errors(request, error)
    else:
        messages.error(request, "Ngày không hợp lệ.")
    return redirect("assessment:round", pk=pk)


@login_required
@require_POST
def phase_close(request: HttpRequest, pk: int, phase_pk: int) -> HttpResponse:
    round_ = get_round(request, pk)
    phase = get_object_or_404(Phase.objects.select_related("round__organiser"), pk=phase_pk, round=round_)
    if not (manages(request.user, round_) or closes_appraisal(request.user, phase)):
        raise PermissionDenied("Bạn không được đóng giai đoạn này.")
    try:
        services.close_phase(actor=request.user, phase=phase)
        messages.success(request, f"Đã đóng giai đoạn «{phase.get_kind_display()}».")
    except ValidationError as error:
        flash_errors(request, error)
    return redirect("assessment:round", pk=pk)


@login_required
@require_POST
def phase_reopen(request: HttpRequest, pk: int, phase_pk: int) -> HttpResponse:
    phase = _managed_phase(request, pk, phase_pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Cần ghi lý do mở lại giai đoạn.")
        return redirect("assessment:round", pk=pk)
    try:
        services.reopen_phase(
            actor=request.user,
            phase=phase,
            reason=form.cleaned_data["reason"],
            closes_on=form.cleaned_data["closes_on"],
        )
        messages.success(request, f"Đã mở lại giai đoạn «{phase.get_kind_display()}».")
    except ValidationError as error:
        flash_errors(request, error)
    return redirect("assessment:round", pk=pk)


@login_required
@require_POST
def round_unit_reopen(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    round_ = get_round(request, pk)
    entry = get_object_or_404(
        RoundUnit.objects.visible_to(request.user).select_related("round", "unit"), pk=entry_pk, round=round_
    )
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Cần ghi lý do trả lại.")
    else:
        try:
            services.reopen_round_unit(actor=request.user, round_unit=entry, reason=form.cleaned_data["reason"])
            messages.success(request, f"Đã trả lại tự đánh giá cho {entry.unit.name}.")
        except ValidationError as error:
            flash_errors(request, error)
    return redirect("assessment:round", pk=pk)


@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round(request, pk)
    if not manages(request.user, round_):
        raise PermissionDenied("Chỉ quản trị viên được công bố kết quả.")
    if request.method == "POST":
        try:
            services.publish_round(actor=request.user, round_=round_)
        except ValidationError as error:
            flash_errors(request, error)
            return redirect("assessment:round", pk=pk)
        messages.success(request, f"Đã công bố kết quả {round_.name}.")
        return redirect("assessment:results", pk=pk)
    entries = RoundUnit.objects.filter(round=round_)
    return render(
        request,
        "assessment/publish.html",
        {
            "round": round_,
            "unit_count": entries.count(),
            "not_submitted": entries.filter(state=RoundUnit.State.DRAFT).select_related("unit").order_by("unit__code"),
            "not_appraised": entries.filter(state=RoundUnit.State.SUBMITTED).count(),
        },
    )


@login_required
def scores_export(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round(request, pk)
    if not oversees(request.user, round_):
        raise PermissionDenied("Chỉ cơ quan tổ chức đánh giá được xuất điểm của mọi đơn vị.")
    response = HttpResponse(export_scores(round_), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="diem-{round_.code}.xlsx"'
    return response


@login_required
def scores_import(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round(request, pk)
    if not manages(request.user, round_):
        raise PermissionDenied("Chỉ quản trị viên được nhập điểm hàng loạt.")
    form = ScoreImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_score_sheet(upload, round_, filename=upload.name)
            summary = services.import_scores(actor=request.user, round_=round_, rows=rows)
        except ScoreSheetError as error:
            errors = error.errors
        except ValidationError as error:
            errors = list(error.messages)
        else:
            messages.success(
                request,
                f"Đã nhập điểm: {summary.created} mới, {summary.updated} cập nhật, {summary.unchanged} không đổi.",
            )
            return redirect("assessment:round", pk=pk)
    return render(request, "assessment/scores_import.html", {"round": round_, "form": form, "errors": errors})
