"""Max borrowable and max transferable: the largest amounts that keep the ratio at a level.

Both are solved in closed form band by band (collateral value and liability are
piecewise linear in the amount), then made exact in units of the asset's precision by
asking the real valuation (see search.py): the answer keeps the ratio at the level, and
one more unit would not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from .rounding import ceil_to, from_units, in_money_context, to_units
from .search import last_true
from .tiers import pieces_above, value_for_collateral
from .types import AssetTerms, Position, Thresholds
from .valuation import Assets, Positions, meets, terms_for, value

LimitedBy = Literal["margin_ratio", "borrow_limit", "not_borrowable"]


@dataclass(frozen=True)
class Borrowable:
    """The most of an asset the account may borrow now, and what stops it going higher."""

    amount: Decimal
    limited_by: LimitedBy


def first_day_interest(terms: AssetTerms, amount: Decimal) -> Decimal:
    """Interest charged when `amount` is borrowed: one day's, rounded up to precision."""
    return ceil_to(amount * terms.daily_rate, terms.precision)


def with_borrow(positions: Positions, terms: AssetTerms, amount: Decimal) -> dict[str, Position]:
    """The account after borrowing `amount`: funds land in margin, first day charged."""
    after = dict(positions)
    current = after.get(terms.symbol, Position(terms.symbol))
    after[terms.symbol] = replace(
        current,
        margin=current.margin + amount,
        principal=current.principal + amount,
        interest=current.interest + first_day_interest(terms, amount),
    )
    return after


@in_money_context
def max_borrowable(positions: Positions, assets: Assets, symbol: str, thresholds: Thresholds) -> Borrowable:
    """Largest borrow of `symbol` (a multiple of its unit) leaving ratio >= thresholds.borrow.

    Borrowing x adds x to margin and principal and the first day's interest,
    ceil(x * daily_rate), to interest. Capped by the asset's per-account borrow_limit
    minus the principal already outstanding. Never negative.
    """
    terms = terms_for(assets, symbol)
    places = terms.precision
    if not terms.borrowable:
        return Borrowable(from_units(0, places), "not_borrowable")
    level = thresholds.borrow

    def fits(units: int) -> bool:
        return meets(value(with_borrow(positions, terms, from_units(units, places)), assets), level)

    if not fits(0):
        return Borrowable(from_units(0, places), "margin_ratio")

    cap: int | None = None
    if terms.borrow_limit is not None:
        principal = positions[symbol].principal if symbol in positions else Decimal(0)
        cap = max(0, to_units(terms.borrow_limit - principal, places, up=False))

    guess = to_units(_borrow_estimate(positions, assets, terms, level), places, up=False)
    units = last_true(fits, guess, 0, cap)
    assert units is not None  # fits(0) holds, so an edge exists
    limited_by: LimitedBy = "borrow_limit" if cap is not None and units == cap else "margin_ratio"
    return Borrowable(from_units(units, places), limited_by)


def _borrow_estimate(positions: Positions, assets: Assets, terms: AssetTerms, level: Decimal) -> Decimal:
    """Closed form: the amount at which CV - level * L reaches 0, walked up band by band.

    Per USDT of value borrowed, CV rises by the band's factor f and L by (1 + rate), so
    the gap CV - level * L changes by f - level * (1 + rate) < 0 (level > 1 >= f).
    """
    valuation = value(positions, assets)
    gap = valuation.collateral_value - level * valuation.liability
    held = positions[terms.symbol].margin if terms.symbol in positions else Decimal(0)
    added = Decimal(0)
    for length, factor in pieces_above(terms, held * terms.price):
        fall = level * (1 + terms.daily_rate) - factor  # > 0, see Thresholds validation
        reach = gap / fall
        if length is None or reach <= length:
            return (added + max(reach, Decimal(0))) / terms.price
        gap -= fall * length
        added += length
    raise AssertionError("pieces_above always ends with an open piece")


@in_money_context
def max_transferable(positions: Positions, assets: Assets, symbol: str, thresholds: Thresholds) -> Decimal:
    """Largest amount of `symbol` (multiple of its unit, <= margin held) that can leave margin.

    The ratio after must stay >= thresholds.transfer_out; with no liability the whole
    margin balance may go.
    """
    terms = terms_for(assets, symbol)
    places = terms.precision
    position = positions.get(symbol, Position(symbol))
    if position.margin == 0 or value(positions, assets).liability == 0:
        return position.margin
    level = thresholds.transfer_out

    def fits(units: int) -> bool:
        after = dict(positions)
        after[symbol] = replace(position, margin=position.margin - from_units(units, places))
        return meets(value(after, assets), level)

    if not fits(0):
        return from_units(0, places)
    held = to_units(position.margin, places, up=False)
    guess = to_units(_transfer_estimate(positions, assets, terms, level), places, up=False)
    units = last_true(fits, guess, 0, held)
    assert units is not None  # fits(0) holds
    return from_units(units, places)


def _transfer_estimate(positions: Positions, assets: Assets, terms: AssetTerms, level: Decimal) -> Decimal:
    """Closed form: margin minus the least holding whose tiered CV still covers level * L."""
    valuation = value(positions, assets)
    row = next(row for row in valuation.rows if row.symbol == terms.symbol)
    needed = level * valuation.liability - (valuation.collateral_value - row.collateral_value)
    keep_value = value_for_collateral(terms, needed)
    if keep_value is None:
        return Decimal(0)
    return max(row.margin - keep_value / terms.price, Decimal(0))
