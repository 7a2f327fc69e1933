"""Reform plans as data: objectives, tasks grouped by area, budget, follow-up and periodic reports.

A plan belongs to its issuing unit. Issuing it assigns every task to its lead and coordinating
units (`TaskAssignment`): each unit's own progress on a task lives there, and the task's progress is
the mean of its lead units'. A lower unit's implementing plan links to the superior plan, and each of
its tasks to the superior task it carries out (`assigned_from`), so progress rolls up both ways.
Overdue is never stored: it is computed from the due date and completion (`.overdue(today)`).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.accounts.access import UnitScopedQuerySet, is_system_administrator, visible_unit_filter

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")
DEFAULT_REMINDER_DAYS = [7, 3, 1]
RECURRENCE_LABELS = {
    "monthly": "Hằng tháng",
    "quarterly": "Hằng quý",
    "semiannual": "6 tháng một lần",
    "yearly": "Hằng năm",
    "continuous": "Thường xuyên",
    "as_regulated": "Theo quy định",
}


def weighted_progress(pairs: list[tuple[int, Decimal]]) -> Decimal:
    """Σ weight × progress / Σ weight, two decimals; 0 for nothing."""
    total_weight = sum(weight for weight, _progress in pairs)
    if not total_weight:
        return Decimal(0)
    total = sum((Decimal(weight) * progress for weight, progress in pairs), Decimal(0))
    return (total / total_weight).quantize(TWO_PLACES, ROUND_HALF_UP)


class PlanQuerySet(UnitScopedQuerySet):
    def visible_to(self, user: Any) -> PlanQuerySet:
        """Plans of units the user sees, and issued plans that assign tasks to those units."""
        from cchc.organisation.models import Unit

        if is_system_administrator(user):
            return self
        units = Unit.objects.filter(visible_unit_filter(user))
        assigned = TaskAssignment.objects.filter(unit__in=units).values("task__plan_id")
        return self.filter(Q(unit__in=units) | Q(pk__in=assigned))

    def issued(self) -> PlanQuerySet:
        return self.filter(status__in=[Plan.Status.ISSUED, Plan.Status.CLOSED])


class Plan(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", "Kế hoạch cải cách hành chính năm"
        REMEDIATION = "remediation", "Kế hoạch khắc phục, nâng cao chỉ số"
        PROPAGANDA = "propaganda", "Kế hoạch tuyên truyền"
        INSPECTION = "inspection", "Kế hoạch kiểm tra"
        EMULATION = "emulation", "Kế hoạch thi đua"
        OTHER = "other", "Kế hoạch khác"

    class Status(models.TextChoices):
        DRAFT = "draft", "Dự thảo"
        ISSUED = "issued", "Đã ban hành"
        CLOSED = "closed", "Đã kết thúc"

    class Authority(models.TextChoices):
        ON_BEHALF = "TM", "TM. (thay mặt Ủy ban nhân dân)"
        DEPUTY = "KT", "KT. (phó chủ tịch ký thay chủ tịch)"
        DIRECT = "", "Ký trực tiếp"

    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="plans", verbose_name="đơn vị ban hành"
    )
    kind = models.CharField("loại kế hoạch", max_length=20, choices=Kind.choices, default=Kind.ANNUAL)
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFT)
    year = models.PositiveSmallIntegerField("năm kế hoạch")
    number = models.CharField("số", max_length=20, blank=True, help_text="Để trống khi còn là dự thảo.")
    code_suffix = models.CharField("ký hiệu", max_length=40, default="KH-UBND")
    place = models.CharField("địa danh", max_length=100, blank=True)
    document_date = models.DateField("ngày ban hành", null=True, blank=True)
    title = models.CharField("trích yếu", max_length=500)
    legal_bases = models.TextField("căn cứ", blank=True, help_text="Mỗi căn cứ một dòng.")
    theme = models.CharField("chủ đề năm", max_length=300, blank=True)
    purpose = models.TextField("mục đích, yêu cầu", blank=True, help_text="Mỗi đoạn một dòng.")
    implementation = models.TextField("tổ chức thực hiện", blank=True, help_text="Mỗi đoạn một dòng.")
    closing = models.TextField("đoạn kết", blank=True)
    recipients = models.JSONField("nơi nhận", default=list, blank=True)
    signer_name = models.CharField("người ký", max_length=150, blank=True)
    signer_authority = models.CharField(
        "thẩm quyền ký", max_length=2, choices=Authority.choices, default=Authority.ON_BEHALF, blank=True
    )
    signer_position = models.CharField("chức vụ người ký", max_length=100, default="Chủ tịch")
    superior_plan = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="implementing_plans",
        verbose_name="thực hiện kế hoạch của cấp trên",
    )
    issue_by = models.DateField(
        "hạn cấp dưới ban hành kế hoạch", null=True, blank=True, help_text="Ví dụ: trước 31/01 của năm kế hoạch."
    )
    # A decision (QĐ) may issue the plan as its attachment; both documents are exported together.
    with_decision = models.BooleanField("ban hành kèm quyết định", default=False)
    decision_number = models.CharField("số quyết định", max_length=20, blank=True)
    decision_code_suffix = models.CharField("ký hiệu quyết định", max_length=40, default="QĐ-UBND")
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    decision_articles = models.JSONField("các điều của quyết định", default=list, blank=True)
    # Remediation plans name the assessment round and the criteria that lost points.
    source_round_code = models.CharField("đợt đánh giá", max_length=60, blank=True)
    source_criteria = models.JSONField("tiêu chí bị trừ điểm", default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    issued_at = models.DateTimeField("ban hành lúc", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "unit__path", "-document_date", "-pk"]
        verbose_name = "kế hoạch"
        verbose_name_plural = "kế hoạch"
        indexes = [models.Index(fields=["unit", "year", "kind"], name="plan_unit_year_kind_idx")]

    def __str__(self) -> str:
        return f"{self.code_display} – {self.title}"

    @property
    def code(self) -> str:
        """«15/KH-UBND»; blank number while a draft («/KH-UBND»)."""
        return f"{self.number}/{self.code_suffix}"

    @property
    def code_display(self) -> str:
        if self.number:
            return f"Kế hoạch số {self.code}"
        if self.with_decision and self.decision_number:
            return f"Kế hoạch ban hành kèm Quyết định số {self.decision_code}"
        return "Dự thảo kế hoạch" if self.is_draft else "Kế hoạch (chưa ghi số)"

    @property
    def decision_code(self) -> str:
        return f"{self.decision_number}/{self.decision_code_suffix}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.ISSUED

    def legal_basis_lines(self) -> list[str]:
        return _lines(self.legal_bases)

    def purpose_lines(self) -> list[str]:
        return _lines(self.purpose)

    def implementation_lines(self) -> list[str]:
        return _lines(self.implementation)

    def issued_on(self) -> dt.date | None:
        """The date that counts for «issued on time»: the document's date, else the day it was recorded."""
        if self.document_date:
            return self.document_date
        return self.issued_at.date() if self.issued_at else None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class Objective(models.Model):
    """An objective; bound to a measure it has a target and shows its current value and status."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField("mục tiêu")
    measure = models.ForeignKey(
        "measures.Measure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_objectives",
        verbose_name="chỉ số theo dõi",
    )
    comparator = models.CharField(
        "so sánh",
        max_length=2,
        blank=True,
        choices=[(">=", "≥"), (">", ">"), ("<=", "≤"), ("<", "<"), ("=", "=")],
    )
    target_value = models.DecimalField("chỉ tiêu", max_digits=20, decimal_places=4, null=True, blank=True)
    target_date = models.DateField("thời hạn đạt", null=True, blank=True)

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = "mục tiêu"

    def __str__(self) -> str:
        return self.text[:100]

    @property
    def is_bound(self) -> bool:
        return self.measure_id is not None and self.target_value is not None and bool(self.comparator)


class Area(models.Model):
    """A group of tasks under a Roman numeral («III. CẢI CÁCH THỦ TỤC HÀNH CHÍNH»)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="areas")
    order = models.PositiveSmallIntegerField(default=0)
    numeral = models.CharField("số La Mã", max_length=10, blank=True)
    title = models.CharField("lĩnh vực", max_length=300)
    reform_area = models.PositiveSmallIntegerField("lĩnh vực CCHC (1–8)", null=True, blank=True)

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = "nhóm nhiệm vụ"

    def __str__(self) -> str:
        return f"{self.numeral}. {self.title}" if self.numeral else self.title


class TaskQuerySet(UnitScopedQuerySet):
    unit_field = "plan__unit"

    def visible_to(self, user: Any) -> TaskQuerySet:
        """Tasks of plans the user's units issued (or units above see), and tasks assigned to them."""
        from cchc.organisation.models import Unit

        if is_system_administrator(user):
            return self
        units = Unit.objects.filter(visible_unit_filter(user))
        assigned = TaskAssignment.objects.filter(unit__in=units).values("task_id")
        return self.filter(Q(plan__unit__in=units) | Q(pk__in=assigned))

    def open(self) -> TaskQuerySet:
        return self.exclude(status__in=[Task.Status.COMPLETED, Task.Status.CANCELLED])

    def in_issued_plans(self) -> TaskQuerySet:
        return self.filter(plan__status=Plan.Status.ISSUED)

    def overdue(self, today: dt.date) -> TaskQuerySet:
        """Open tasks of issued plans whose (last) due date has passed."""
        return self.in_issued_plans().open().filter(due_date__lt=today)


class Task(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Chưa thực hiện"
        IN_PROGRESS = "in_progress", "Đang thực hiện"
        COMPLETED = "completed", "Hoàn thành"
        CANCELLED = "cancelled", "Không thực hiện"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    order = models.PositiveIntegerField(default=0)
    number = models.CharField("TT", max_length=20, blank=True)
    title = models.TextField("nhiệm vụ")
    output = models.TextField("sản phẩm", blank=True)
    lead_text = models.CharField("chủ trì (như văn bản)", max_length=500, blank=True)
    coordinating_text = models.CharField("phối hợp (như văn bản)", max_length=500, blank=True)
    lead_units = models.ManyToManyField(
        "organisation.Unit", blank=True, related_name="led_plan_tasks", verbose_name="đơn vị chủ trì"
    )
    coordinating_units = models.ManyToManyField(
        "organisation.Unit", blank=True, related_name="coordinated_plan_tasks", verbose_name="đơn vị phối hợp"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_tasks",
        verbose_name="công chức phụ trách",
    )
    deadline_text = models.CharField("thời gian hoàn thành (như văn bản)", max_length=300, blank=True)
    due_dates = models.JSONField("các hạn (tính từ thời gian hoàn thành)", default=list, blank=True)
    recurrence = models.CharField("định kỳ", max_length=20, blank=True)
    # The last of `due_dates`, kept as a column so overdue and "due this week" are plain queries.
    due_date = models.DateField("hạn hoàn thành", null=True, blank=True, db_index=True)
    criterion_code = models.CharField("tiêu chí", max_length=30, blank=True)
    status = models.CharField("tình trạng", max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.DecimalField("tiến độ (%)", max_digits=5, decimal_places=2, default=Decimal(0))
    completed_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    weight = models.PositiveSmallIntegerField("trọng số", default=1)
    assigned_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="implementations",
        verbose_name="thực hiện nhiệm vụ cấp trên giao",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = "nhiệm vụ"
        verbose_name_plural = "nhiệm vụ"

    def __str__(self) -> str:
        prefix = f"{self.number}. " if self.number else ""
        return f"{prefix}{self.title[:120]}"

    @property
    def is_done(self) -> bool:
        return self.status in (self.Status.COMPLETED, self.Status.CANCELLED)

    @property
    def recurrence_label(self) -> str:
        return RECURRENCE_LABELS.get(self.recurrence, self.recurrence)

    def due_date_list(self) -> list[dt.date]:
        return [dt.date.fromisoformat(text) for text in self.due_dates]

    def next_due_date(self, today: dt.date) -> dt.date | None:
        """The first due date on or after `today`, else the last one."""
        dates = self.due_date_list()
        upcoming = [day for day in dates if day >= today]
        return upcoming[0] if upcoming else (dates[-1] if dates else None)

    def is_overdue(self, today: dt.date) -> bool:
        return (
            self.plan.status == Plan.Status.ISSUED
            and not self.is_done
            and self.due_date is not None
            and self.due_date < today
        )

    def completed_on_time(self) -> bool | None:
        if self.completed_on is None:
            return None
        return self.due_date is None or self.completed_on <= self.due_date


class TaskAssignmentQuerySet(UnitScopedQuerySet):
    def visible_to(self, user: Any) -> TaskAssignmentQuerySet:
        """The assigned unit sees its assignment; so does the unit that issued the plan (and above)."""
        from cchc.organisation.models import Unit

        if is_system_administrator(user):
            return self
        units = Unit.objects.filter(visible_unit_filter(user))
        return self.filter(Q(unit__in=units) | Q(task__plan__unit__in=units))

    def lead(self) -> TaskAssignmentQuerySet:
        return self.filter(role=TaskAssignment.Role.LEAD)

    def open(self) -> TaskAssignmentQuerySet:
        return self.filter(completed_on__isnull=True, task__plan__status=Plan.Status.ISSUED).exclude(
            task__status=Task.Status.CANCELLED
        )

    def overdue(self, today: dt.date) -> TaskAssignmentQuerySet:
        return self.lead().open().filter(task__due_date__lt=today)


class TaskAssignment(models.Model):
    """A task assigned to one unit when its plan is issued: the unit's inbox and its own progress."""

    class Role(models.TextChoices):
        LEAD = "lead", "Chủ trì"
        COORDINATING = "coordinating", "Phối hợp"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("organisation.Unit", on_delete=models.CASCADE, related_name="plan_assignments")
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    progress = models.DecimalField("tiến độ (%)", max_digits=5, decimal_places=2, default=Decimal(0))
    completed_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    last_reported_on = models.DateField("cập nhật gần nhất", null=True, blank=True)
    assigned_at = models.DateTimeField(auto_now_add=True)

    objects = TaskAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["task__plan", "task__order", "unit__path"]
        verbose_name = "giao nhiệm vụ"
        constraints = [
            models.UniqueConstraint(fields=["task", "unit", "role"], name="plan_assignment_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.task} → {self.unit} ({self.get_role_display()})"

    def is_overdue(self, today: dt.date) -> bool:
        due = self.task.due_date
        return self.completed_on is None and due is not None and due < today and not self.task.is_done


class ProgressUpdateQuerySet(models.QuerySet["ProgressUpdate"]):
    def visible_to(self, user: Any) -> ProgressUpdateQuerySet:
        return self.filter(task__in=Task.objects.visible_to(user))


class ProgressUpdate(models.Model):
    """A dated report on a task: a lead unit's progress (%), or a coordinating unit's contribution."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", "Cập nhật tiến độ"
        CONTRIBUTION = "contribution", "Đóng góp của đơn vị phối hợp"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="plan_updates", verbose_name="đơn vị báo cáo"
    )
    kind = models.CharField("loại", max_length=20, choices=Kind.choices, default=Kind.PROGRESS)
    reported_on = models.DateField("ngày")
    percent = models.DecimalField("tiến độ (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.TextField("nội dung", blank=True)
    evidence = models.FileField("tệp minh chứng", upload_to="plans/evidence/%Y/%m/", blank=True)
    evidence_name = models.CharField("tên tệp", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["task", "-reported_on", "-pk"]
        verbose_name = "cập nhật tiến độ"

    def __str__(self) -> str:
        return f"{self.task} · {self.reported_on:%d/%m/%Y}"


class BudgetLine(models.Model):
    """A line of the budget appendix, in thousand đồng."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="budget_lines")
    order = models.PositiveSmallIntegerField(default=0)
    number = models.CharField("TT", max_length=10, blank=True)
    item = models.CharField("nội dung", max_length=500)
    total = models.DecimalField("tổng kinh phí (nghìn đồng)", max_digits=18, decimal_places=3)
    own = models.DecimalField("ngân sách tự đảm bảo", max_digits=18, decimal_places=3, null=True, blank=True)
    support = models.DecimalField("đề nghị hỗ trợ", max_digits=18, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = "dòng kinh phí"

    def __str__(self) -> str:
        return self.item


class ReportQuerySet(UnitScopedQuerySet):
    pass


class Report(models.Model):
    """A periodic reform report a unit sent upward: who reported which period, and when."""

    class Status(models.TextChoices):
        DRAFTED = "drafted", "Đã soạn dự thảo"
        SENT = "sent", "Đã gửi cấp trên"

    unit = models.ForeignKey("organisation.Unit", on_delete=models.CASCADE, related_name="plan_reports")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    period_key = models.CharField("kỳ báo cáo", max_length=30)
    period_kind = models.CharField("loại kỳ", max_length=20)
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFTED)
    number = models.CharField("số báo cáo", max_length=40, blank=True)
    note = models.TextField("ghi chú", blank=True)
    document = models.FileField("văn bản", upload_to="plans/reports/%Y/", blank=True)
    document_name = models.CharField(max_length=255, blank=True)
    sent_on = models.DateField("ngày gửi", null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period_key", "unit__path"]
        verbose_name = "báo cáo định kỳ"
        constraints = [models.UniqueConstraint(fields=["unit", "period_key"], name="plan_report_unique_period")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period_key}"


class ReminderSettings(models.Model):
    """When task reminders go out, as data an administrator edits (one row)."""

    days_before = models.JSONField("nhắc trước hạn (số ngày làm việc)", default=list)
    remind_overdue = models.BooleanField("nhắc khi quá hạn", default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "cấu hình nhắc việc kế hoạch"

    def __str__(self) -> str:
        return "Cấu hình nhắc việc"

    @classmethod
    def current(cls) -> ReminderSettings:
        found = cls.objects.order_by("pk").first()
        return found or cls(days_before=list(DEFAULT_REMINDER_DAYS), remind_overdue=True)

    def days(self) -> list[int]:
        return sorted({int(day) for day in self.days_before if int(day) > 0}, reverse=True)
