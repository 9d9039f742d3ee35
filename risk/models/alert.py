"""Alerts for the risk desk (stale prices and the like)."""

from django.db import models
from django.db.models import Q

from margin_project.models import TimestampedModel

from .asset import Asset


class StaffAlert(TimestampedModel):
    class Kind(models.TextChoices):
        STALE_PRICE = "stale_price", "Stale price"
        BAD_DEBT = "bad_debt", "Bad debt"
        SWEEP_ERROR = "sweep_error", "Sweep error"
        PRICE_HELD = "price_held", "Price held for confirmation"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    message = models.TextField()
    accounts_affected = models.PositiveIntegerField(default=0)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open stale-price alert per asset; repeated sweeps update it.
            models.UniqueConstraint(
                fields=["kind", "asset"],
                condition=Q(resolved_at__isnull=True, kind="stale_price"),
                name="staff_alert_one_open_stale_price",
            ),
            # One open held-price alert per asset; further holds update it.
            models.UniqueConstraint(
                fields=["kind", "asset"],
                condition=Q(resolved_at__isnull=True, kind="price_held"),
                name="staff_alert_one_open_price_held",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.message[:60]}"
