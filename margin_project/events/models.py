"""The outbox (``Event``), webhook endpoints, and the log of every delivery attempt."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from margin_project.models import TimestampedModel


class Event(models.Model):
    """One business event, written in the transaction of the change it describes.

    ``id`` is global and strictly increasing (a sequence that purging never rewinds);
    consumers read events in id order from a cursor. ``account`` is the margin account
    the event concerns (empty for house-wide events such as prices).
    """

    id = models.BigAutoField(primary_key=True)
    type = models.CharField(max_length=64)
    version = models.PositiveSmallIntegerField(help_text="Schema version of the payload.")
    account = models.ForeignKey(
        "accounts.MarginAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for house-wide events.",
    )
    occurred_at = models.DateTimeField()
    payload = models.JSONField(encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["account", "id"], name="event_account_id"),
            models.Index(fields=["type", "id"], name="event_type_id"),
            models.Index(fields=["occurred_at"], name="event_occurred_at"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.type}"


class WebhookEndpoint(TimestampedModel):
    """A URL that receives events, signed with its secret, in id order.

    A customer's endpoint receives their own account's events; a staff member's receives
    every event (or one account's, when ``account`` is set), house-wide ones included.
    ``cursor`` is the delivery position: every matching event with a smaller or equal id
    has been delivered (or the endpoint was created after it).
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    account = models.ForeignKey(
        "accounts.MarginAccount",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Staff endpoints: only this account's events (empty: every event).",
    )
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(
        default=list, blank=True, help_text="Empty: every type the owner may read."
    )
    secret = models.CharField(max_length=80, help_text="Signs every delivery; shown to the owner once.")
    is_active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    cursor = models.BigIntegerField(default=0, help_text="Last event id handled, in id order.")
    failing_since = models.DateTimeField(
        null=True, blank=True, help_text="When the event at the head of the queue first failed."
    )
    # One worker at a time delivers to an endpoint (in order); a dead worker's lease expires.
    lease_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["owner", "id"], name="webhook_endpoint_owner")]

    def __str__(self) -> str:
        return self.url

    @property
    def secret_hint(self) -> str:
        """What pages show instead of the secret."""
        return f"{self.secret[:10]}…"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RETRYING = "retrying", "Retrying"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Gave up"


class WebhookDelivery(TimestampedModel):
    """One event for one endpoint: its state and when it is next tried."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-event_id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once"),
        ]
        indexes = [
            models.Index(fields=["endpoint", "-event"], name="webhook_delivery_recent"),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="retrying"),
                name="webhook_delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"event #{self.event_id} → {self.endpoint}"


class DeliveryAttempt(models.Model):
    """One HTTP request to an endpoint and what came back."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts_log")
    at = models.DateTimeField(db_index=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    success = models.BooleanField(default=False)
    latency_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)
    response_excerpt = models.TextField(blank=True)
    manual = models.BooleanField(default=False, help_text="A re-send asked for by a person.")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.delivery}: {self.status_code or self.error}"
