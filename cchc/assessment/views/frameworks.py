"""Criteria sets: the list, one set's tree, export, and import by an administrator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from cchc.assessment import criteria, services
from cchc.assessment.forms import FileImportForm
from cchc.assessment.framework_io import FrameworkImportError
from cchc.assessment.models import CriteriaSet
from cchc.assessment.scoring import describe

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


@login_required
def criteria_sets(request: HttpRequest) -> HttpResponse:
    sets = CriteriaSet.objects.annotate(criteria_count=Count("criteria", distinct=True)).order_by("code", "-version")
    return render(
        request,
        "assessment/criteria_sets.html",
        {"criteria_sets": sets, "can_import": services.is_administrator(request.user)},
    )


@login_required
def criteria_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    tree = criteria.load_tree(criteria_set)
    rows = [
        {
            "criterion": criterion,
            "rule": describe(criterion.rule_kind or "manual", criterion.params or {}, criterion.max_points)
            if criterion.is_leaf
            else "",
        }
        for criterion in criteria.rows_for_display(tree)
    ]
    leaves = tree.leaves()
    return render(
        request,
        "assessment/criteria_set_detail.html",
        {
            "criteria_set": criteria_set,
            "rows": rows,
            "leaf_count": len(leaves),
            "survey_points": sum((leaf.max_points for leaf in leaves if leaf.survey and not leaf.is_bonus), 0),
        },
    )


@login_required
def criteria_set_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    response = HttpResponse(criteria.export(criteria_set, file_format), content_type=CONTENT_TYPES[file_format])
    filename = f"bo-tieu-chi-{criteria_set.code}-v{criteria_set.version}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def criteria_set_import(request: HttpRequest) -> HttpResponse:
    if not services.is_administrator(request.user):
        raise PermissionDenied("Chỉ quản trị viên được nhập bộ tiêu chí.")
    form = FileImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = criteria.parse(upload.read(), upload.name)
            stored, created = services.import_criteria_set(actor=request.user, data=data)
        except FrameworkImportError as error:
            errors = error.errors
        else:
            if created:
                messages.success(request, f"Đã nhập bộ tiêu chí {stored.code}, phiên bản {stored.version}.")
            else:
                messages.info(request, f"Bộ tiêu chí {stored.code} không thay đổi so với phiên bản {stored.version}.")
            return redirect("assessment:criteria_set", pk=stored.pk)
    return render(request, "assessment/criteria_set_import.html", {"form": form, "errors": errors})
