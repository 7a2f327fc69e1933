"""Measures: every number the product speaks of, with values per unit and period.

A dossier KPI, a survey index, a task completion rate and a figure reported by hand are all a
`Measure`. Criteria, plan objectives, scorecards and dashboards read measures through
`cchc.measures.readings`, never computing their own.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.accounts.access import UnitScopedQuerySet


class Measure(models.Model):
    class Kind(models.TextChoices):
        PERCENTAGE = "percentage", "Tỷ lệ (%)"
        COUNT = "count", "Số lượng"
        MONEY = "money", "Số tiền (nghìn đồng)"
        DAYS = "days", "Số ngày"
        YES_NO = "yes_no", "Có/Không"
        INDEX = "index", "Chỉ số (điểm)"

    class Periodicity(models.TextChoices):
        MONTH = "month", "Hằng tháng"
        QUARTER = "quarter", "Hằng quý"
        YEAR = "year", "Hằng năm"

    class Aggregation(models.TextChoices):
        SUM = "sum", "Cộng"
        WEIGHTED_RATE = "weighted_rate", "Tỷ lệ từ tổng tử số / tổng mẫu số"
        MEAN = "mean", "Trung bình"
        LATEST = "latest", "Giá trị mới nhất"

    class Source(models.TextChoices):
        DOSSIERS = "dossiers", "Tính từ hồ sơ TTHC"
        SURVEYS = "surveys", "Tính từ khảo sát"
        TASKS = "tasks", "Tính từ nhiệm vụ kế hoạch"
        ASSESSMENT = "assessment", "Tính từ kết quả chấm điểm"
        REPORTED = "reported", "Đơn vị báo cáo"

    code = models.CharField("mã chỉ số", max_length=80, unique=True)
    name = models.CharField("tên chỉ số", max_length=255)
    definition = models.TextField("định nghĩa", blank=True)
    numerator_label = models.CharField("tử số", max_length=255, blank=True)
    denominator_label = models.CharField("mẫu số", max_length=255, blank=True)
    kind = models.CharField("loại giá trị", max_length=20, choices=Kind.choices)
    higher_is_better = models.BooleanField("càng cao càng tốt", default=True)
    periodicity = models.CharField("kỳ báo cáo", max_length=10, choices=Periodicity.choices, default=Periodicity.MONTH)
    aggregation = models.CharField("cách tổng hợp lên cấp trên", max_length=20, choices=Aggregation.choices)
    source = models.CharField("nguồn", max_length=20, choices=Source.choices)
    reform_area = models.PositiveSmallIntegerField(
        "lĩnh vực CCHC", null=True, blank=True, help_text="1–8 theo cấu trúc Chỉ số CCHC; dùng để sắp xếp thẻ điểm."
    )
    reporting_day = models.PositiveSmallIntegerField(
        "hạn báo cáo (ngày của tháng sau)", default=5, help_text="Với chỉ số báo cáo: hạn nhập số liệu của kỳ."
    )
    reporting_level = models.CharField(
        "cấp báo cáo", max_length=20, blank=True, help_text="Cấp đơn vị phải báo cáo (ví dụ: commune)."
    )
    is_active = models.BooleanField("đang dùng", default=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=100)

    class Meta:
        ordering = ["reform_area", "order", "code"]
        verbose_name = "chỉ số"

    def __str__(self) -> str:
        return self.name

    @property
    def is_reported(self) -> bool:
        return self.source == self.Source.REPORTED

    @property
    def is_rate(self) -> bool:
        return self.aggregation == self.Aggregation.WEIGHTED_RATE


class MeasureValueQuerySet(UnitScopedQuerySet):
    def approved(self) -> MeasureValueQuerySet:
        return self.filter(status__in=[MeasureValue.Status.APPROVED, MeasureValue.Status.COMPUTED])


class MeasureValue(models.Model):
    """One unit's value of a measure for one period: entered, imported, or computed and stored."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Đang nhập"
        SUBMITTED = "submitted", "Chờ duyệt"
        RETURNED = "returned", "Trả lại"
        APPROVED = "approved", "Đã duyệt"
        COMPUTED = "computed", "Tự động tính"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values", verbose_name="chỉ số")
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.CASCADE, related_name="measure_values", verbose_name="đơn vị"
    )
    period_key = models.CharField("kỳ", max_length=30)
    period_start = models.DateField()
    period_end = models.DateField()
    numerator = models.DecimalField("tử số", max_digits=20, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField("mẫu số", max_digits=20, decimal_places=4, null=True, blank=True)
    value = models.DecimalField("giá trị", max_digits=20, decimal_places=4, null=True, blank=True)
    status = models.CharField("trạng thái", max_length=20, choices=Status.choices, default=Status.DRAFT)
    note = models.TextField("ghi chú", blank=True)
    evidence = models.FileField("tệp minh chứng", upload_to="measures/%Y/", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người nhập",
    )
    entered_at = models.DateTimeField("nhập lúc", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người duyệt",
    )
    reviewed_at = models.DateTimeField("duyệt lúc", null=True, blank=True)
    review_note = models.TextField("ý kiến duyệt", blank=True)

    objects = MeasureValueQuerySet.as_manager()

    class Meta:
        ordering = ["measure", "unit", "period_start"]
        verbose_name = "giá trị chỉ số"
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "unit", "period_key"],
                name="measure_value_unique_per_period",
                violation_error_message="Đơn vị đã có số liệu của chỉ số này cho kỳ này.",
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gte=0),
                name="measure_value_denominator_not_negative",
                violation_error_message="Mẫu số không được âm.",
            ),
        ]
        indexes = [models.Index(fields=["measure", "period_start", "period_end"], name="measure_value_period_idx")]

    def __str__(self) -> str:
        return f"{self.measure.code} · {self.unit} · {self.period_key}"

    @property
    def is_locked(self) -> bool:
        return self.status in {self.Status.APPROVED, self.Status.COMPUTED}

    def computed_value(self) -> Decimal | None:
        if self.value is not None:
            return self.value
        if self.numerator is not None and self.denominator:
            return self.numerator * 100 / self.denominator
        return None


class Target(models.Model):
    """A target on a measure: set by a plan objective, a criterion threshold or by hand."""

    class Comparator(models.TextChoices):
        AT_LEAST = ">=", "≥"
        MORE_THAN = ">", ">"
        AT_MOST = "<=", "≤"
        LESS_THAN = "<", "<"
        EQUAL = "=", "="

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="targets", verbose_name="chỉ số")
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.CASCADE,
        related_name="measure_targets",
        verbose_name="đơn vị",
        help_text="Áp dụng cho đơn vị này (và từng đơn vị cấp dưới nếu chọn).",
    )
    applies_to_units_below = models.BooleanField("áp dụng cho từng đơn vị cấp dưới", default=False)
    comparator = models.CharField("so sánh", max_length=2, choices=Comparator.choices, default=Comparator.AT_LEAST)
    value = models.DecimalField("chỉ tiêu", max_digits=20, decimal_places=4)
    period_key = models.CharField("kỳ", max_length=30, help_text="Kỳ áp dụng, ví dụ 2025.")
    due_date = models.DateField("thời hạn", null=True, blank=True)
    source_label = models.CharField("căn cứ", max_length=255, blank=True, help_text="Mục tiêu kế hoạch, tiêu chí…")
    source_object_type = models.CharField(max_length=100, blank=True)
    source_object_id = models.CharField(max_length=64, blank=True)
    # Before the target's period ends, a value short of the target by at most `on_track_margin` is on
    # track and by at most `at_risk_margin` at risk (points for rates and indexes, per cent of the target
    # for counts, money and days); see cchc.measures.targets.
    on_track_margin = models.DecimalField(
        "biên độ «đúng hướng»",
        max_digits=8,
        decimal_places=2,
        default=Decimal(2),
        help_text="Thiếu không quá mức này so với chỉ tiêu (điểm %; hoặc % chỉ tiêu với số lượng, tiền, ngày).",
    )
    at_risk_margin = models.DecimalField(
        "biên độ «có nguy cơ»",
        max_digits=8,
        decimal_places=2,
        default=Decimal(5),
        help_text="Thiếu quá biên độ này khi kỳ chưa kết thúc là «chệch hướng».",
    )

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["measure", "period_key"]
        verbose_name = "chỉ tiêu"

    def __str__(self) -> str:
        return f"{self.measure.name} {self.get_comparator_display()} {self.value}"
