from cchc.jobs.registry import job_handler
from cchc.jobs.runner import JobContext
from cchc.notifications.services import run_reminders, send_digests


@job_handler("notifications.daily")
def daily_reminders(context: JobContext) -> None:
    created = run_reminders()
    context.progress(50, f"Đã tạo {created} nhắc việc")
    sent = send_digests()
    context.set_result({"summary": f"Đã tạo {created} nhắc việc mới; đã gửi {sent} thư tổng hợp."})
