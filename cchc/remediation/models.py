"""Remediation: effort weights for the target planner, and the link from a remediation plan to its round.

The plan itself is an ordinary `plans.Plan` of kind «remediation» (tracked and issued like any plan);
`RemediationPlan` records which published round and target it came from, and `RemediationItem` which
criterion each of its tasks fixes, how many points the criterion lost and the direction of the fix.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from cchc.accounts.access import UnitScopedQuerySet


class EffortWeightQuerySet(UnitScopedQuerySet):
    unit_field = "unit"


class EffortWeight(models.Model):
    """A unit's own estimate of the effort of recovering a criterion, overriding the criterion's default.

    Keyed by criterion code rather than by criterion row: codes are stable across criteria-set
    versions, so a unit's estimates carry over to next year's round.
    """

    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.CASCADE, related_name="remediation_efforts", verbose_name="đơn vị"
    )
    criterion_code = models.CharField("mã tiêu chí", max_length=30)
    effort = models.DecimalField(
        "công sức", max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))], default=Decimal(1)
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = EffortWeightQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "criterion_code"]
        verbose_name = "công sức khắc phục"
        verbose_name_plural = "công sức khắc phục"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "criterion_code"],
                name="remediation_effort_unique_per_unit",
                violation_error_message="Đơn vị đã có công sức cho tiêu chí này.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_code}: {self.effort}"


class RemediationPlanQuerySet(UnitScopedQuerySet):
    unit_field = "plan__unit"


class RemediationPlan(models.Model):
    """A remediation plan drafted from a published round for one unit, with the target it aims at."""

    class TargetKind(models.TextChoices):
        RANK = "rank", "Thứ hạng"
        RISE = "rise", "Tăng bậc"
        INDEX = "index", "Chỉ số"

    plan = models.OneToOneField("plans.Plan", on_delete=models.CASCADE, related_name="remediation")
    round = models.ForeignKey(
        "assessment.Round", on_delete=models.PROTECT, related_name="remediation_plans", verbose_name="đợt đánh giá"
    )
    target_kind = models.CharField("loại mục tiêu", max_length=10, choices=TargetKind.choices)
    target_value = models.DecimalField("giá trị mục tiêu", max_digits=7, decimal_places=2)
    target_rank = models.PositiveIntegerField("thứ hạng mục tiêu", null=True, blank=True)
    current_rank = models.PositiveIntegerField("thứ hạng khi lập", null=True, blank=True)
    current_index = models.DecimalField("chỉ số khi lập", max_digits=7, decimal_places=2, null=True, blank=True)
    points_needed = models.DecimalField("số điểm cần tăng", max_digits=7, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RemediationPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "kế hoạch khắc phục"
        verbose_name_plural = "kế hoạch khắc phục"

    def __str__(self) -> str:
        return f"{self.plan} ← {self.round.code}"


class RemediationItemQuerySet(UnitScopedQuerySet):
    unit_field = "remediation__plan__unit"


class RemediationItem(models.Model):
    """One task of a remediation plan: the criterion it fixes, its lost points and the direction of the fix."""

    remediation = models.ForeignKey(RemediationPlan, on_delete=models.CASCADE, related_name="items")
    task = models.OneToOneField("plans.Task", on_delete=models.CASCADE, related_name="remediation_item")
    criterion = models.ForeignKey(
        "assessment.Criterion", on_delete=models.PROTECT, related_name="remediation_items", verbose_name="tiêu chí"
    )
    order = models.PositiveIntegerField(default=0)
    points_lost = models.DecimalField("điểm bị trừ", max_digits=7, decimal_places=2)
    maximum = models.DecimalField("điểm tối đa", max_digits=7, decimal_places=2)
    advising_position = models.CharField("vị trí tham mưu", max_length=150, blank=True)
    timeframe = models.CharField("thời gian thực hiện", max_length=300, blank=True)
    direction = models.TextField("định hướng khắc phục", blank=True)

    objects = RemediationItemQuerySet.as_manager()

    class Meta:
        ordering = ["remediation", "order", "pk"]
        verbose_name = "tiêu chí cần khắc phục"
        verbose_name_plural = "tiêu chí cần khắc phục"

    def __str__(self) -> str:
        return f"{self.criterion.code} (−{self.points_lost})"
