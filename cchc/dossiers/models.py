"""One-stop dossiers, their derived facts, the working calendar and the KPI aggregates.

A dossier's facts that do not depend on an as-of date (its end day, early / on time / late, apology
timing, working days taken, the days it starts being overdue) are computed once when it is imported,
and again only when the calendar or the rules change. The aggregate tables hold, per unit and day and
per unit, month and procedure, the counters every KPI screen sums; snapshot figures (overdue, in
progress) are kept as deltas whose prefix sum at a day is the count on that day. See `counters.py`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.accounts.access import UnitScopedQuerySet
from cchc.dossiers import classify
from cchc.dossiers.kpi_math import DEFAULT_766_FORMULAS


class Field(models.Model):
    """A field of procedures (lĩnh vực): Hộ tịch, Chứng thực, Đất đai…

    Every procedure has one; a register without the column files its procedures under UNKNOWN_FIELD.
    """

    name = models.CharField("lĩnh vực", max_length=255, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính), known by its national code."""

    code = models.CharField("mã TTHC", max_length=80, unique=True)
    name = models.CharField("tên TTHC", max_length=500, blank=True)
    field = models.ForeignKey(
        Field, null=True, blank=True, on_delete=models.PROTECT, related_name="procedures", verbose_name="lĩnh vực"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "thủ tục hành chính"
        verbose_name_plural = "thủ tục hành chính"

    def __str__(self) -> str:
        return f"{self.code} – {self.name}" if self.name else self.code


class Outcome(models.TextChoices):
    EARLY = classify.EARLY, "Trước hạn"
    ON_TIME = classify.ON_TIME, "Đúng hạn"
    LATE = classify.LATE, "Trễ hạn"
    OPEN = "open", "Chưa kết thúc"


class Channel(models.IntegerChoices):
    IN_PERSON = 1, "Trực tiếp"
    ONLINE = 2, "Trực tuyến"
    POSTAL = 3, "Bưu chính công ích"


class OnlineLevel(models.TextChoices):
    NONE = "", "Không"
    PARTIAL = "partial", "Một phần"
    FULL = "full", "Toàn trình"


class DossierQuerySet(UnitScopedQuerySet):
    """Dossiers, scoped to what a user may see through `UnitScopedQuerySet`."""


class Dossier(models.Model):
    """One dossier of the one-stop register. Timestamps are Vietnam local time made aware."""

    code = models.CharField("mã hồ sơ", max_length=100, unique=True)
    # No single-column index on the unit: SQLite's planner then walks whole aggregations through it
    # (see the performance notes); the composite indexes below start with the unit instead.
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name="đơn vị giải quyết",
        db_index=False,
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="dossiers", verbose_name="thủ tục", db_index=False
    )
    received_at = models.DateTimeField("ngày tiếp nhận")
    due_at = models.DateTimeField("ngày hẹn trả", null=True, blank=True)
    finished_at = models.DateTimeField("ngày kết thúc xử lý", null=True, blank=True)
    returned_at = models.DateTimeField("ngày trả kết quả", null=True, blank=True)
    channel = models.PositiveSmallIntegerField("kênh nộp", choices=Channel.choices, null=True, blank=True)
    online_level = models.CharField(
        "mức độ trực tuyến", max_length=10, choices=OnlineLevel.choices, blank=True, default=""
    )
    components_digitised = models.BooleanField("số hóa thành phần", default=False)
    result_digitised = models.BooleanField("số hóa kết quả", default=False)
    has_fee = models.BooleanField("có nghĩa vụ tài chính", default=False)
    paid_online = models.BooleanField("thanh toán trực tuyến", default=False)
    supplement_requests = models.PositiveSmallIntegerField("số lần yêu cầu bổ sung", default=0)
    apology_date = models.DateField("ngày xin lỗi", null=True, blank=True)
    status = models.CharField("trạng thái", max_length=100, blank=True)

    # Derived facts (see cchc/dossiers/facts.py), independent of any as-of date.
    received_day = models.DateField("ngày tiếp nhận (ngày)")
    due_day = models.DateField("hạn trả (ngày)", null=True, blank=True)
    end_day = models.DateField("ngày kết thúc (ngày)", null=True, blank=True)
    outcome = models.CharField("kết quả giải quyết", max_length=10, choices=Outcome.choices)
    apology_in_time = models.BooleanField("xin lỗi đúng hạn", null=True, blank=True)
    processing_working_days = models.IntegerField("số ngày làm việc giải quyết", null=True, blank=True)
    received_month = models.PositiveIntegerField("tháng tiếp nhận (YYYYMM)")
    end_month = models.PositiveIntegerField("tháng kết thúc (YYYYMM)", null=True, blank=True)
    overdue_from = models.DateField("quá hạn từ ngày", null=True, blank=True)
    overdue_apology_from = models.DateField("quá hạn đã xin lỗi từ ngày", null=True, blank=True)
    late_apology_after_end = models.BooleanField("trễ hạn, xin lỗi sau khi kết thúc", default=False)
    apology_gap_days = models.PositiveIntegerField("số ngày từ kết thúc đến xin lỗi", null=True, blank=True)

    imported_at = models.DateTimeField("cập nhật lúc")

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "hồ sơ TTHC"
        verbose_name_plural = "hồ sơ TTHC"
        indexes = [
            models.Index(fields=["unit", "received_day"], name="dossier_unit_received_idx"),
            models.Index(fields=["unit", "end_day"], name="dossier_unit_end_idx"),
            # Open dossiers are few: early-warning lists read this small index only.
            models.Index(fields=["unit", "due_day"], name="dossier_open_due_idx", condition=Q(end_day__isnull=True)),
            models.Index(
                fields=["unit", "overdue_from"], name="dossier_overdue_idx", condition=Q(overdue_from__isnull=False)
            ),
            models.Index(
                fields=["unit", "overdue_apology_from"],
                name="dossier_overdue_apology_idx",
                condition=Q(overdue_apology_from__isnull=False),
            ),
            # Covering: a KPI period's late dossiers still waiting for their apology are read from the
            # index alone (at 10M dossiers, reading their rows made a screen miss its 100 ms).
            models.Index(
                fields=["end_day", "apology_date", "unit", "procedure", "apology_in_time", "late_apology_after_end"],
                name="dossier_late_apology_idx",
                condition=Q(late_apology_after_end=True),
            ),
            models.Index(
                fields=["unit", "apology_date"],
                name="dossier_unit_late_apology_idx",
                condition=Q(late_apology_after_end=True),
            ),
            # The longest wait for an apology bounds the dossiers a period can span (see kpis.py).
            models.Index(
                fields=["apology_gap_days"],
                name="dossier_apology_gap_idx",
                condition=Q(late_apology_after_end=True),
            ),
        ]

    def __str__(self) -> str:
        return self.code


class CalendarYear(models.Model):
    """A year of the working calendar: seeded from the holiday library, then edited; versioned."""

    year = models.PositiveSmallIntegerField("năm", unique=True)
    version = models.PositiveIntegerField("phiên bản", default=1)
    library_version = models.CharField("phiên bản thư viện ngày lễ", max_length=40, blank=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["year"]
        verbose_name = "lịch làm việc năm"

    def __str__(self) -> str:
        return f"Lịch làm việc năm {self.year} (phiên bản {self.version})"


class CalendarDay(models.Model):
    """A day that differs from the Monday–Friday rule: a holiday, a day off or a worked Saturday."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "Ngày lễ, Tết"
        DAY_OFF = "day_off", "Ngày nghỉ (hoán đổi, nghỉ bù)"
        WORKING_DAY = "working_day", "Ngày làm việc (làm bù)"

    class Source(models.TextChoices):
        LIBRARY = "library", "Thư viện ngày lễ"
        ADMINISTRATOR = "administrator", "Quản trị viên"

    day = models.DateField("ngày", unique=True)
    year = models.PositiveSmallIntegerField("năm", db_index=True, editable=False)
    kind = models.CharField("loại ngày", max_length=20, choices=Kind.choices)
    name = models.CharField("tên, lý do", max_length=255, blank=True)
    source = models.CharField("nguồn", max_length=20, choices=Source.choices, default=Source.ADMINISTRATOR)

    class Meta:
        ordering = ["day"]
        verbose_name = "ngày đặc biệt"
        verbose_name_plural = "ngày đặc biệt"

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} – {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.year = self.day.year
        super().save(*args, **kwargs)


class WorkingDayTally(models.Model):
    """Cumulative working days per calendar day: the lookup table SQL recomputation joins on."""

    day = models.DateField(primary_key=True)
    through = models.IntegerField()  # working days from the origin up to and including `day`
    before = models.IntegerField()  # the same, up to the day before

    class Meta:
        verbose_name = "số ngày làm việc lũy kế"

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}: {self.through}"


def default_766_formulas() -> dict[str, Any]:
    return DEFAULT_766_FORMULAS


class DossierSettings(models.Model):
    """The rules the issue asks to keep configurable: one row."""

    max_supplement_requests_before_late = models.PositiveSmallIntegerField(
        "số lần yêu cầu bổ sung tối đa",
        default=1,
        help_text="Hồ sơ có số lần yêu cầu bổ sung nhiều hơn số này bị tính là trễ hạn.",
    )
    apology_working_days_before_due = models.PositiveSmallIntegerField(
        "số ngày làm việc xin lỗi trước hạn",
        default=1,
        help_text="Văn bản xin lỗi phải ban hành trước ngày hẹn trả ít nhất chừng này ngày làm việc.",
    )
    warning_working_days = models.PositiveSmallIntegerField(
        "cảnh báo sắp đến hạn (ngày làm việc)", default=3, help_text="Hồ sơ đến hạn trong chừng này ngày làm việc."
    )
    formula_766 = models.JSONField("công thức điểm Quyết định 766", default=default_766_formulas)
    facts_stale_since = models.DateTimeField("cần tính lại từ", null=True, blank=True)
    facts_computed_at = models.DateTimeField("tính lại lần cuối", null=True, blank=True)

    class Meta:
        verbose_name = "quy tắc tính hồ sơ"

    def __str__(self) -> str:
        return "Quy tắc tính hồ sơ TTHC"

    @classmethod
    def current(cls) -> DossierSettings:
        row = cls.objects.order_by("pk").first()
        if row is None:
            row = cls.objects.create()
        return row

    def rules(self) -> classify.DossierRules:
        return classify.DossierRules(
            max_supplement_requests_before_late=self.max_supplement_requests_before_late,
            apology_working_days_before_due=self.apology_working_days_before_due,
        )


class SavedImportProfile(models.Model):
    """A saved header mapping for one kind of export: field name → header text (aliases split by «|»)."""

    name = models.CharField("tên mẫu", max_length=100, unique=True)
    headers = models.JSONField("tiêu đề cột", default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "mẫu tệp nhập"

    def __str__(self) -> str:
        return self.name


class ApiClient(models.Model):
    """A one-stop system allowed to push dossiers of its unit's subtree. Only the token's hash is kept."""

    name = models.CharField("tên hệ thống", max_length=200)
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="dossier_api_clients", verbose_name="đơn vị"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField("đầu mã khóa", max_length=12, editable=False)
    is_active = models.BooleanField("đang dùng", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    last_used_at = models.DateTimeField("dùng lần cuối", null=True, blank=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "hệ thống kết nối"

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class ImportBatch(models.Model):
    """One file or one pushed batch: what came in and what became of it."""

    class Source(models.TextChoices):
        FILE = "file", "Tệp"
        API = "api", "Kết nối"
        DEMO = "demo", "Dữ liệu mẫu"

    class Status(models.TextChoices):
        IMPORTED = "imported", "Đã nhập"
        PARTIAL = "partial", "Nhập một phần"
        REJECTED = "rejected", "Bị từ chối"

    source = models.CharField("nguồn", max_length=10, choices=Source.choices)
    name = models.CharField("tệp", max_length=255)
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices)
    rows = models.PositiveIntegerField("số dòng", default=0)
    created = models.PositiveIntegerField("hồ sơ mới", default=0)
    updated = models.PositiveIntegerField("hồ sơ cập nhật", default=0)
    rejected = models.PositiveIntegerField("dòng lỗi", default=0)
    seconds = models.FloatField("thời gian (giây)", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    api_client = models.ForeignKey(ApiClient, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey("organisation.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("lúc", auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "lần nhập hồ sơ"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"


class Counters(models.Model):
    """The counters of one aggregate row; names and meaning in cchc/dossiers/counters.py.

    The aggregates are derived from the dossiers and rebuilt from them, so their foreign keys carry
    no database constraint: on PostgreSQL each inserted row would queue two deferred checks (seconds
    at commit for a rebuild). Deleting a unit or a procedure still cascades through Django.
    """

    received = models.IntegerField(default=0)
    online = models.IntegerField(default=0)
    online_full = models.IntegerField(default=0)
    components_digitised = models.IntegerField(default=0)
    with_fee = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    settled = models.IntegerField(default=0)
    early = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    results_digitised = models.IntegerField(default=0)
    late_apologised = models.IntegerField(default=0)
    late_apologised_in_time = models.IntegerField(default=0)
    late_apologised_after_end = models.IntegerField(default=0)
    late_apologised_after_end_in_time = models.IntegerField(default=0)
    processing_days_total = models.BigIntegerField(default=0)
    open_delta = models.IntegerField(default=0)
    overdue_delta = models.IntegerField(default=0)
    overdue_apologised_delta = models.IntegerField(default=0)
    overdue_apologised_in_time_delta = models.IntegerField(default=0)
    apology_pending_delta = models.IntegerField(default=0)
    apology_pending_in_time_delta = models.IntegerField(default=0)

    class Meta:
        abstract = True


def _derived_key(to: Any) -> models.ForeignKey[Any, Any]:
    """A key of an aggregate row: indexed by the row's unique constraint, not checked by the database."""
    return models.ForeignKey(to, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False)


class UnitDayCount(Counters):
    unit = _derived_key("organisation.Unit")
    day = models.DateField()

    class Meta:
        verbose_name = "tổng hợp hồ sơ theo ngày"
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="dossier_unit_day_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.day:%d/%m/%Y}"


class UnitMonthCount(Counters):
    unit = _derived_key("organisation.Unit")
    month = models.PositiveIntegerField()  # YYYYMM

    class Meta:
        verbose_name = "tổng hợp hồ sơ theo tháng"
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="dossier_unit_month_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.month}"


class FieldDayCount(Counters):
    unit = _derived_key("organisation.Unit")
    day = models.DateField()
    field = _derived_key(Field)

    class Meta:
        verbose_name = "tổng hợp hồ sơ theo ngày và lĩnh vực"
        constraints = [models.UniqueConstraint(fields=["unit", "day", "field"], name="dossier_unit_day_field_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.day:%d/%m/%Y} · {self.field_id}"


class FieldMonthCount(Counters):
    unit = _derived_key("organisation.Unit")
    month = models.PositiveIntegerField()  # YYYYMM
    field = _derived_key(Field)

    class Meta:
        verbose_name = "tổng hợp hồ sơ theo tháng và lĩnh vực"
        constraints = [
            models.UniqueConstraint(fields=["unit", "month", "field"], name="dossier_unit_month_field_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.month} · {self.field_id}"


class ProcedureMonthCount(Counters):
    unit = _derived_key("organisation.Unit")
    month = models.PositiveIntegerField()  # YYYYMM
    procedure = _derived_key(Procedure)

    class Meta:
        verbose_name = "tổng hợp hồ sơ theo tháng và thủ tục"
        constraints = [
            models.UniqueConstraint(fields=["unit", "month", "procedure"], name="dossier_unit_month_procedure_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.month} · {self.procedure_id}"
