"""Valuation of a margin account: collateral value, liability, margin ratio, status.

Rounding favours solvency: each asset's collateral value is rounded down and each
liability up (to QUOTE_PLACES) *per row*, and the totals are the sums of the rows, so
the figures a customer sees add up; the ratio is then rounded down.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .rounding import ceil_to, floor_to, in_money_context
from .tiers import collateral_value_of
from .types import QUOTE_PLACES, RATIO_PLACES, AssetTerms, Position, Status, Thresholds

Positions = Mapping[str, Position]
Assets = Mapping[str, AssetTerms]


@dataclass(frozen=True)
class AssetValuation:
    """One row of a valuation: one asset of the account."""

    symbol: str
    margin: Decimal  # units held in the margin wallet
    price: Decimal
    market_value: Decimal  # margin * price, exact
    collateral_value: Decimal  # tiered, rounded down to QUOTE_PLACES
    effective_factor: Decimal  # collateral_value / market_value (first band's when none held)
    share: Decimal  # this row's part of the total collateral value (0 when total is 0)
    principal: Decimal
    interest: Decimal
    liability_value: Decimal  # (principal + interest) * price, rounded up to QUOTE_PLACES


@dataclass(frozen=True)
class Valuation:
    """Collateral value, liability and margin ratio of one account."""

    collateral_value: Decimal  # sum of the rows, each rounded down
    liability: Decimal  # sum of the rows, each rounded up
    margin_ratio: Decimal | None  # collateral_value / liability rounded down; None: no debt
    rows: tuple[AssetValuation, ...]  # sorted by symbol


def terms_for(assets: Assets, symbol: str) -> AssetTerms:
    """The terms of `symbol`, with a clear error when the caller forgot one."""
    try:
        return assets[symbol]
    except KeyError:
        raise KeyError(f"no AssetTerms for {symbol!r}") from None


@in_money_context
def value(positions: Positions, assets: Assets) -> Valuation:
    """Value an account (`positions`: symbol -> Position) at the prices in `assets`."""
    partial: list[tuple[Position, AssetTerms, Decimal, Decimal]] = []
    for symbol in sorted(positions):
        position = positions[symbol]
        if position.symbol != symbol:
            raise ValueError(f"position for {position.symbol!r} filed under {symbol!r}")
        terms = terms_for(assets, symbol)
        collateral = floor_to(collateral_value_of(terms, position.margin), QUOTE_PLACES)
        liability = ceil_to(position.owed * terms.price, QUOTE_PLACES)
        partial.append((position, terms, collateral, liability))

    total_collateral = sum((row[2] for row in partial), Decimal(0))
    total_liability = sum((row[3] for row in partial), Decimal(0))
    ratio = None
    if total_liability > 0:
        ratio = floor_to(total_collateral / total_liability, RATIO_PLACES)

    rows = tuple(
        _row(position, terms, collateral, liability, total_collateral)
        for position, terms, collateral, liability in partial
    )
    return Valuation(
        collateral_value=total_collateral,
        liability=total_liability,
        margin_ratio=ratio,
        rows=rows,
    )


def _row(
    position: Position,
    terms: AssetTerms,
    collateral: Decimal,
    liability: Decimal,
    total_collateral: Decimal,
) -> AssetValuation:
    """Build one display row; factor and share are rounded down to RATIO_PLACES."""
    market_value = position.margin * terms.price
    # With nothing held, show what the first unit deposited would count at.
    factor = floor_to(collateral / market_value, RATIO_PLACES) if market_value > 0 else terms.first_factor
    share = Decimal(0)
    if total_collateral > 0:
        share = floor_to(collateral / total_collateral, RATIO_PLACES)
    return AssetValuation(
        symbol=position.symbol,
        margin=position.margin,
        price=terms.price,
        market_value=market_value,
        collateral_value=collateral,
        effective_factor=factor,
        share=share,
        principal=position.principal,
        interest=position.interest,
        liability_value=liability,
    )


def status(valuation: Valuation, thresholds: Thresholds) -> Status:
    """HEALTHY, MARGIN_CALL (ratio < margin_call) or LIQUIDATION (ratio <= liquidation)."""
    ratio = valuation.margin_ratio
    if ratio is None:
        return Status.HEALTHY
    if ratio <= thresholds.liquidation:
        return Status.LIQUIDATION
    if ratio < thresholds.margin_call:
        return Status.MARGIN_CALL
    return Status.HEALTHY


def meets(valuation: Valuation, level: Decimal) -> bool:
    """True when the account has no liability or its ratio is at least `level`."""
    return valuation.margin_ratio is None or valuation.margin_ratio >= level
