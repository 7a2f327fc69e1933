"""The self-assessment screen: declare, score, explain, attach evidence, submit; inline saves with htmx."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc.accounts.access import Action, can
from cchc.assessment import screens, services
from cchc.assessment.forms import AnswerForm, EvidenceUploadForm
from cchc.assessment.models import Criterion, Evidence, EvidenceLink, Round, RoundUnit
from cchc.assessment.views.common import error_messages, flash_errors, get_round_unit, is_htmx, oversees
from cchc.core.current import current_unit


def _leaf(entry: RoundUnit, criterion_pk: int) -> Criterion:
    return get_object_or_404(Criterion, pk=criterion_pk, criteria_set_id=entry.round.criteria_set_id, is_leaf=True)


def _back(entry: RoundUnit, criterion: Criterion | None = None) -> HttpResponse:
    url = reverse("assessment:self_assessment", args=[entry.pk])
    return redirect(f"{url}#leaf-{criterion.pk}" if criterion else url)


@login_required
def my_assessment(request: HttpRequest) -> HttpResponse:
    """The current unit's entry in the latest round still in progress (the menu's shortcut)."""
    unit = current_unit(request)
    entry = (
        RoundUnit.objects.visible_to(request.user)
        .filter(unit=unit, round__status=Round.Status.IN_PROGRESS)
        .order_by("-round__year", "-round__created_at")
        .first()
    )
    if entry is None:
        messages.info(request, "Đơn vị đang chọn không tham gia đợt đánh giá nào đang diễn ra.")
        return redirect("assessment:index")
    return redirect("assessment:self_assessment", pk=entry.pk)


def _context(request: HttpRequest, entry: RoundUnit, screen: screens.Screen) -> dict:  # type: ignore[type-arg]
    user = request.user
    editable = screen.self_assessment_editable
    return {
        "entry": entry,
        "round": entry.round,
        "screen": screen,
        "can_edit": editable and can(user, Action.EDIT, entry.unit),
        "can_answer": can(user, Action.EDIT, entry.unit) and not entry.round.is_published,
        "can_submit": editable and can(user, Action.SUBMIT, entry.unit),
        "can_appraise": can(user, Action.APPRAISE, entry.unit),
        "oversees": oversees(user, entry.round),
        "current_phase": screens.current_phase_label(screen),
    }


@login_required
def self_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_round_unit(request, pk)
    screen = screens.build(entry, timezone.localdate())
    context = _context(request, entry, screen)
    context["upload_form"] = EvidenceUploadForm(initial={"year": entry.round.year})
    context["answer_form"] = AnswerForm()
    return render(request, "assessment/self_assessment.html", context)


@login_required
@require_POST
def leaf_save(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    entry = get_round_unit(request, pk)
    criterion = _leaf(entry, criterion_pk)
    errors: list[str] = []
    try:
        services.save_self_score(
            actor=request.user,
            round_unit=entry,
            criterion=criterion,
            declared=request.POST.get("declared"),
            not_applicable=request.POST.get("not_applicable") == "1",
            explanation=request.POST.get("explanation", ""),
        )
    except ValidationError as error:
        errors = error_messages(error)
    if not is_htmx(request):
        for message in errors:
            messages.error(request, message)
        if not errors:
            messages.success(request, f"Đã lưu tiêu chí {criterion.code}.")
        return _back(entry, criterion)
    entry.refresh_from_db(fields=["state"])
    row, screen = screens.row_for(entry, criterion, timezone.localdate())
    context = _context(request, entry, screen)
    context.update({"row": row, "errors": errors, "saved": not errors, "oob_progress": True})
    return render(request, "assessment/_leaf_row.html", context)


@login_required
@require_POST
def leaf_evidence(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    """Attach a document from the unit's library, or upload a new one into the library and attach it."""
    entry = get_round_unit(request, pk)
    criterion = _leaf(entry, criterion_pk)
    try:
        with transaction.atomic():
            if request.POST.get("evidence"):
                evidence = get_object_or_404(Evidence, pk=request.POST["evidence"], unit=entry.unit)
            else:
                form = EvidenceUploadForm(request.POST, request.FILES)
                if not form.is_valid():
                    raise ValidationError([f"{error}" for errors in form.errors.values() for error in errors])
                evidence = services.upload_evidence(
                    actor=request.user,
                    unit=entry.unit,
                    upload=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                    year=form.cleaned_data["year"],
                )
            services.link_evidence(actor=request.user, round_unit=entry, criterion=criterion, evidence=evidence)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, f"Đã gắn «{evidence.title}» cho tiêu chí {criterion.code}.")
    return _back(entry, criterion)


@login_required
@require_POST
def evidence_unlink(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    entry = get_round_unit(request, pk)
    link = get_object_or_404(
        EvidenceLink.objects.visible_to(request.user).select_related("leaf_score__criterion"),
        pk=link_pk,
        leaf_score__round_unit=entry,
    )
    criterion = link.leaf_score.criterion
    try:
        services.unlink_evidence(actor=request.user, link=link)
        messages.success(request, f"Đã gỡ minh chứng khỏi tiêu chí {criterion.code}.")
    except ValidationError as error:
        flash_errors(request, error)
    return _back(entry, criterion)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_round_unit(request, pk)
    try:
        services.submit_round_unit(actor=request.user, round_unit=entry)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, f"Đã gửi tự đánh giá của {entry.unit.name} tới cấp trên thẩm định.")
    return _back(entry)


@login_required
@require_POST
def refresh_measures(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_round_unit(request, pk)
    try:
        changed = services.refresh_measure_scores(actor=request.user, round_unit=entry)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, f"Đã cập nhật số liệu cho {changed} tiêu chí lấy từ chỉ số.")
    return _back(entry)
