"""Officer pages: rounds, their results per unit, exports and paper imports.

Everything starts from `visible_to(request.user)`: another commune's officer gets 404, and a round
organised by the province shows each reader only the participating units they may see.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc.core.current import current_unit
from cchc.jobs.services import enqueue
from cchc.surveys import exports, permissions, services
from cchc.surveys.forms import AddUnitsForm, RoundEditForm, RoundForm, UploadForm
from cchc.surveys.jobs_handlers import EXPORT
from cchc.surveys.models import Questionnaire, RoundUnit, SurveyRound
from cchc.surveys.questionnaire import FACTOR_METHOD_LABELS, RESPONDENT_ATTRIBUTE_LABELS, localised
from cchc.surveys.results import DIMENSIONS, breakdown, group_progress, overview

# More participating units than this and an export runs as a background job.
DIRECT_EXPORT_UNITS = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def visible_round(request: HttpRequest, pk: int) -> SurveyRound:
    return get_object_or_404(
        SurveyRound.objects.visible_to(request.user).select_related("questionnaire", "unit"), pk=pk
    )


def visible_round_units(request: HttpRequest, survey_round: SurveyRound) -> list[RoundUnit]:
    return list(RoundUnit.objects.visible_to(request.user).filter(round=survey_round).select_related("unit", "round"))


def visible_round_unit(request: HttpRequest, pk: int) -> RoundUnit:
    return get_object_or_404(
        RoundUnit.objects.visible_to(request.user).select_related("unit", "round__questionnaire", "round__unit"),
        pk=pk,
    )


def download(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def index(request: HttpRequest) -> HttpResponse:
    rounds = (
        SurveyRound.objects.visible_to(request.user)
        .select_related("questionnaire", "unit")
        .annotate(unit_count=Count("round_units", distinct=True))
        .order_by("-opens_on", "-pk")
    )
    status = request.GET.get("trang-thai", "")
    if status in SurveyRound.Status.values:
        rounds = rounds.filter(status=status)
    page = Paginator(rounds, 50).get_page(request.GET.get("page"))
    unit = current_unit(request)
    mine = {}
    if unit is not None:
        for round_unit in RoundUnit.objects.filter(round__in=list(page.object_list), unit=unit).annotate(
            counted=Count("responses", filter=Q(responses__excluded=False))
        ):
            mine[round_unit.round_id] = round_unit
    rows = [{"round": survey_round, "mine": mine.get(survey_round.pk)} for survey_round in page.object_list]
    return render(
        request,
        "surveys/index.html",
        {
            "rows": rows,
            "page_obj": page,
            "status": status,
            "statuses": SurveyRound.Status.choices,
            "can_create": permissions.organising_units(request.user).exists(),
            "can_manage_questionnaires": permissions.can_manage_questionnaires(request.user),
        },
    )


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    organisers = permissions.organising_units(request.user)
    if not organisers.exists():
        raise PermissionDenied(permissions.DENIED)
    unit = current_unit(request)
    initial: dict[str, Any] = {
        "questionnaire": Questionnaire.objects.order_by("-is_sample", "code", "-version").first()
    }
    if unit is not None and organisers.filter(pk=unit.pk).exists():
        initial["organiser"] = unit
    form = RoundForm(request.POST or None, organisers=organisers, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey_round = services.create_round(
                actor=request.user,
                code=data["code"],
                title=data["title"],
                questionnaire=data["questionnaire"],
                organiser=data["organiser"],
                units=form.chosen_units(),
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                method_override=data["method_override"],
            )
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            messages.success(request, f"Đã tạo đợt khảo sát «{survey_round.title}». Hãy đặt chỉ tiêu rồi mở đợt.")
            return redirect("surveys:round_detail", pk=survey_round.pk)
    return render(request, "surveys/round_form.html", {"form": form, "creating": True})


def _attach_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey_round = visible_round(request, pk)
    round_units = visible_round_units(request, survey_round)
    data = overview(survey_round, round_units)
    definition = data.definition
    factors = []
    if data.overall is not None:
        for factor in definition.factors:
            result = data.overall.factors.get(factor.code)
            factors.append({"code": factor.code, "name": localised(factor.name), "result": result})
    return render(
        request,
        "surveys/round_detail.html",
        {
            "survey_round": survey_round,
            "data": data,
            "factors": factors,
            "factor_codes": [factor.code for factor in definition.factors],
            "method_label": FACTOR_METHOD_LABELS[definition.method.factor_method],
            "can_manage": permissions.can_manage_round(request.user, survey_round),
            "can_import": any(permissions.can_manage_round_unit(request.user, ru) for ru in round_units),
            "accepting": survey_round.accepts_answers(timezone.localdate()),
            "statuses": SurveyRound.Status,
        },
    )


@login_required
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey_round = visible_round(request, pk)
    permissions.check(permissions.can_manage_round(request.user, survey_round))
    form = RoundEditForm(request.POST or None, instance=survey_round)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_round(actor=request.user, survey_round=survey_round, data=form.cleaned_data)
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            messages.success(request, "Đã lưu đợt khảo sát.")
            return redirect("surveys:round_detail", pk=survey_round.pk)
    return render(request, "surveys/round_form.html", {"form": form, "survey_round": survey_round})


@login_required
@require_POST
def round_status(request: HttpRequest, pk: int) -> HttpResponse:
    survey_round = visible_round(request, pk)
    permissions.check(permissions.can_manage_round(request.user, survey_round))
    try:
        services.set_status(actor=request.user, survey_round=survey_round, status=request.POST.get("status", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Đợt khảo sát đã chuyển sang «{survey_round.get_status_display()}».")
    return redirect("surveys:round_detail", pk=survey_round.pk)


@login_required
def round_units(request: HttpRequest, pk: int) -> HttpResponse:
    """Participating units, their links, targets and progress; add units."""
    survey_round = visible_round(request, pk)
    can_manage = permissions.can_manage_round(request.user, survey_round)
    form = AddUnitsForm(request.POST or None, survey_round=survey_round) if can_manage else None
    if request.method == "POST":
        permissions.check(can_manage)
        if form is not None and form.is_valid():
            try:
                added = services.add_units(
                    actor=request.user, survey_round=survey_round, units=list(form.cleaned_data["units"])
                )
            except ValidationError as error:
                _attach_errors(form, error)
            else:
                messages.success(request, f"Đã thêm {added} đơn vị tham gia.")
                return redirect("surveys:round_units", pk=survey_round.pk)
    units = visible_round_units(request, survey_round)
    data = overview(survey_round, units)
    rows = [
        {
            "row": row,
            "link": request.build_absolute_uri(reverse("surveys:public_form", args=[row.round_unit.token])),
            "can_manage": permissions.can_manage_round_unit(request.user, row.round_unit),
        }
        for row in data.rows
    ]
    return render(
        request,
        "surveys/round_units.html",
        {"survey_round": survey_round, "rows": rows, "form": form, "can_manage": can_manage},
    )


@login_required
def round_import(request: HttpRequest, pk: int) -> HttpResponse:
    survey_round = visible_round(request, pk)
    round_units = visible_round_units(request, survey_round)
    permissions.check(any(permissions.can_manage_round_unit(request.user, ru) for ru in round_units))
    form = UploadForm(request.POST or None, request.FILES or None, extensions=(".xlsx", ".csv"))
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.import_responses(survey_round, upload, actor=request.user, filename=upload.name)
        if result.ok:
            messages.success(request, f"Đã nhập {result.created} phiếu.")
            return redirect("surveys:round_detail", pk=survey_round.pk)
    return render(
        request,
        "surveys/round_import.html",
        {"survey_round": survey_round, "form": form, "result": result, "questions": survey_round.definition()},
    )


def _export(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """A few units download at once; a province-wide workbook is built in the background."""
    survey_round = visible_round(request, pk)
    round_units = visible_round_units(request, survey_round)
    if len(round_units) > DIRECT_EXPORT_UNITS:
        label = "phiếu trả lời" if what == "answers" else "kết quả"
        job = enqueue(
            EXPORT,
            f"Xuất {label} – {survey_round.title}",
            params={"round": survey_round.pk, "what": what},
            user=request.user,
            unit=services.common_parent([round_unit.unit for round_unit in round_units]),
        )
        return redirect("jobs:detail", pk=job.pk)
    if what == "answers":
        return download(exports.answers_workbook(survey_round, round_units), f"phieu-tra-loi-{survey_round.code}.xlsx")
    return download(exports.results_workbook(survey_round, round_units), f"ket-qua-{survey_round.code}.xlsx")


@login_required
def round_export_answers(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "answers")


@login_required
def round_export_results(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "results")


@login_required
def unit_results(request: HttpRequest, pk: int) -> HttpResponse:
    round_unit = visible_round_unit(request, pk)
    survey_round = round_unit.round
    data = overview(survey_round, [round_unit])
    row = data.rows[0]
    definition = data.definition
    dimension = request.GET.get("nhom", "field_used")
    if dimension not in DIMENSIONS or definition.respondent_question(dimension) is None:
        dimension = "field_used"
    criteria = []
    if row.result is not None:
        for question in definition.criteria():
            criteria.append({"question": question, "result": row.result.criteria[question.code]})
    factors = []
    if row.result is not None:
        for factor in definition.factors:
            factors.append(
                {"code": factor.code, "name": localised(factor.name), "result": row.result.factors[factor.code]}
            )
    dimensions = [
        (attribute.value, label)
        for attribute, label in RESPONDENT_ATTRIBUTE_LABELS.items()
        if definition.respondent_question(attribute) is not None
    ]
    return render(
        request,
        "surveys/unit_results.html",
        {
            "round_unit": round_unit,
            "survey_round": survey_round,
            "row": row,
            "previous": data.previous,
            "factors": factors,
            "criteria": criteria,
            "dimension": dimension,
            "dimensions": dimensions,
            "breakdown": breakdown(round_unit, dimension),
            "groups": group_progress(definition, round_unit),
            "can_manage": permissions.can_manage_round_unit(request.user, round_unit),
            "can_review": permissions.can_review(request.user, round_unit.unit),
        },
    )
