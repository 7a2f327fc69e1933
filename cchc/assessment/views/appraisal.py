"""The appraisal screen: accept or adjust each leaf with a note, request evidence; the unit's answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc.accounts.access import Action, can
from cchc.assessment import screens, services
from cchc.assessment.forms import AnswerForm, EvidenceRequestForm
from cchc.assessment.models import Criterion, EvidenceRequest, Phase, RoundUnit
from cchc.assessment.views.common import error_messages, flash_errors, get_round_unit, is_htmx

Kind = Phase.Kind


def _appraisable(request: HttpRequest, pk: int) -> RoundUnit:
    entry = get_round_unit(request, pk)
    if not can(request.user, Action.APPRAISE, entry.unit):
        raise PermissionDenied("Bạn không có quyền thẩm định đơn vị này.")
    return entry


def _context(entry: RoundUnit, screen: screens.Screen) -> dict:  # type: ignore[type-arg]
    return {
        "entry": entry,
        "round": entry.round,
        "screen": screen,
        "appraisal_open": screen.is_open(Kind.APPRAISAL),
        "second_open": entry.round.has_second_appraisal and screen.is_open(Kind.SECOND_APPRAISAL),
        "survey_open": screen.is_open(Kind.SURVEY_POINTS),
        "current_phase": screens.current_phase_label(screen),
    }


@login_required
def appraisal(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _appraisable(request, pk)
    screen = screens.build(entry, timezone.localdate())
    context = _context(entry, screen)
    context["request_form"] = EvidenceRequestForm()
    return render(request, "assessment/appraisal.html", context)


@login_required
@require_POST
def appraise(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    entry = _appraisable(request, pk)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, criteria_set_id=entry.round.criteria_set_id, is_leaf=True)
    marker = request.POST.get("not_applicable", "")
    errors: list[str] = []
    try:
        services.appraise_leaf(
            actor=request.user,
            round_unit=entry,
            criterion=criterion,
            points=request.POST.get("points"),
            note=request.POST.get("note", ""),
            accept=request.POST.get("action") == "accept",
            not_applicable={"1": True, "0": False}.get(marker),
            second=request.POST.get("second") == "1",
        )
    except ValidationError as error:
        errors = error_messages(error)
    if not is_htmx(request):
        for message in errors:
            messages.error(request, message)
        if not errors:
            messages.success(request, f"Đã lưu thẩm định tiêu chí {criterion.code}.")
        return redirect(reverse("assessment:appraisal", args=[entry.pk]) + f"#leaf-{criterion.pk}")
    row, screen = screens.row_for(entry, criterion, timezone.localdate())
    context = _context(entry, screen)
    context.update({"row": row, "errors": errors, "saved": not errors, "request_form": EvidenceRequestForm()})
    return render(request, "assessment/_appraisal_row.html", context)


@login_required
@require_POST
def request_evidence(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    entry = _appraisable(request, pk)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, criteria_set_id=entry.round.criteria_set_id, is_leaf=True)
    form = EvidenceRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Cần ghi nội dung yêu cầu bổ sung minh chứng.")
    else:
        try:
            services.request_evidence(
                actor=request.user, round_unit=entry, criterion=criterion, note=form.cleaned_data["note"]
            )
            messages.success(request, f"Đã gửi yêu cầu bổ sung minh chứng tiêu chí {criterion.code} tới đơn vị.")
        except ValidationError as error:
            flash_errors(request, error)
    return redirect(reverse("assessment:appraisal", args=[entry.pk]) + f"#leaf-{criterion.pk}")


@login_required
@require_POST
def answer_request(request: HttpRequest, request_pk: int) -> HttpResponse:
    evidence_request = get_object_or_404(
        EvidenceRequest.objects.visible_to(request.user).select_related("leaf_score__round_unit"), pk=request_pk
    )
    entry = evidence_request.leaf_score.round_unit
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Cần ghi nội dung trả lời.")
    else:
        try:
            services.answer_evidence_request(
                actor=request.user, evidence_request=evidence_request, answer=form.cleaned_data["answer"]
            )
            messages.success(request, "Đã gửi trả lời yêu cầu bổ sung minh chứng.")
        except ValidationError as error:
            flash_errors(request, error)
    return redirect(
        reverse("assessment:self_assessment", args=[entry.pk]) + f"#leaf-{evidence_request.leaf_score.criterion_id}"
    )
