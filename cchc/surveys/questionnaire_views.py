"""Questionnaire templates: the versions stored, a preview, the Excel sheet, and importing a new version."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from cchc.surveys import permissions, services
from cchc.surveys.forms import UploadForm
from cchc.surveys.models import Questionnaire
from cchc.surveys.questionnaire import (
    FACTOR_METHOD_LABELS,
    KIND_LABELS,
    RESPONDENT_ATTRIBUTE_LABELS,
    QuestionnaireError,
    localised,
)
from cchc.surveys.questionnaire_io import load_questionnaire_json, questionnaire_excel_bytes, read_questionnaire_excel
from cchc.surveys.views import download


@login_required
def questionnaires(request: HttpRequest) -> HttpResponse:
    can_manage = permissions.can_manage_questionnaires(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, extensions=(".xlsx", ".json"))
    problems: list[str] = []
    if request.method == "POST":
        permissions.check(can_manage)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                data = upload.read()
                if upload.name.lower().endswith(".json"):
                    definition = load_questionnaire_json(data)
                else:
                    definition = read_questionnaire_excel(data)
                questionnaire, created = services.save_questionnaire(definition, actor=request.user)
            except QuestionnaireError as error:
                problems = error.problems
            except ValidationError as error:
                problems = error.messages
            else:
                if created:
                    messages.success(request, f"Đã nhập bộ câu hỏi {questionnaire.identity}.")
                else:
                    messages.info(request, f"Bộ câu hỏi {questionnaire.identity} đã có, không thay đổi.")
                return redirect("surveys:questionnaire_detail", pk=questionnaire.pk)
    return render(
        request,
        "surveys/questionnaires.html",
        {
            "questionnaires": Questionnaire.objects.order_by("code", "-version"),
            "form": form if can_manage else None,
            "problems": problems,
        },
    )


@login_required
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    definition = questionnaire.definition()
    rows = []
    for section in definition.sections:
        for question in section.questions:
            rows.append(
                {
                    "section": localised(section.title),
                    "question": question,
                    "text": localised(question.text),
                    "kind": KIND_LABELS[question.kind],
                    "attribute": RESPONDENT_ATTRIBUTE_LABELS[question.respondent_attribute]
                    if question.respondent_attribute
                    else "",
                    "condition": question.condition.as_text() if question.condition else "",
                }
            )
    return render(
        request,
        "surveys/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "definition": definition,
            "factors": [(factor.code, localised(factor.name)) for factor in definition.factors],
            "method": FACTOR_METHOD_LABELS[definition.method.factor_method],
            "rows": rows,
        },
    )


@login_required
def questionnaire_excel(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    content = questionnaire_excel_bytes(questionnaire.definition())
    return download(content, f"bo-cau-hoi-{questionnaire.code}-v{questionnaire.version}.xlsx")
