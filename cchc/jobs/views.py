from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cchc.jobs import services
from cchc.jobs.models import Job


@login_required
def index(request: HttpRequest) -> HttpResponse:
    jobs = Job.objects.visible_to(request.user).select_related("created_by")
    page = Paginator(jobs, 30).get_page(request.GET.get("page"))
    return render(request, "jobs/index.html", {"page_obj": page})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    template = "jobs/_status.html" if request.headers.get("HX-Request") else "jobs/detail.html"
    return render(request, template, {"job": job, "may_cancel": services.may_cancel(request.user, job)})


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    if services.cancel(actor=request.user, job=job):
        messages.success(request, "Đã hủy công việc.")
    else:
        messages.error(request, "Công việc đã bắt đầu chạy hoặc đã kết thúc nên không hủy được.")
    return redirect("jobs:detail", pk=job.pk)


@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    if not job.result_file:
        raise Http404("Công việc này không có tệp kết quả.")
    filename = job.result_file.name.rsplit("/", 1)[-1]
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=filename)
