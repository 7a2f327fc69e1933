"""Importing a plan from a file: upload, a preview to fix (editable tables), then save as a draft."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cchc.accounts.access import Action, require
from cchc.plans import services
from cchc.plans.documents import PlanImportError
from cchc.plans.entries import DraftContents, contents_from_draft
from cchc.plans.forms import BudgetFormSet, ImportForm, ImportMetadataForm, TaskFormSet, amount_text
from cchc.plans.importing import read_plan_file
from cchc.plans.views import official_choices, unit_or_404


@login_required
def import_plan(request: HttpRequest) -> HttpResponse:
    unit = unit_or_404(request)
    require(request.user, Action.MANAGE_PLANS, unit)
    if request.method == "POST" and request.POST.get("buoc") == "luu":
        return _save(request, unit)
    form = ImportForm(request.POST or None, request.FILES or None, initial={"kind": "annual"})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        limit = settings.CCHC_MAX_UPLOAD_MEGABYTES
        if upload.size > limit * 1024 * 1024:
            form.add_error("file", f"Tệp quá lớn (tối đa {limit} MB).")
        else:
            try:
                draft = read_plan_file(upload, upload.name, default_year=form.cleaned_data.get("year"))
            except PlanImportError as error:
                form.add_error("file", str(error))
            else:
                contents, errors = contents_from_draft(draft)
                return _preview(request, unit, contents, errors, form.cleaned_data["kind"], upload.name)
    return render(request, "plans/import.html", {"form": form, "unit": unit})


def _preview(
    request: HttpRequest, unit: Any, contents: DraftContents, errors: list[str], kind: str, filename: str
) -> HttpResponse:
    metadata = contents.metadata
    code = str(metadata.get("code") or "")
    initial = {
        "kind": kind,
        "year": metadata.get("year") or timezone.localdate().year,
        "title": metadata.get("title", ""),
        "number": metadata.get("number", ""),
        "code_suffix": code.split("/", 1)[1] if "/" in code else "KH-UBND",
        "place": metadata.get("place") or unit.place_name,
        "document_date": metadata.get("date") if isinstance(metadata.get("date"), dt.date) else None,
    }
    tasks = TaskFormSet(
        prefix="nv",
        form_kwargs={"official_choices": official_choices(unit)},
        initial=[
            {
                "area": entry.area,
                "number": entry.number,
                "title": entry.title,
                "output": entry.output,
                "lead": entry.lead,
                "coordinating": entry.coordinating,
                "deadline_text": entry.deadline_text,
                "criterion_code": entry.criterion_code,
                "weight": 1,
            }
            for entry in contents.tasks
        ],
    )
    budget = BudgetFormSet(
        prefix="kp",
        initial=[
            {
                "number": line.number,
                "item": line.item,
                "total": amount_text(line.total),
                "own": amount_text(line.own),
                "support": amount_text(line.support),
            }
            for line in contents.budget
        ],
    )
    return render(
        request,
        "plans/import_preview.html",
        {
            "unit": unit,
            "metadata_form": ImportMetadataForm(initial=initial),
            "tasks": tasks,
            "budget": budget,
            "warnings": contents.warnings,
            "errors": errors,
            "filename": filename,
        },
    )


def _save(request: HttpRequest, unit: Any) -> HttpResponse:
    metadata_form = ImportMetadataForm(request.POST)
    tasks = TaskFormSet(request.POST, prefix="nv", form_kwargs={"official_choices": official_choices(unit)})
    budget = BudgetFormSet(request.POST, prefix="kp")
    context = {
        "unit": unit,
        "metadata_form": metadata_form,
        "tasks": tasks,
        "budget": budget,
        "warnings": [],
        "errors": [],
        "filename": request.POST.get("ten_tep", ""),
    }
    if not (metadata_form.is_valid() and tasks.is_valid() and budget.is_valid()):
        context["errors"] = _row_errors(tasks, budget)
        return render(request, "plans/import_preview.html", context, status=400)
    data = metadata_form.cleaned_data
    task_entries = [form.entry() for form in tasks.kept_forms()]  # type: ignore[attr-defined]
    if not task_entries:
        context["errors"] = ["Bảng nhiệm vụ không còn dòng nào; hãy giữ ít nhất một nhiệm vụ."]
        return render(request, "plans/import_preview.html", context, status=400)
    contents = DraftContents(
        metadata={
            "title": data["title"],
            "number": data.get("number", ""),
            "code": f"{data.get('number', '')}/{data['code_suffix']}",
            "place": data.get("place", ""),
            "date": data.get("document_date"),
            "year": data["year"],
        },
        tasks=task_entries,
        budget=[form.entry() for form in budget.kept_forms()],  # type: ignore[attr-defined]
    )
    try:
        plan = services.save_imported_plan(actor=request.user, unit=unit, contents=contents, kind=data["kind"])
    except ValidationError as error:
        context["errors"] = error.messages
        return render(request, "plans/import_preview.html", context, status=400)
    messages.success(request, f"Đã lưu dự thảo kế hoạch với {len(task_entries)} nhiệm vụ.")
    return redirect("plans:detail", plan.pk)


def _row_errors(tasks: Any, budget: Any) -> list[str]:
    """«Dòng N, cột «X»: …» for every invalid cell of the two tables."""
    errors = []
    for table_label, formset in (("Bảng nhiệm vụ", tasks), ("Bảng kinh phí", budget)):
        for row, form in enumerate(formset.forms, start=1):
            for field, field_errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                column = f", cột «{label}»" if label else ""
                errors += [f"{table_label}, dòng {row}{column}: {message}" for message in field_errors]
        errors += [f"{table_label}: {message}" for message in formset.non_form_errors()]
    return errors
