"""The organisation: a tree of units of any depth with kinds as data and history across mergers."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone


class UnitKind(models.Model):
    """A kind of unit (tỉnh, xã, phường, sở…). Data, so that a province can add its own."""

    class Level(models.TextChoices):
        PROVINCE = "province", "Cấp tỉnh"
        DISTRICT = "district", "Cấp huyện (trước 2025)"
        COMMUNE = "commune", "Cấp xã"
        AGENCY = "agency", "Cơ quan chuyên môn"
        OFFICE = "office", "Phòng, bộ phận"

    code = models.SlugField("mã loại", max_length=40, unique=True)
    name = models.CharField("tên loại", max_length=100, unique=True)
    level = models.CharField("cấp", max_length=20, choices=Level.choices)
    is_administrative = models.BooleanField(
        "đơn vị hành chính", default=True, help_text="Có Ủy ban nhân dân (tỉnh, xã, phường…), khác sở, phòng."
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "loại đơn vị"

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(models.QuerySet["Unit"]):
    def active_on(self, day: date | None = None) -> UnitQuerySet:
        day = day or timezone.localdate()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        return self.filter(path__startswith=unit.path)

    def visible_to(self, user: Any) -> UnitQuerySet:
        """The one rule for which units a user may see: see cchc.accounts.access."""
        from cchc.accounts.access import visible_unit_filter

        return self.filter(visible_unit_filter(user))


class Unit(models.Model):
    """An organisational unit: a People's Committee, a department, an office.

    `path` is a materialised path of zero-padded ids ("000001.000042.") so that a whole subtree is one
    indexed prefix query, which every scoped screen needs; it is maintained by the services.
    """

    code = models.CharField("mã đơn vị", max_length=40, unique=True)
    name = models.CharField("tên đơn vị", max_length=255)
    kind = models.ForeignKey(UnitKind, on_delete=models.PROTECT, related_name="units", verbose_name="loại")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="cấp trên"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        verbose_name="đơn vị kế thừa",
        help_text="Đơn vị mới sau sáp nhập, để lịch sử của đơn vị cũ vẫn đọc được.",
    )
    place_name = models.CharField(
        "địa danh", max_length=100, blank=True, help_text="Dùng trong văn bản: «Hoàng Việt, ngày …»."
    )
    email = models.EmailField("thư điện tử", blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range_ordered",
                violation_error_message="Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: date | None = None) -> bool:
        day = day or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or self.valid_to >= day)

    def ancestors(self) -> UnitQuerySet:
        prefixes = [self.path[: index + 7] for index in range(0, len(self.path) - 7, 7)]
        return Unit.objects.filter(path__in=prefixes).order_by("depth")

    def descendants(self, include_self: bool = True) -> UnitQuerySet:
        queryset = Unit.objects.subtree_of(self)
        return queryset if include_self else queryset.exclude(pk=self.pk)
