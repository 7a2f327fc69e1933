"""Screens: the draft preview (save as plan), the target planner, the what-if, effort weights, the .docx.

Every page starts from what the user may see: the round (`Round.objects.visible_to`) and the unit
(`Unit.objects.visible_to`), so another commune's officer gets 404. Writes go through services,
which check the action again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from cchc.assessment.models import Round, RoundUnit
from cchc.core.current import current_unit
from cchc.organisation.models import Unit
from cchc.plans.models import Plan
from cchc.remediation import documents, services
from cchc.remediation.forms import target_form, what_if_changes
from cchc.remediation.models import RemediationPlan
from cchc.remediation.planner import PlanningError
from cchc.remediation.targets import (
    TargetAnswer,
    WhatIfAnswer,
    load_picture,
    plan_for,
    what_if_for,
    what_if_rows,
)

MAX_SHEET_BYTES = 2 * 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Place:
    round: Round
    unit: Unit
    entry: RoundUnit


def _place(request: HttpRequest, round_pk: int, unit_pk: int) -> Place:
    round_ = get_object_or_404(
        Round.objects.visible_to(request.user).select_related("criteria_set", "organiser", "organiser__kind"),
        pk=round_pk,
    )
    unit = get_object_or_404(Unit.objects.visible_to(request.user).select_related("kind", "parent"), pk=unit_pk)
    entry = RoundUnit.objects.filter(round=round_, unit=unit).first()
    if entry is None or not round_.is_published:
        raise Http404("Đơn vị không có kết quả đã công bố trong đợt này.")
    return Place(round_, unit, entry)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The current unit's published results with their remediation pages, and rounds to draft for below."""
    unit = current_unit(request)
    entries = []
    if unit is not None:
        entries = list(
            RoundUnit.objects.visible_to(request.user)
            .filter(unit=unit, round__status=Round.Status.PUBLISHED)
            .select_related("round")
            .order_by("-round__year")
        )
    plans = {
        link.round_id: link.plan
        for link in RemediationPlan.objects.visible_to(request.user).filter(plan__unit=unit).select_related("plan")
    }
    organised = []
    if unit is not None:
        organised = [
            round_
            for round_ in Round.objects.filter(organiser=unit, status=Round.Status.PUBLISHED).order_by("-year")
            if services.can_draft_all(request.user, round_)
        ]
    return render(
        request,
        "remediation/index.html",
        {
            "unit": unit,
            "rows": [(entry, plans.get(entry.round_id)) for entry in entries],
            "organised": organised,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def draft(request: HttpRequest, round_pk: int, unit_pk: int) -> HttpResponse:
    place = _place(request, round_pk, unit_pk)
    services.require_drafting(request.user, place.unit)
    existing = services.existing_plan(place.round, place.unit)
    form = target_form(request.POST if request.method == "POST" else request.GET)
    errors: list[str] = []
    try:
        result = services.draft_remediation(request.user, place.round, place.unit, form.target())
    except ValidationError as error:
        return render(request, "remediation/unavailable.html", {"place": place, "errors": error.messages})
    if request.method == "POST":
        try:
            plan = services.save_draft(actor=request.user, draft=result, edits=_edits(request, result))
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, f"Đã lập dự thảo kế hoạch khắc phục với {plan.tasks.count()} nhiệm vụ.")
            return redirect("plans:detail", pk=plan.pk)
    return render(
        request,
        "remediation/draft.html",
        {
            "place": place,
            "draft": result,
            "form": form,
            "existing": existing,
            "errors": errors,
            "posted": request.POST if request.method == "POST" else None,
        },
    )


def _edits(request: HttpRequest, draft: Any) -> dict[str, services.TaskEdit]:
    edits = {}
    for task in draft.tasks:
        responsible = request.POST.get(f"responsible-{task.code}", "")
        edits[task.code] = services.TaskEdit(
            responsible_id=int(responsible) if responsible.isdigit() else None,
            clear_responsible=not responsible.isdigit(),
            timeframe=request.POST.get(f"timeframe-{task.code}", task.timeframe),
            direction=request.POST.get(f"direction-{task.code}", task.direction),
            include=bool(request.POST.get(f"include-{task.code}")),
        )
    return edits


@login_required
def target(request: HttpRequest, round_pk: int, unit_pk: int) -> HttpResponse:
    place = _place(request, round_pk, unit_pk)
    form = target_form(request.GET)
    answer: TargetAnswer | None = None
    errors: list[str] = []
    if form.is_bound and not form.is_valid():
        errors = [str(message) for messages_ in form.errors.values() for message in messages_]
    else:
        trend = bool(form.is_bound and form.cleaned_data.get("trend"))
        try:
            picture = load_picture(place.round, place.unit, with_trend=trend)
            answer = plan_for(picture, form.target())
        except (ValidationError, PlanningError) as error:
            errors = error.messages if isinstance(error, ValidationError) else [str(error)]
    lost = []
    if answer is not None:
        chosen = {leaf.code for leaf in answer.leaves}
        lost = [
            {
                "code": code,
                "title": picture.nodes[code].title,
                "lost": points,
                "effort": picture.effort_of(code),
                "chosen": code in chosen,
            }
            for code, points in picture.result.total.lost
        ]
    return render(
        request,
        "remediation/target.html",
        {
            "place": place,
            "form": form,
            "answer": answer,
            "errors": errors,
            "lost": lost,
            "can_edit_efforts": services.can_set_efforts(request.user, place.unit),
            "can_draft": services.can_draft(request.user, place.unit),
            "has_previous": place.round.previous_id is not None,
        },
    )


@login_required
@require_POST
def efforts(request: HttpRequest, round_pk: int, unit_pk: int) -> HttpResponse:
    place = _place(request, round_pk, unit_pk)
    if not services.can_set_efforts(request.user, place.unit):
        raise PermissionDenied("Bạn không có quyền sửa công sức khắc phục của đơn vị này.")
    upload = request.FILES.get("sheet")
    try:
        if upload is not None and (upload.size or 0) > MAX_SHEET_BYTES:
            raise ValidationError("Tệp công sức lớn quá 2 MB; chỉ cần hai cột «Mã tiêu chí», «Công sức».")
        if upload is not None:
            changed = services.import_efforts(actor=request.user, unit=place.unit, source=upload, filename=upload.name)
        else:
            values = {
                key.removeprefix("effort-"): request.POST.get(key, "").strip()
                for key in request.POST
                if key.startswith("effort-") and request.POST.get(key, "").strip()
            }
            changed = services.set_efforts(actor=request.user, unit=place.unit, efforts=values)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Đã lưu công sức khắc phục ({changed} tiêu chí thay đổi).")
    url = reverse("remediation:target", args=[place.round.pk, place.unit.pk])
    query = request.POST.get("query", "")
    return redirect(f"{url}?{query}" if query else url)


@login_required
@require_http_methods(["GET", "POST"])
def what_if(request: HttpRequest, round_pk: int, unit_pk: int) -> HttpResponse:
    place = _place(request, round_pk, unit_pk)
    try:
        picture = load_picture(place.round, place.unit)
    except ValidationError as error:
        return render(request, "remediation/unavailable.html", {"place": place, "errors": error.messages})
    rows = what_if_rows(picture)
    answer: WhatIfAnswer | None = None
    errors: list[str] = []
    if request.method == "POST":
        changes, errors = what_if_changes(request.POST, rows)
        if not errors:
            try:
                answer = what_if_for(picture, changes)
            except ValidationError as error:
                errors = error.messages
    if answer is None and not errors:
        answer = what_if_for(picture, [])
    context = {"place": place, "rows": rows, "answer": answer, "errors": errors, "posted": request.POST}
    if _is_htmx(request):
        return render(request, "remediation/_what_if_result.html", context)
    return render(request, "remediation/what_if.html", context)


@login_required
@require_POST
def draft_all(request: HttpRequest, round_pk: int) -> HttpResponse:
    round_ = get_object_or_404(Round.objects.visible_to(request.user), pk=round_pk)
    try:
        job = services.enqueue_draft_all(actor=request.user, round_=round_)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("remediation:index")
    return redirect(reverse("jobs:detail", args=[job.pk]))


@login_required
def export(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_object_or_404(
        Plan.objects.visible_to(request.user).select_related("unit", "unit__kind", "unit__parent"),
        pk=plan_pk,
        kind=Plan.Kind.REMEDIATION,
    )
    response = HttpResponse(documents.remediation_docx_bytes(plan), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{documents.file_name(plan)}"'
    return response
