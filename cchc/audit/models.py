"""One change-log table: who changed which object, when, and what it was before and after."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cchc.accounts.access import UnitScopedQuerySet


class ChangeQuerySet(UnitScopedQuerySet):
    def for_object(self, instance: models.Model) -> ChangeQuerySet:
        return self.filter(object_type=instance._meta.label_lower, object_id=str(instance.pk))


class Change(models.Model):
    """A change made through the product, written by the service that made it (never by signals)."""

    class Action(models.TextChoices):
        CREATE = "create", "Tạo mới"
        UPDATE = "update", "Cập nhật"
        DELETE = "delete", "Xóa"
        IMPORT = "import", "Nhập tệp"
        STATE = "state", "Chuyển trạng thái"
        ACCESS = "access", "Phân quyền"
        REOPEN = "reopen", "Mở lại"

    at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="changes_made",
        verbose_name="người thực hiện",
    )
    action = models.CharField("thao tác", max_length=20, choices=Action.choices)
    object_type = models.CharField("loại đối tượng", max_length=100)
    object_id = models.CharField("mã đối tượng", max_length=64)
    object_repr = models.CharField("đối tượng", max_length=300)
    unit = models.ForeignKey(
        "organisation.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="đơn vị",
    )
    before = models.JSONField("trước", null=True, blank=True)
    after = models.JSONField("sau", null=True, blank=True)
    note = models.TextField("ghi chú", blank=True)

    objects = ChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "lịch sử thay đổi"
        indexes = [models.Index(fields=["object_type", "object_id"], name="change_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_action_display()} {self.object_repr}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(key, before.get(key), after.get(key)) for key in keys if before.get(key) != after.get(key)]
