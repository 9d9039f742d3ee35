"""Prices: the live price of each asset, every observation reported, and prices held back.

``AssetPrice`` is the one price the desk acts on (valuation, borrowing, transfers out,
liquidation). Every report of a price is first an append-only ``PriceObservation``;
only ``risk.services.prices`` decides whether it moves the live price or is held as a
``PriceHold`` until a second source or a second staff member confirms it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from margin_project.formatting import price_text
from margin_project.models import TimestampedModel
from margin_project.money import ExactDecimalField

from .asset import Asset


class AssetPrice(TimestampedModel):
    asset = models.OneToOneField(Asset, on_delete=models.CASCADE, related_name="price")
    price = ExactDecimalField(help_text="Quote asset (USDT) per unit.")
    source = models.CharField(max_length=64, default="manual")
    observed_at = models.DateTimeField(help_text="When the source saw this price.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["asset__symbol"]

    def __str__(self) -> str:
        return f"{self.asset} {price_text(self.price)} ({self.source})"


class PriceDecision(models.TextChoices):
    LIVE = "live", "Made live"
    HELD = "held", "Held for confirmation"
    CONFIRMED = "confirmed", "Confirmed (held price made live)"
    REJECTED = "rejected", "Rejected by staff"
    IGNORED = "ignored", "Ignored (older than the live price)"


class PriceObservation(models.Model):
    """One price as reported, and what the desk decided: append-only, never edited.

    ``reporter`` is who vouches for it: the staff or feed account that sent it, or
    for the command line and in-process feeds the source's name. Two observations
    confirm each other only when their reporters differ.
    """

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="price_observations")
    price = ExactDecimalField(help_text="Quote asset (USDT) per unit, as reported.")
    source = models.CharField(max_length=64)
    observed_at = models.DateTimeField(help_text="When the source saw this price.")
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reporter = models.CharField(max_length=80)
    decision = models.CharField(max_length=16, choices=PriceDecision.choices)
    previous_price = ExactDecimalField(null=True, blank=True, help_text="The live price before.")
    live_price = ExactDecimalField(null=True, blank=True, help_text="The live price after.")
    note = models.CharField(max_length=255, blank=True)
    confirms = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="confirmations"
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["asset", "-observed_at"], name="price_obs_asset_recent")]

    def __str__(self) -> str:
        return f"{self.asset} {price_text(self.price)} from {self.source}: {self.get_decision_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Price observations are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Price observations are append-only.")


class PriceHold(TimestampedModel):
    """A reported price the desk did not act on, waiting for a second source or staff member."""

    class Reason(models.TextChoices):
        OUT_OF_BAND = "out_of_band", "Moves more than the sanity band"
        TOO_FEW_SOURCES = "too_few_sources", "Fewer sources than the asset needs"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Superseded"

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="price_holds")
    observation = models.OneToOneField(PriceObservation, on_delete=models.PROTECT, related_name="hold")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["asset", "status"], condition=Q(status="pending"), name="price_hold_pending")
        ]

    def __str__(self) -> str:
        return f"{self.asset} {price_text(self.observation.price)} held ({self.get_reason_display().lower()})"
