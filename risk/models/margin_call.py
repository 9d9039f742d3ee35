"""Margin calls (one open per episode) and account status history."""

from django.db import models
from django.db.models import Q

from margin_project.models import TimestampedModel


class MarginCall(TimestampedModel):
    """Opened when the ratio falls below the margin-call level, closed when it recovers."""

    margin_account = models.ForeignKey(
        "accounts.MarginAccount", on_delete=models.PROTECT, related_name="margin_calls"
    )
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    ratio_at_open = models.DecimalField(max_digits=24, decimal_places=8)
    lowest_ratio = models.DecimalField(max_digits=24, decimal_places=8)
    ratio_at_close = models.DecimalField(max_digits=24, decimal_places=8, null=True, blank=True)
    close_reason = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            # One open margin call per account: a sweep can never open a second one.
            models.UniqueConstraint(
                fields=["margin_account"], condition=Q(closed_at__isnull=True), name="margin_call_one_open"
            ),
        ]

    def __str__(self) -> str:
        state = "open" if self.closed_at is None else "closed"
        return f"Margin call #{self.pk} ({state}) for {self.margin_account.user}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class StatusChange(models.Model):
    """Every change of an account's status, as the engine saw it."""

    margin_account = models.ForeignKey(
        "accounts.MarginAccount", on_delete=models.CASCADE, related_name="status_changes"
    )
    at = models.DateTimeField(db_index=True)
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    margin_ratio = models.DecimalField(max_digits=24, decimal_places=8, null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.margin_account.user}: {self.from_status} → {self.to_status}"


class RatioSnapshot(models.Model):
    """The ratio at a sweep, for the customer's chart over time."""

    margin_account = models.ForeignKey(
        "accounts.MarginAccount", on_delete=models.CASCADE, related_name="snapshots"
    )
    taken_at = models.DateTimeField()
    margin_ratio = models.DecimalField(max_digits=24, decimal_places=8, null=True, blank=True)
    collateral_value = models.DecimalField(max_digits=40, decimal_places=8)
    liability_value = models.DecimalField(max_digits=40, decimal_places=8)
    status = models.CharField(max_length=16)

    class Meta:
        ordering = ["-taken_at"]
        indexes = [models.Index(fields=["margin_account", "-taken_at"], name="snapshot_account_recent")]

    def __str__(self) -> str:
        return f"{self.margin_account.user} at {self.taken_at:%Y-%m-%d %H:%M}: {self.margin_ratio}"
