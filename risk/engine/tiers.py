"""Tiered (progressive) collateral value: factors per band of position value.

Like tax brackets: each slice of a position's market value counts at the factor of the
band it falls in, and value above the last bounded band counts 0. Besides the value
itself this module cuts a position into its bands ("pieces"), which is what the closed
forms elsewhere solve band by band, because within one band the collateral value is
linear in the amount.
"""

from __future__ import annotations

from decimal import Decimal

from .rounding import in_money_context
from .types import AssetTerms, Band

Piece = tuple[Decimal, Decimal]  # (length of market value, factor applied to it)
OpenPiece = tuple[Decimal | None, Decimal]  # length None: runs without end


@in_money_context
def collateral_value_of(terms: AssetTerms, quantity: Decimal) -> Decimal:
    """Exact (unrounded) collateral value in USDT of `quantity` units of an asset.

    Progressive over the asset's bands; 0 for an asset that is not collateral.
    """
    if not terms.collateral or quantity <= 0:
        return Decimal(0)
    return tiered_value(terms.bands, quantity * terms.price)


def tiered_value(bands: tuple[Band, ...], market_value: Decimal) -> Decimal:
    """Collateral value of a position worth `market_value` USDT under `bands`."""
    total = Decimal(0)
    for length, factor in _pieces(bands, market_value):
        total += length * factor
    return total


def _pieces(bands: tuple[Band, ...], market_value: Decimal) -> list[Piece]:
    """[0, market_value] cut at the band bounds, bottom first, as (length, factor).

    The part above the last bounded band (if any) is a piece with factor 0.
    """
    pieces: list[Piece] = []
    lower = Decimal(0)
    for band in bands:
        if market_value <= lower:
            return pieces
        top = market_value if band.up_to is None else min(market_value, band.up_to)
        pieces.append((top - lower, band.factor))
        if band.up_to is None:
            return pieces
        lower = band.up_to
    if market_value > lower:
        pieces.append((market_value - lower, Decimal(0)))
    return pieces


def pieces_below(terms: AssetTerms, market_value: Decimal) -> list[Piece]:
    """The holding [0, market_value] cut at band bounds, *top first*.

    This is the order a sale eats through the bands: the top slice is sold first.
    """
    if market_value <= 0:
        return []
    if not terms.collateral:
        return [(market_value, Decimal(0))]
    return list(reversed(_pieces(terms.bands, market_value)))


def pieces_above(terms: AssetTerms, market_value: Decimal) -> list[OpenPiece]:
    """From `market_value` upward, the bands an increase of the holding runs through.

    The last piece is open (length None): the unbounded band's factor, or 0 above the
    last bounded band.
    """
    if not terms.collateral:
        return [(None, Decimal(0))]
    pieces: list[OpenPiece] = []
    lower = Decimal(0)
    for band in terms.bands:
        if band.up_to is None:
            pieces.append((None, band.factor))
            return pieces
        if band.up_to > market_value:
            pieces.append((band.up_to - max(market_value, lower), band.factor))
        lower = band.up_to
    pieces.append((None, Decimal(0)))
    return pieces


@in_money_context
def value_for_collateral(terms: AssetTerms, collateral: Decimal) -> Decimal | None:
    """Least market value (USDT) of the asset whose collateral value is >= `collateral`.

    The inverse of the tiered value, solved band by band; None when no holding of the
    asset is worth that much collateral.
    """
    if collateral <= 0:
        return Decimal(0)
    if not terms.collateral:
        return None
    counted = Decimal(0)
    lower = Decimal(0)
    for band in terms.bands:
        if band.up_to is None:
            return lower + (collateral - counted) / band.factor
        in_band = (band.up_to - lower) * band.factor
        if counted + in_band >= collateral:
            return lower + (collateral - counted) / band.factor
        counted += in_band
        lower = band.up_to
    return None
