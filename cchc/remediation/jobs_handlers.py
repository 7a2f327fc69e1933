"""The superior drafts every unit's remediation plan at once: one plan per unit takes a few queries each."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cchc.assessment.models import Round
from cchc.jobs.registry import job_handler
from cchc.jobs.runner import JobContext, JobFailed
from cchc.remediation import services


@job_handler(services.DRAFT_ALL_JOB)
def draft_all(context: JobContext) -> None:
    """Runs with the requester's rights as they are now: units they no longer oversee are left out."""
    user = context.job.created_by
    round_id = context.params.get("round")
    if user is None or not isinstance(round_id, int):
        raise JobFailed("Yêu cầu lập kế hoạch khắc phục không hợp lệ.")
    round_ = Round.objects.visible_to(user).filter(pk=round_id).first()
    if round_ is None:
        raise JobFailed("Không tìm thấy đợt đánh giá hoặc bạn không còn quyền xem đợt này.")
    context.progress(5, "Đang tính điểm bị trừ của các đơn vị…")
    try:
        summary = services.draft_all(actor=user, round_=round_, progress=context.progress)
    except PermissionDenied as error:
        raise JobFailed(str(error)) from error
    for line in summary.skipped:
        context.log(f"Bỏ qua {line}")
    skipped = f"; bỏ qua {len(summary.skipped)} đơn vị (xem nhật ký)" if summary.skipped else ""
    context.set_result(
        {
            "summary": f"Đã lập {summary.saved} dự thảo kế hoạch khắc phục từ kết quả «{round_.name}»{skipped}.",
            "next_url": reverse("plans:index"),
            "next_label": "Xem danh sách kế hoạch",
        }
    )
