"""In-product notifications, also sent as one e-mail digest per person per day."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def for_user(self, user) -> NotificationQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(user=user)


class Notification(models.Model):
    class Category(models.TextChoices):
        DEADLINE = "deadline", "Sắp đến hạn"
        OVERDUE = "overdue", "Quá hạn"
        ASSIGNMENT = "assignment", "Được giao việc"
        REQUEST = "request", "Yêu cầu bổ sung"
        REVIEW = "review", "Chờ duyệt"
        INFO = "info", "Thông tin"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    unit = models.ForeignKey("organisation.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    category = models.CharField("loại", max_length=20, choices=Category.choices, default=Category.INFO)
    title = models.CharField("nội dung", max_length=300)
    url = models.CharField("liên kết", max_length=300, blank=True)
    due_date = models.DateField("hạn", null=True, blank=True)
    # The same reminder is produced every day a deadline approaches; the key makes it one row.
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["read_at", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_unique_key_per_user")]

    def __str__(self) -> str:
        return self.title
