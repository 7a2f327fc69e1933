"""Background jobs: a row with status, progress, log and result file, processed by `cchc worker`."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cchc.accounts.access import UnitScopedQuerySet


class JobQuerySet(UnitScopedQuerySet):
    def visible_to(self, user):  # type: ignore[no-untyped-def]
        # A user follows the jobs they started, plus those of units they may see.
        from cchc.accounts.access import is_system_administrator

        if is_system_administrator(user):
            return self
        return self.filter(models.Q(created_by=user) | models.Q(pk__in=super().visible_to(user).values("pk")))

    def runnable(self) -> JobQuerySet:
        return self.filter(status=Job.Status.QUEUED).order_by("priority", "created_at", "id")


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Đang chờ"
        RUNNING = "running", "Đang chạy"
        SUCCEEDED = "succeeded", "Hoàn thành"
        FAILED = "failed", "Lỗi"
        CANCELLED = "cancelled", "Đã hủy"

    kind = models.CharField("loại việc", max_length=60)
    title = models.CharField("tên công việc", max_length=255)
    params = models.JSONField("tham số", default=dict, blank=True)
    status = models.CharField("trạng thái", max_length=20, choices=Status.choices, default=Status.QUEUED)
    priority = models.SmallIntegerField("ưu tiên", default=100)
    progress = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    progress_text = models.CharField("đang làm", max_length=255, blank=True)
    log = models.TextField("nhật ký", blank=True)
    result = models.JSONField("kết quả", default=dict, blank=True)
    result_file = models.FileField("tệp kết quả", upload_to="jobs/%Y/%m/", blank=True)
    input_file = models.FileField("tệp đầu vào", upload_to="job-inputs/%Y/%m/", blank=True)
    error = models.TextField("lỗi", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    unit = models.ForeignKey("organisation.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    worker = models.CharField("tiến trình xử lý", max_length=120, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    started_at = models.DateTimeField("bắt đầu", null=True, blank=True)
    finished_at = models.DateTimeField("kết thúc", null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "công việc nền"
        indexes = [models.Index(fields=["status", "priority", "created_at"], name="job_queue_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED, self.Status.CANCELLED}
