"""Uploading registers (a background job per file, with a progress bar) and the push endpoint."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cchc.core.current import current_unit
from cchc.dossiers import push as push_module
from cchc.dossiers import services
from cchc.dossiers.forms import ImportForm
from cchc.dossiers.models import ImportBatch
from cchc.dossiers.parsing import DEFAULT_PROFILE, FIELD_NAMES
from cchc.dossiers.permissions import can_administer, can_import
from cchc.jobs.models import Job
from cchc.jobs.services import enqueue


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    if not can_import(request.user):
        raise PermissionDenied("Bạn không có quyền nhập hồ sơ.")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        jobs = []
        for upload in form.cleaned_data["registers"]:
            jobs.append(
                enqueue(
                    services.IMPORT_JOB,
                    f"Nhập sổ hồ sơ «{upload.name}»",
                    params={
                        "name": upload.name,
                        "profile": form.cleaned_data["profile"],
                        "partial": form.cleaned_data["partial"],
                    },
                    user=request.user,
                    unit=current_unit(request),
                    input_file=upload,
                    input_name=upload.name,
                )
            )
        if len(jobs) == 1:
            return redirect("jobs:detail", jobs[0].pk)
        messages.success(request, f"Đã đưa {len(jobs)} tệp vào hàng đợi nhập; theo dõi tiến độ bên dưới.")
        return redirect("dossiers:import")
    return render(
        request,
        "dossiers/import.html",
        {
            "form": form,
            "jobs": Job.objects.filter(kind=services.IMPORT_JOB).visible_to(request.user)[:20],
            "batches": (
                ImportBatch.objects.all()
                if can_administer(request.user)
                else ImportBatch.objects.filter(created_by_id=request.user.pk)
            ).select_related("created_by", "api_client")[:20],
            "headers": [DEFAULT_PROFILE.label(name) for name in FIELD_NAMES],
            "can_administer": can_administer(request.user),
            "push_url": reverse("dossiers:push"),
        },
    )


@csrf_exempt  # token-authenticated machine endpoint: no cookie, so no cross-site request to forge
@require_POST
def push(request: HttpRequest) -> JsonResponse:
    client = push_module.authenticate(request.headers.get("Authorization", ""))
    if client is None:
        response = JsonResponse({"detail": "Thiếu hoặc sai mã khóa (Authorization: Bearer …)."}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="cchc"'
        return response
    length = int(request.headers.get("Content-Length") or 0)
    if length > push_module.MAX_BYTES:
        return JsonResponse({"detail": "Yêu cầu quá lớn."}, status=413)
    parsed = push_module.parse_body(request.body)
    if isinstance(parsed, push_module.PushResult):
        return JsonResponse(parsed.body, status=parsed.status)
    items, partial = parsed
    result = push_module.push(client, items, partial)
    return JsonResponse(result.body, status=result.status, json_dumps_params={"ensure_ascii": False})
