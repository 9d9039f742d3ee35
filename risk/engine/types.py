"""The engine's input values: asset terms, positions, thresholds, status.

Everything is a frozen dataclass of `Decimal`s, validated on construction so a bad
configuration fails where it is built rather than deep inside a calculation. Plain
`int`s are accepted and converted (``Position("BTC", margin=0)``); floats are refused,
because a float has already lost the exact amount before the engine sees it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .rounding import money_context, quantum

QUOTE_PLACES = 8  # USDT values (collateral value, liability) are rounded to 8 places
RATIO_PLACES = 8  # margin ratios (fractions) are rounded down to 8 places

MAX_PRECISION = 30  # more decimal places than any real asset uses


def _decimal(owner: object, name: str, value: Any) -> Decimal:
    """`value` as a finite Decimal, refusing floats (and bools, which are ints)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{type(owner).__name__}.{name} must be a Decimal, got {type(value).__name__}")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{type(owner).__name__}.{name} must be finite, got {value}")
    return result


def _set_decimal(owner: object, name: str) -> Decimal:
    """Normalise field `name` of a frozen dataclass to Decimal in place and return it."""
    result = _decimal(owner, name, getattr(owner, name))
    object.__setattr__(owner, name, result)
    return result


@dataclass(frozen=True)
class Band:
    """One collateral-factor band of position value in the quote asset (USDT).

    Bands are contiguous from 0 and sorted; `up_to` None means unbounded.
    """

    up_to: Decimal | None
    factor: Decimal

    def __post_init__(self) -> None:
        if self.up_to is not None and _set_decimal(self, "up_to") <= 0:
            raise ValueError(f"Band.up_to must be positive, got {self.up_to}")
        factor = _set_decimal(self, "factor")
        if not 0 < factor <= 1:
            raise ValueError(f"Band.factor must be in (0, 1], got {factor}")


@dataclass(frozen=True)
class AssetTerms:
    """Everything the engine needs to know about one asset."""

    symbol: str
    price: Decimal  # USDT per unit, > 0
    precision: int  # decimal places of the asset's amounts
    # Progressive collateral factor; one unbounded band is a flat factor. Value above
    # the last bounded band counts 0.
    bands: tuple[Band, ...]
    collateral: bool = True  # False: counts 0 as collateral but is still priced
    borrowable: bool = True
    daily_rate: Decimal = Decimal(0)  # interest per day as a fraction
    liquidation_priority: int = 0  # lower sells first
    borrow_limit: Decimal | None = None  # max principal per account, in units

    def __post_init__(self) -> None:
        if not isinstance(self.symbol, str) or not self.symbol:
            raise ValueError("AssetTerms.symbol must be a non-empty string")
        if _set_decimal(self, "price") <= 0:
            raise ValueError(f"{self.symbol}: price must be positive, got {self.price}")
        if (
            isinstance(self.precision, bool)
            or not isinstance(self.precision, int)
            or not 0 <= self.precision <= MAX_PRECISION
        ):
            raise ValueError(f"{self.symbol}: precision must be an int in [0, {MAX_PRECISION}]")
        bands = tuple(self.bands)
        object.__setattr__(self, "bands", bands)
        _check_bands(self.symbol, bands)
        if _set_decimal(self, "daily_rate") < 0:
            raise ValueError(f"{self.symbol}: daily_rate must not be negative")
        if isinstance(self.liquidation_priority, bool) or not isinstance(self.liquidation_priority, int):
            raise TypeError(f"{self.symbol}: liquidation_priority must be an int")
        if self.borrow_limit is not None and _set_decimal(self, "borrow_limit") < 0:
            raise ValueError(f"{self.symbol}: borrow_limit must not be negative")

    @property
    def unit(self) -> Decimal:
        """The smallest amount of this asset: 10**-precision."""
        return quantum(self.precision)

    @property
    def first_factor(self) -> Decimal:
        """The factor of the first band (0 for an asset that is not collateral)."""
        if not self.collateral or not self.bands:
            return Decimal(0)
        return self.bands[0].factor


def _check_bands(symbol: str, bands: tuple[Band, ...]) -> None:
    """Bands must be Band objects with strictly rising bounds; only the last may be open."""
    previous = Decimal(0)
    for index, band in enumerate(bands):
        if not isinstance(band, Band):
            raise TypeError(f"{symbol}: bands must be Band instances")
        if band.up_to is None:
            if index != len(bands) - 1:
                raise ValueError(f"{symbol}: only the last band may be unbounded")
            continue
        if band.up_to <= previous:
            raise ValueError(f"{symbol}: band bounds must rise strictly")
        previous = band.up_to


@dataclass(frozen=True)
class Position:
    """One asset of one margin account, in units of the asset."""

    symbol: str
    margin: Decimal = Decimal(0)  # held in the margin wallet
    principal: Decimal = Decimal(0)  # borrowed principal outstanding
    interest: Decimal = Decimal(0)  # accrued unpaid interest

    def __post_init__(self) -> None:
        if not isinstance(self.symbol, str) or not self.symbol:
            raise ValueError("Position.symbol must be a non-empty string")
        for name in ("margin", "principal", "interest"):
            if _set_decimal(self, name) < 0:
                raise ValueError(f"{self.symbol}: {name} must not be negative")

    @property
    def owed(self) -> Decimal:
        """Principal plus interest, in units of the asset."""
        with money_context():  # the default 28-digit context could round a large sum
            return self.principal + self.interest


@dataclass(frozen=True)
class Thresholds:
    """Margin-ratio levels as fractions: Decimal("1.25") means 125%."""

    borrow: Decimal = Decimal("1.25")  # a borrow must leave the ratio >= this
    transfer_out: Decimal = Decimal("1.25")  # a transfer out must leave the ratio >= this
    margin_call: Decimal = Decimal("1.10")  # MARGIN_CALL when ratio < this
    liquidation: Decimal = Decimal("1.05")  # LIQUIDATION when ratio <= this
    target: Decimal = Decimal("1.10")  # liquidation sells until ratio >= this
    liquidation_fee: Decimal = Decimal("0.02")  # share of each sale to the insurance fund

    def __post_init__(self) -> None:
        for name in (
            "borrow",
            "transfer_out",
            "margin_call",
            "liquidation",
            "target",
            "liquidation_fee",
        ):
            _set_decimal(self, name)
        # A borrow level of 100% or less would let a stablecoin (factor 1, no interest)
        # be borrowed without end: max_borrowable needs every extra unit to lower the ratio.
        if self.borrow <= 1:
            raise ValueError("Thresholds.borrow must be above 1 (100%)")
        if self.transfer_out <= 0 or self.liquidation <= 0:
            raise ValueError("Thresholds.transfer_out and liquidation must be positive")
        if self.margin_call < self.liquidation:
            raise ValueError("Thresholds.margin_call must not be below liquidation")
        # Otherwise a liquidation could stop while the account is still in LIQUIDATION.
        if self.target <= self.liquidation:
            raise ValueError("Thresholds.target must be above liquidation")
        if not 0 <= self.liquidation_fee < 1:
            raise ValueError("Thresholds.liquidation_fee must be in [0, 1)")


class Status(enum.StrEnum):
    """Health of a margin account."""

    HEALTHY = "healthy"
    MARGIN_CALL = "margin_call"
    LIQUIDATION = "liquidation"
