"""The latest price of each asset in the quote asset."""

from django.db import models
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
