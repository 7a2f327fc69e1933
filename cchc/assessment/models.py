"""The PAR Index assessment: criteria sets as versioned data, rounds, phases, scores and evidence.

A criteria set is imported from data (see framework_io) and never edited in place once a round uses it:
a changed set is a new version. A round assesses a set of units against one criteria set for one year.
Each participating unit declares data and self-scores every leaf, backs it with evidence or an
explanation, its leader submits, the superior appraises, and the administrator publishes, which
freezes the results on the round's units.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.accounts.access import UnitScopedQuerySet, visible_unit_filter
from cchc.assessment.scoring import BONUS, DECLARED_INPUTS, KIND_LABELS, MANUAL, MEASURE, Rule


class CriteriaSet(models.Model):
    """A versioned criteria set (bộ tiêu chí): code + version, valid for a range of years and unit kinds."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Dự thảo"
        ACTIVE = "active", "Đang áp dụng"
        RETIRED = "retired", "Hết áp dụng"

    code = models.CharField("mã bộ tiêu chí", max_length=60)
    version = models.PositiveSmallIntegerField("phiên bản", default=1)
    name = models.CharField("tên bộ tiêu chí", max_length=300)
    year_from = models.PositiveSmallIntegerField("từ năm")
    year_to = models.PositiveSmallIntegerField("đến năm", null=True, blank=True)
    unit_kinds = models.JSONField("loại đơn vị áp dụng", default=list, blank=True)
    decision = models.CharField("quyết định ban hành", max_length=500, blank=True)
    is_sample = models.BooleanField("bộ mẫu", default=False)
    total_points = models.DecimalField("tổng điểm", max_digits=7, decimal_places=2, default=Decimal(100))
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    imported_at = models.DateTimeField("nhập lúc", auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = "bộ tiêu chí"
        verbose_name_plural = "bộ tiêu chí"
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                name="assessment_criteria_set_unique_version",
                violation_error_message="Bộ tiêu chí đã có phiên bản này.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (phiên bản {self.version})"

    @property
    def label(self) -> str:
        return f"{self.code} v{self.version}"

    @property
    def years_label(self) -> str:
        if self.year_to is None:
            return f"từ năm {self.year_from}"
        if self.year_to == self.year_from:
            return f"năm {self.year_from}"
        return f"{self.year_from}–{self.year_to}"

    def applies_to_year(self, year: int) -> bool:
        return self.year_from <= year and (self.year_to is None or year <= self.year_to)


class Criterion(models.Model):
    """A node of the tree: area → criterion → sub-criterion of any depth. Only leaves carry a rule."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    code = models.CharField("mã", max_length=30)
    title = models.TextField("tên tiêu chí")
    max_points = models.DecimalField("điểm tối đa", max_digits=7, decimal_places=2)
    is_leaf = models.BooleanField(default=True)
    depth = models.PositiveSmallIntegerField(default=0)
    rule_kind = models.CharField("cách chấm", max_length=20, blank=True)
    params = models.JSONField("tham số", default=dict, blank=True)
    evidence_required = models.TextField("minh chứng yêu cầu", blank=True)
    advising_position = models.CharField("vị trí tham mưu", max_length=150, blank=True)
    remediation_hint = models.TextField("hướng khắc phục", blank=True)
    timeframe = models.CharField("thời gian khắc phục", max_length=150, blank=True)
    effort = models.DecimalField("công sức khắc phục", max_digits=6, decimal_places=2, default=Decimal(1))
    survey = models.BooleanField("điểm điều tra xã hội học", default=False)
    order = models.PositiveIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["criteria_set", "order"]
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "code"],
                name="assessment_criterion_unique_code_per_set",
                violation_error_message="Mã tiêu chí bị trùng trong bộ tiêu chí.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    def rule(self) -> Rule:
        return Rule(kind=self.rule_kind or MANUAL, max_points=self.max_points, params=self.params or {})

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.rule_kind or MANUAL, self.rule_kind)

    @property
    def is_bonus(self) -> bool:
        return self.is_leaf and self.rule_kind == BONUS

    @property
    def measure_code(self) -> str | None:
        if self.rule_kind != MEASURE:
            return None
        code = (self.params or {}).get("measure")
        return code if isinstance(code, str) else None

    @property
    def declared_input(self) -> str:
        if not self.is_leaf:
            return ""
        if self.rule_kind == BONUS and "points" in (self.params or {}):
            return "boolean"
        return DECLARED_INPUTS.get(self.rule_kind or MANUAL, "points")

    @property
    def minimum_points(self) -> Decimal:
        """The lowest points the leaf can take: a penalty leaf with a negative floor takes points away."""
        if self.rule_kind == "penalty":
            return min(Decimal(0), Decimal(str((self.params or {}).get("floor", 0))))
        return Decimal(0)

    @property
    def maximum_points(self) -> Decimal:
        """The highest points the leaf can take: a bonus leaf's cap, else its maximum."""
        if self.rule_kind == BONUS:
            return Decimal(str((self.params or {}).get("cap", self.max_points)))
        return self.max_points


class RoundQuerySet(UnitScopedQuerySet):
    unit_field = "organiser"

    def visible_to(self, user: Any) -> RoundQuerySet:
        """Rounds the user organises or sees from above, and rounds one of the user's units takes part in."""
        from cchc.organisation.models import Unit

        visible = Unit.objects.filter(visible_unit_filter(user))
        return self.filter(Q(organiser__in=visible) | Q(round_units__unit__in=visible)).distinct()  # type: ignore[return-value]


class Round(models.Model):
    """An assessment round (đợt đánh giá): a criteria set × a year × participating units."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "Đang đánh giá"
        PUBLISHED = "published", "Đã công bố"

    code = models.CharField("mã đợt", max_length=60, unique=True)
    name = models.CharField("tên đợt đánh giá", max_length=300)
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="rounds", verbose_name="bộ tiêu chí"
    )
    year = models.PositiveSmallIntegerField("năm đánh giá")
    organiser = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="organised_rounds",
        verbose_name="cơ quan tổ chức đánh giá",
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_rounds", verbose_name="đợt trước"
    )
    thresholds = models.JSONField(
        "ngưỡng xếp loại", default=list, blank=True, help_text='Ví dụ: [{"min_index": 90, "label": "Xuất sắc"}, …]'
    )
    has_second_appraisal = models.BooleanField("có thẩm định vòng hai", default=False)
    status = models.CharField("trạng thái", max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    published_at = models.DateTimeField("công bố lúc", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = "đợt đánh giá"
        verbose_name_plural = "đợt đánh giá"

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class RoundUnitQuerySet(UnitScopedQuerySet):
    unit_field = "unit"


class RoundUnit(models.Model):
    """A unit taking part in a round; after publication it keeps the frozen result."""

    class State(models.TextChoices):
        DRAFT = "draft", "Đang tự đánh giá"
        SUBMITTED = "submitted", "Đã gửi tự đánh giá"
        APPRAISED = "appraised", "Đã thẩm định"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="round_units", verbose_name="đợt")
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="assessment_entries", verbose_name="đơn vị"
    )
    state = models.CharField("trạng thái", max_length=20, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The published result, frozen by publication so that later years compare with what was announced.
    points = models.DecimalField("điểm đạt", max_digits=7, decimal_places=2, null=True, blank=True)
    applicable_max = models.DecimalField("điểm tối đa áp dụng", max_digits=7, decimal_places=2, null=True, blank=True)
    index = models.DecimalField("chỉ số (%)", max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField("xếp hạng", null=True, blank=True)
    rank_change = models.IntegerField("thay đổi thứ hạng", null=True, blank=True)
    group_label = models.CharField("xếp loại", max_length=100, blank=True)

    objects = RoundUnitQuerySet.as_manager()

    class Meta:
        ordering = ["round", "unit__path"]
        verbose_name = "đơn vị tham gia đánh giá"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"],
                name="assessment_round_unit_unique",
                violation_error_message="Đơn vị đã có trong đợt đánh giá này.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.round}"

    @property
    def is_submitted(self) -> bool:
        return self.state != self.State.DRAFT


class Phase(models.Model):
    """A step of the round with its dates; a closed phase locks what it governs."""

    class Kind(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", "Tự đánh giá"
        APPRAISAL = "appraisal", "Thẩm định"
        SECOND_APPRAISAL = "second_appraisal", "Thẩm định vòng hai"
        SURVEY_POINTS = "survey_points", "Điểm điều tra xã hội học"
        FINAL = "final", "Tổng hợp kết quả"
        PUBLISHED = "published", "Công bố"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="phases", verbose_name="đợt")
    kind = models.CharField("giai đoạn", max_length=20, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(default=0)
    opens_on = models.DateField("bắt đầu", null=True, blank=True)
    closes_on = models.DateField("hạn", null=True, blank=True)
    closed = models.BooleanField("đã đóng", default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField("mở lại lúc", null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopen_reason = models.TextField("lý do mở lại", blank=True)

    class Meta:
        ordering = ["round", "order"]
        verbose_name = "giai đoạn"
        verbose_name_plural = "giai đoạn"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kind"],
                name="assessment_phase_unique_kind_per_round",
                violation_error_message="Đợt đánh giá đã có giai đoạn này.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.round}"

    def is_open(self, today: dt.date) -> bool:
        """Open: not closed, started, and the deadline not passed. A passed deadline locks like closing."""
        if self.closed:
            return False
        if self.opens_on is not None and today < self.opens_on:
            return False
        return self.closes_on is None or today <= self.closes_on

    def state_label(self, today: dt.date) -> str:
        if self.closed:
            return "Đã đóng"
        if self.opens_on is not None and today < self.opens_on:
            return "Chưa mở"
        if self.closes_on is not None and today > self.closes_on:
            return "Đã hết hạn"
        return "Đang mở"


class LeafScoreQuerySet(UnitScopedQuerySet):
    unit_field = "round_unit__unit"


class LeafScore(models.Model):
    """One unit's declaration and scores on one leaf: self, appraised and (where configured) second."""

    class Status(models.TextChoices):
        EMPTY = "empty", "Chưa chấm"
        SELF_SCORED = "self_scored", "Đã tự chấm"
        APPRAISED = "appraised", "Đã thẩm định"
        SECOND_APPRAISED = "second_appraised", "Đã thẩm định vòng hai"

    round_unit = models.ForeignKey(RoundUnit, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    declared_number = models.DecimalField("số liệu khai báo", max_digits=14, decimal_places=2, null=True, blank=True)
    declared_boolean = models.BooleanField("đạt/không đạt", null=True, blank=True)
    measure_value = models.DecimalField("giá trị từ chỉ số", max_digits=14, decimal_places=2, null=True, blank=True)
    not_applicable = models.BooleanField("không áp dụng", default=False)
    self_points = models.DecimalField("điểm tự chấm", max_digits=7, decimal_places=2, null=True, blank=True)
    self_explanation = models.TextField("giải trình", blank=True)
    appraised_points = models.DecimalField("điểm thẩm định", max_digits=7, decimal_places=2, null=True, blank=True)
    appraisal_note = models.TextField("ý kiến thẩm định", blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appraised_at = models.DateTimeField(null=True, blank=True)
    second_points = models.DecimalField(
        "điểm thẩm định vòng hai", max_digits=7, decimal_places=2, null=True, blank=True
    )
    second_note = models.TextField("ý kiến thẩm định vòng hai", blank=True)
    second_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    second_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField("trạng thái", max_length=20, choices=Status.choices, default=Status.EMPTY)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = LeafScoreQuerySet.as_manager()

    class Meta:
        ordering = ["round_unit", "criterion__order"]
        verbose_name = "điểm tiêu chí"
        constraints = [
            models.UniqueConstraint(
                fields=["round_unit", "criterion"],
                name="assessment_leaf_score_unique",
                violation_error_message="Tiêu chí đã có điểm của đơn vị trong đợt này.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code} · {self.round_unit.unit}"

    @property
    def appraised_counted(self) -> Decimal | None:
        """The appraisal that counts: the second round where present, else the first."""
        return self.second_points if self.second_points is not None else self.appraised_points

    @property
    def counted_points(self) -> Decimal | None:
        appraised = self.appraised_counted
        return appraised if appraised is not None else self.self_points

    @property
    def declared(self) -> Decimal | bool | None:
        return self.declared_boolean if self.declared_boolean is not None else self.declared_number


def evidence_path(instance: Evidence, filename: str) -> str:
    # A random name: nothing about the stored path is guessable or reveals the original title.
    extension = PurePath(filename).suffix.lower()
    return f"assessment/evidence/{instance.unit_id}/{uuid.uuid4().hex}{extension}"


class Evidence(models.Model):
    """A document in a unit's evidence library; it can back several criteria and be reused next year."""

    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="assessment_evidence", verbose_name="đơn vị"
    )
    title = models.CharField("tên tài liệu", max_length=300)
    year = models.PositiveSmallIntegerField("năm")
    file = models.FileField("tệp", upload_to=evidence_path, max_length=300)
    original_name = models.CharField("tên tệp gốc", max_length=255)
    content_type = models.CharField("loại tệp", max_length=100)
    size = models.PositiveBigIntegerField("dung lượng (byte)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("tải lên lúc", auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = "tài liệu kiểm chứng"
        verbose_name_plural = "tài liệu kiểm chứng"

    def __str__(self) -> str:
        return self.title

    @property
    def size_kilobytes(self) -> Decimal:
        return (Decimal(self.size) / 1024).quantize(Decimal(1)) if self.size else Decimal(0)


class EvidenceLinkQuerySet(UnitScopedQuerySet):
    unit_field = "evidence__unit"


class EvidenceLink(models.Model):
    """Evidence backing one leaf of one unit's assessment."""

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="links")
    leaf_score = models.ForeignKey(LeafScore, on_delete=models.CASCADE, related_name="evidence_links")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    objects = EvidenceLinkQuerySet.as_manager()

    class Meta:
        ordering = ["leaf_score", "evidence__title"]
        verbose_name = "liên kết minh chứng"
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "leaf_score"],
                name="assessment_evidence_link_unique",
                violation_error_message="Tài liệu đã được gắn cho tiêu chí này.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.evidence} → {self.leaf_score}"


class EvidenceRequestQuerySet(UnitScopedQuerySet):
    unit_field = "leaf_score__round_unit__unit"


class EvidenceRequest(models.Model):
    """An appraiser's request for more evidence on a leaf; the unit answers while the phase is open."""

    class Status(models.TextChoices):
        OPEN = "open", "Chờ bổ sung"
        ANSWERED = "answered", "Đã bổ sung"

    leaf_score = models.ForeignKey(LeafScore, on_delete=models.CASCADE, related_name="evidence_requests")
    phase_kind = models.CharField("giai đoạn", max_length=20, choices=Phase.Kind.choices)
    note = models.TextField("nội dung yêu cầu")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField("trả lời", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = EvidenceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = "yêu cầu bổ sung minh chứng"

    def __str__(self) -> str:
        return f"Yêu cầu bổ sung: {self.leaf_score}"
