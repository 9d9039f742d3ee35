"""Risk settings: one record staff edit in admin."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from margin_project.models import TimestampedModel
from margin_project.money import ExactDecimalField


def _ratio(default: str, help_text: str) -> ExactDecimalField:
    return ExactDecimalField(max_digits=12, decimal_places=6, default=Decimal(default), help_text=help_text)


class RiskSettings(TimestampedModel):
    """Thresholds as fractions: 1.25 means a margin ratio of 125%."""

    borrow_level = _ratio("1.25", "A borrow must leave the margin ratio at or above this.")
    transfer_out_level = _ratio("1.25", "A transfer out of margin must leave the ratio at or above this.")
    margin_call_level = _ratio("1.10", "Below this ratio a margin call opens.")
    liquidation_level = _ratio("1.05", "At or below this ratio partial liquidation starts.")
    target_level = _ratio("1.10", "Liquidation sells only enough to bring the ratio back to this.")
    liquidation_fee = _ratio("0.02", "Share of sold collateral paid to the insurance fund.")
    collateral_repay_fee = _ratio(
        "0",
        "Share of collateral a customer sells to repay a loan that goes to the insurance fund "
        "(0: waived; a customer choosing to sell is not a liquidation).",
    )
    max_price_age = models.DurationField(
        default=timedelta(minutes=5), help_text="Older prices are stale: no liquidation uses them."
    )
    max_price_move = _ratio(
        "0.15",
        "Sanity band: the largest change one price update may make (0.15 = 15%) unless an asset sets its "
        "own. A larger move is held until a second source or a second staff member confirms it.",
    )
    price_confirm_window = models.DurationField(
        default=timedelta(minutes=2),
        help_text="Reports from several sources count together (median, confirmation) within this window.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "risk settings"
        verbose_name_plural = "risk settings"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="risk_settings_singleton")]

    def __str__(self) -> str:
        return "Risk settings"

    def clean(self) -> None:
        errors = {}
        if not (self.liquidation_level < self.margin_call_level <= self.target_level < self.borrow_level):
            errors["margin_call_level"] = (
                "Thresholds must be ordered: liquidation < margin call <= target < borrow."
            )
        if self.transfer_out_level <= self.target_level:
            errors["transfer_out_level"] = "The transfer-out level must be above the target."
        if not (Decimal(0) <= self.liquidation_fee < Decimal("0.5")):
            errors["liquidation_fee"] = "The liquidation fee must be at least 0 and below 0.5."
        if not (Decimal(0) <= self.collateral_repay_fee <= self.liquidation_fee):
            errors["collateral_repay_fee"] = (
                "The fee on repaying with collateral must be at least 0 and at most the liquidation fee."
            )
        if self.target_level * (1 - self.liquidation_fee) <= 1:
            errors["target_level"] = (
                "Target × (1 − fee) must exceed 100%, or selling collateral cannot raise the ratio."
            )
        if not (Decimal(0) < self.max_price_move <= Decimal(10)):
            errors["max_price_move"] = "The maximum price move must be above 0 and at most 10 (1000%)."
        if not (timedelta(seconds=1) <= self.price_confirm_window <= timedelta(hours=1)):
            errors["price_confirm_window"] = "The confirmation window must be between 1 second and 1 hour."
        if self.liquidation_level <= 1:
            errors["liquidation_level"] = "The liquidation level must be above 100%."
        if self.max_price_age is not None and self.max_price_age <= timedelta(0):
            errors["max_price_age"] = "The maximum price age must be longer than zero."
        if errors:
            raise ValidationError(errors)

    @classmethod
    def load(cls) -> "RiskSettings":
        """The one record, created with the defaults on first use."""
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj
