"""Idempotency keys of API calls: a repeated money-moving request replays the first response."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from margin_project.models import TimestampedModel


class IdempotencyKey(TimestampedModel):
    """One ``Idempotency-Key`` a user sent, the request it named and the response it got.

    The row is inserted first inside the request's transaction: a concurrent repeat
    blocks on the unique constraint until the first commits, then replays it. A refused
    request rolls back with its row, so its key can be used again.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=255)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key} {self.method} {self.path}"
