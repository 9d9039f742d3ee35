"""Liquidations: a record a person can read to explain what happened and why."""

from django.db import models

from margin_project.models import TimestampedModel
from margin_project.money import ExactDecimalField

from .asset import Asset


class Liquidation(TimestampedModel):
    margin_account = models.ForeignKey(
        "accounts.MarginAccount", on_delete=models.PROTECT, related_name="liquidations"
    )
    margin_call = models.ForeignKey(
        "risk.MarginCall", on_delete=models.PROTECT, null=True, blank=True, related_name="liquidations"
    )
    ratio_before = models.DecimalField(max_digits=24, decimal_places=8)
    ratio_after = models.DecimalField(max_digits=24, decimal_places=8, null=True, blank=True)
    collateral_value_before = ExactDecimalField()
    liability_before = ExactDecimalField()
    fee_value = ExactDecimalField(default=0, help_text="Liquidation fee paid to the insurance fund (USDT).")
    bad_debt_value = ExactDecimalField(default=0, help_text="Debt the insurance fund covered (USDT).")
    transaction = models.OneToOneField(
        "accounts.LedgerTransaction", on_delete=models.PROTECT, related_name="liquidation"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Liquidation #{self.pk} of {self.margin_account.user}"


class LineKind(models.TextChoices):
    OWN_ASSET_REPAYMENT = "own_repayment", "Repaid from the same asset"
    SALE = "sale", "Collateral sold"
    REPAYMENT = "repayment", "Repaid from sale proceeds"
    BAD_DEBT = "bad_debt", "Covered by the insurance fund"


class LiquidationLine(models.Model):
    liquidation = models.ForeignKey(Liquidation, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=LineKind.choices)
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="+")
    quantity = ExactDecimalField(default=0, help_text="Sold quantity (sales).")
    price = ExactDecimalField(default=0, help_text="Oracle price used (USDT).")
    fee_quantity = ExactDecimalField(default=0, help_text="Part of the sale paid as fee.")
    interest = ExactDecimalField(default=0, help_text="Interest repaid or covered.")
    principal = ExactDecimalField(default=0, help_text="Principal repaid or covered.")
    value = ExactDecimalField(default=0, help_text="Value in USDT.")
    from_sale_of = models.ForeignKey(Asset, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["liquidation", "position"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.asset}"
