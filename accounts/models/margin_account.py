"""A customer's margin account: the mode switch and the last known risk state."""

from django.conf import settings
from django.db import models

from margin_project.models import TimestampedModel


class MarginStatus(models.TextChoices):
    HEALTHY = "healthy", "Healthy"
    MARGIN_CALL = "margin_call", "Margin call"
    LIQUIDATION = "liquidation", "Liquidation"


class MarginAccount(TimestampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="margin_account"
    )
    multi_asset_mode = models.BooleanField(
        default=False, help_text="Every margin asset counts as shared collateral; borrowing allowed."
    )
    # Last state the sweep or a service computed; the engine is the truth, this is for lists.
    status = models.CharField(max_length=16, choices=MarginStatus.choices, default=MarginStatus.HEALTHY)
    margin_ratio = models.DecimalField(max_digits=24, decimal_places=8, null=True, blank=True)
    collateral_value = models.DecimalField(max_digits=40, decimal_places=8, default=0)
    liability_value = models.DecimalField(max_digits=40, decimal_places=8, default=0)
    has_liability = models.BooleanField(default=False, db_index=True)
    assessed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Margin account of {self.user}"
