"""Background jobs: importing an uploaded register, recomputing after a calendar or rule change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.urls import reverse

from cchc.core.formatting import number
from cchc.dossiers import recompute, services
from cchc.jobs.registry import job_handler
from cchc.jobs.runner import JobContext, JobFailed


@job_handler(services.IMPORT_JOB)
def import_register(context: JobContext) -> None:
    job = context.job
    if not job.input_file:
        raise JobFailed("Không tìm thấy tệp cần nhập.")
    name = str(context.params.get("name") or Path(job.input_file.name).name)
    context.progress(1, f"Đang đọc tệp «{name}»…")

    def progress(_index: int, rows: int, expected: int | None) -> None:
        if expected:
            context.progress(min(95, 100 * rows / expected), f"Đã đọc {number(rows)}/{number(expected)} dòng")
        else:
            context.progress(50, f"Đã đọc {number(rows)} dòng")

    try:
        (result,) = services.import_files(
            [Path(job.input_file.path)],
            actor=job.created_by,
            profile_name=context.params.get("profile") or None,
            partial=bool(context.params.get("partial")),
            names=[name],
            progress=progress,
        )
    except ValueError as error:  # an unknown profile
        raise JobFailed(str(error)) from error
    context.log(result.summary())
    if result.error_count or result.file_errors:
        context.attach_file(f"loi-nhap-{Path(name).stem}.xlsx", result.report_xlsx())
    if not result.saved:
        raise JobFailed(result.summary() + " Tải tệp kết quả để xem danh sách lỗi (dòng, cột, giá trị, lỗi).")
    context.set_result(
        {
            "summary": result.summary(),
            "next_url": reverse("dossiers:index"),
            "next_label": "Xem số liệu hồ sơ",
        }
    )


@job_handler(services.RECOMPUTE_JOB)
def recompute_facts(context: JobContext) -> None:
    days = context.params.get("changed_days")
    changed = None if days is None else [dt.date.fromisoformat(day) for day in days]
    context.progress(5, "Đang tính lại các chỉ số hồ sơ…")
    result = recompute.recompute(changed)
    summary = (
        f"Đã tính lại {number(result.facts_changed)} hồ sơ có số liệu thay đổi ({number(result.seconds, 1)} giây)."
    )
    context.log(summary)
    context.set_result({"summary": summary, "next_url": reverse("dossiers:index"), "next_label": "Xem số liệu hồ sơ"})
