"""Background exports for rounds with many units: a province-wide workbook takes seconds to build."""

from __future__ import annotations

from django.urls import reverse

from cchc.jobs.registry import job_handler
from cchc.jobs.runner import JobContext, JobFailed
from cchc.surveys import exports
from cchc.surveys.models import RoundUnit, SurveyRound

EXPORT = "surveys.export"
EXPORTS = {
    "answers": ("phieu-tra-loi", "phiếu trả lời", exports.answers_workbook),
    "results": ("ket-qua", "kết quả", exports.results_workbook),
}


@job_handler(EXPORT)
def export(context: JobContext) -> None:
    """The workbook holds the units its requester may see now, as the synchronous download does."""
    user = context.job.created_by
    what = context.params.get("what")
    round_id = context.params.get("round")
    if user is None or what not in EXPORTS or not isinstance(round_id, int):
        raise JobFailed("Yêu cầu xuất tệp không hợp lệ.")
    survey_round = SurveyRound.objects.visible_to(user).filter(pk=round_id).first()
    if survey_round is None:
        raise JobFailed("Không tìm thấy đợt khảo sát hoặc bạn không còn quyền xem đợt này.")
    round_units = list(RoundUnit.objects.visible_to(user).filter(round=survey_round).select_related("unit", "round"))
    prefix, label, build = EXPORTS[what]
    context.progress(10, f"Đang tổng hợp {label} của {len(round_units)} đơn vị…")
    context.attach_file(f"{prefix}-{survey_round.code}.xlsx", build(survey_round, round_units))
    context.set_result(
        {
            "summary": f"Đã xuất {label} đợt «{survey_round.title}» ({len(round_units)} đơn vị).",
            "next_url": reverse("surveys:round_detail", args=[survey_round.pk]),
            "next_label": "Về đợt khảo sát",
        }
    )
