"""Assets and their collateral-factor tiers."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from margin_project.formatting import amount_text
from margin_project.models import TimestampedModel
from margin_project.money import ExactDecimalField

# A band wider than 1000% would not catch a misplaced decimal point.
MAX_PRICE_MOVE = Decimal(10)


class Asset(TimestampedModel):
    symbol = models.CharField(
        max_length=16,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9]{2,16}$", "Symbols are 2-16 capital letters/digits.")],
    )
    name = models.CharField(max_length=64)
    precision = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(18)],
        help_text="Decimal places of amounts in this asset (at most 18).",
    )
    is_collateral = models.BooleanField(
        "collateral", default=True, help_text="Counts as collateral in the margin wallet."
    )
    is_borrowable = models.BooleanField("borrowable", default=False)
    daily_interest_rate = ExactDecimalField(
        max_digits=20,
        decimal_places=12,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"), "The daily interest rate cannot be negative.")],
        help_text="Simple interest per day as a fraction (0.0002 = 0.02% a day).",
    )
    liquidation_priority = models.PositiveIntegerField(
        default=100, help_text="Lower numbers are sold first in a liquidation."
    )
    borrow_limit = ExactDecimalField(
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0"), "The borrow limit cannot be negative; leave it empty for no cap.")
        ],
        help_text="Most principal one account may owe in this asset; empty = no cap.",
    )
    max_price_move = ExactDecimalField(
        "maximum price move",
        max_digits=12,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="Largest change from the live price one update may make (0.15 = 15%); a larger move "
        "is held until a second source or staff member confirms it. Empty: the risk settings' default.",
    )
    price_sources_required = models.PositiveSmallIntegerField(
        "price sources required",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Independent sources that must agree (within the band) before a price goes live.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["symbol"]
        constraints = [
            models.CheckConstraint(condition=models.Q(precision__lte=18), name="asset_precision_max_18"),
        ]

    def __str__(self) -> str:
        return self.symbol

    def clean(self) -> None:
        if self.symbol:
            self.symbol = self.symbol.upper()
        if self.max_price_move is not None and not (0 < self.max_price_move <= MAX_PRICE_MOVE):
            raise ValidationError(
                {"max_price_move": f"The maximum price move must be above 0 and at most {MAX_PRICE_MOVE}."}
            )


class CollateralTier(TimestampedModel):
    """One band of position value (quote asset) and its collateral factor.

    Bands apply progressively like tax brackets; an empty ``up_to`` is unbounded. A band
    is only meaningful among its asset's others, so the rule for them (factor in (0, 1],
    bounds rising, one unbounded band last) is checked on the whole set by the engine's
    ``tier_set_problems``, through ``risk.services.configuration.asset_tiers_replace``.
    """

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="tiers")
    up_to = ExactDecimalField(
        null=True,
        blank=True,
        help_text="Upper bound of the band in USDT value; empty = no upper bound.",
    )
    factor = ExactDecimalField(
        max_digits=10,
        decimal_places=6,
        help_text="Collateral factor in (0, 1].",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["asset", models.F("up_to").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(fields=["asset", "up_to"], name="tier_unique_bound"),
        ]

    def __str__(self) -> str:
        bound = f"up to {amount_text(self.up_to)}" if self.up_to is not None else "unbounded"
        return f"{self.asset} {bound}: {amount_text(self.factor * 100)}%"
