"""A unit's evidence library: list, upload, download through the access rule, delete when unused."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc.accounts.access import Action, can
from cchc.assessment import services
from cchc.assessment.forms import EvidenceUploadForm
from cchc.assessment.models import Evidence
from cchc.assessment.views.common import flash_errors
from cchc.core.current import current_unit


@login_required
def library(request: HttpRequest) -> HttpResponse:
    unit = current_unit(request)
    if unit is None:
        raise Http404("Chưa chọn đơn vị.")
    documents = (
        Evidence.objects.visible_to(request.user)
        .filter(unit=unit)
        .annotate(link_count=Count("links"))
        .select_related("uploaded_by")
        .order_by("-year", "title")
    )
    year = request.GET.get("nam", "")
    if year.isdigit():
        documents = documents.filter(year=int(year))
    can_edit = can(request.user, Action.EDIT, unit)
    form = EvidenceUploadForm(request.POST or None, request.FILES or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Bạn không có quyền thêm tài liệu cho đơn vị này.")
        if form.is_valid():
            try:
                evidence = services.upload_evidence(
                    actor=request.user,
                    unit=unit,
                    upload=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                    year=form.cleaned_data["year"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("file", message)
            else:
                messages.success(request, f"Đã thêm tài liệu «{evidence.title}» vào thư viện minh chứng.")
                return redirect("assessment:library")
    years = Evidence.objects.visible_to(request.user).filter(unit=unit).order_by("-year").values_list("year", flat=True)
    return render(
        request,
        "assessment/library.html",
        {
            "unit": unit,
            "page_obj": Paginator(documents, 50).get_page(request.GET.get("page")),
            "years": sorted(set(years), reverse=True),
            "year": year,
            "form": form,
            "can_edit": can_edit,
        },
    )


@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    """The only way to a stored file: another unit's officer gets 404, like a missing document."""
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user), pk=pk)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user).select_related("unit"), pk=pk)
    try:
        services.delete_evidence(actor=request.user, evidence=evidence)
        messages.success(request, f"Đã xóa tài liệu «{evidence.title}».")
    except ValidationError as error:
        flash_errors(request, error)
    return redirect("assessment:library")
