"""In-app notifications to customers (e-mail goes out beside them)."""

from django.conf import settings
from django.db import models

from margin_project.models import TimestampedModel


class Notification(TimestampedModel):
    class Kind(models.TextChoices):
        MARGIN_CALL = "margin_call", "Margin call"
        LIQUIDATION = "liquidation", "Liquidation"
        INFO = "info", "Information"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=200, blank=True, help_text="Page that explains it.")
    # What it is about, so a retried task never notifies twice for the same event.
    dedupe_key = models.CharField(max_length=100, unique=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.title
