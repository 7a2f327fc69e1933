"""People, their positions and their roles in units."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cchc.organisation.models import Unit


class User(AbstractUser):
    """A person who logs in. What they may see and do comes from their memberships (see access.py)."""

    full_name = models.CharField("họ và tên", max_length=150, blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)

    class Meta:
        verbose_name = "người dùng"
        ordering = ["full_name", "username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Role(models.TextChoices):
    """Roles; what each may see and change is decided in cchc.accounts.access, nowhere else."""

    ADMINISTRATOR = "administrator", "Quản trị hệ thống"
    LEADER = "leader", "Lãnh đạo đơn vị"
    FOCAL = "focal", "Cán bộ đầu mối CCHC"
    SPECIALIST = "specialist", "Công chức chuyên môn"
    APPRAISER = "appraiser", "Thẩm định viên cấp trên"
    VIEWER = "viewer", "Người xem"


class Position(models.Model):
    """A position in a unit («Chủ tịch», «Công chức Văn phòng – Thống kê»). Criteria name the position
    that usually advises on them, which is how a remediation task finds its responsible official."""

    name = models.CharField("chức vụ, vị trí", max_length=150, unique=True)
    short_name = models.CharField("tên ngắn", max_length=60, blank=True)
    is_leadership = models.BooleanField("thuộc lãnh đạo", default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "chức vụ"

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> MembershipQuerySet:
        today = timezone.localdate()
        return self.filter(is_active=True).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))


class Membership(models.Model):
    """A person's place in a unit: a position and a role."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name="người")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name="đơn vị")
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    position = models.ForeignKey(
        Position, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships", verbose_name="chức vụ"
    )
    is_active = models.BooleanField("đang hiệu lực", default=True)
    valid_to = models.DateField("đến ngày", null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "phân công"
        ordering = ["unit__path", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                name="membership_unique_role_per_unit",
                violation_error_message="Người này đã có vai trò này ở đơn vị này.",
            )
        ]

    def __str__(self) -> str:
        position = f" – {self.position}" if self.position else ""
        return f"{self.user} · {self.get_role_display()} · {self.unit}{position}"
