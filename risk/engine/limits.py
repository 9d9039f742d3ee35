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

from .rounding import ceil_to, floor_to, from_units, in_money_context, to_units
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


@dataclass(frozen=True)
class RepayOutcome:
    """The account after a repayment from the margin wallet, and how it was split."""

    positions: dict[str, Position]
    interest_paid: Decimal
    principal_paid: Decimal


def with_repay(positions: Positions, symbol: str, amount: Decimal) -> RepayOutcome:
    """The account after paying `amount` of `symbol` from margin: interest first, then principal.

    `amount` must be positive, at most what is owed and at most what margin holds (the
    service refuses otherwise, with the reason).
    """
    position = positions.get(symbol, Position(symbol))
    if amount <= 0 or amount > position.owed or amount > position.margin:
        raise ValueError(f"{symbol}: cannot repay {amount} (owed {position.owed}, held {position.margin})")
    interest_paid = min(amount, position.interest)
    principal_paid = amount - interest_paid
    after = dict(positions)
    after[symbol] = replace(
        position,
        margin=position.margin - amount,
        interest=position.interest - interest_paid,
        principal=position.principal - principal_paid,
    )
    return RepayOutcome(after, interest_paid, principal_paid)


def with_transfer(
    positions: Positions, symbol: str, amount: Decimal, *, into_margin: bool
) -> dict[str, Position]:
    """The account after moving `amount` of `symbol` into (or out of) the margin wallet."""
    position = positions.get(symbol, Position(symbol))
    margin = position.margin + amount if into_margin else position.margin - amount
    if amount <= 0 or margin < 0:
        raise ValueError(f"{symbol}: cannot move {amount} {'in' if into_margin else 'out'}")
    after = dict(positions)
    after[symbol] = replace(position, margin=margin)
    return after


@in_money_context
def transfer_in_needed(positions: Positions, assets: Assets, symbol: str, level: Decimal) -> Decimal | None:
    """Least amount of `symbol` (a multiple of its unit) that, moved into margin, brings the
    ratio to `level` or above: 0 when it already is, None when no amount of it would.

    What a margin call's fix names: "move 1 010 USDT to reach 110%".
    """
    terms = terms_for(assets, symbol)
    places = terms.precision
    position = positions.get(symbol, Position(symbol))

    def fits(units: int) -> bool:
        if units == 0:
            return meets(value(positions, assets), level)
        moved = with_transfer(positions, symbol, from_units(units, places), into_margin=True)
        return meets(value(moved, assets), level)

    if fits(0):
        return from_units(0, places)
    if not terms.collateral:
        return None
    high: int | None = None
    top = terms.bands[-1].up_to
    if top is not None:  # value above the last bounded band counts nothing
        room = top - position.margin * terms.price
        if room <= 0:
            return None
        high = to_units(room / terms.price, places, up=True)
        if not fits(high):
            return None
    guess = to_units(_transfer_in_estimate(positions, assets, terms, level), places, up=True)
    last_short = last_true(lambda units: not fits(units), max(guess - 1, 0), 0, high)
    assert last_short is not None  # fits(0) is false
    return from_units(last_short + 1, places)


def _transfer_in_estimate(positions: Positions, assets: Assets, terms: AssetTerms, level: Decimal) -> Decimal:
    """Closed form: the holding whose tiered value covers level * L, less what is held."""
    valuation = value(positions, assets)
    held = positions[terms.symbol].margin if terms.symbol in positions else Decimal(0)
    own = next((row.collateral_value for row in valuation.rows if row.symbol == terms.symbol), Decimal(0))
    needed = level * valuation.liability - (valuation.collateral_value - own)
    target_value = value_for_collateral(terms, needed)
    if target_value is None:
        return Decimal(0)
    return max(target_value / terms.price - held, Decimal(0))


@dataclass(frozen=True)
class CollateralRepay:
    """A repayment of `symbol` partly paid by selling collateral at the oracle price.

    The margin balance of the owed asset pays first; `sold` units of the collateral (of
    which `fee` units go to the insurance fund) buy `proceeds` of the owed asset for the
    rest. Proceeds beyond what is paid stay in the margin wallet.
    """

    symbol: str
    collateral: str
    amount: Decimal  # paid toward the debt
    sold: Decimal
    fee: Decimal
    proceeds: Decimal
    interest_paid: Decimal
    principal_paid: Decimal
    positions: dict[str, Position]


@in_money_context
def with_collateral_repay(
    positions: Positions, assets: Assets, *, symbol: str, amount: Decimal, collateral: str, fee: Decimal
) -> CollateralRepay | None:
    """Repay `amount` of `symbol`, selling the least `collateral` that covers what margin lacks.

    The fee (a fraction, rounded up in units of the collateral) is kept from the sale;
    proceeds are rounded down in the owed asset. None when the collateral held cannot
    cover it.
    """
    if collateral == symbol:
        raise ValueError("the collateral sold must differ from the asset repaid")
    owed_terms, sold_terms = terms_for(assets, symbol), terms_for(assets, collateral)
    position = positions.get(symbol, Position(symbol))
    if amount <= 0 or amount > position.owed:
        raise ValueError(f"{symbol}: cannot repay {amount} (owed {position.owed})")
    short = max(amount - position.margin, Decimal(0))
    held = positions.get(collateral, Position(collateral)).margin

    def sale(units: int) -> tuple[Decimal, Decimal, Decimal]:
        sold = from_units(units, sold_terms.precision)
        fee_units = ceil_to(sold * fee, sold_terms.precision)
        proceeds = floor_to((sold - fee_units) * sold_terms.price / owed_terms.price, owed_terms.precision)
        return sold, fee_units, proceeds

    held_units = to_units(held, sold_terms.precision, up=False)
    if short > 0 and sale(held_units)[2] < short:
        return None
    estimate = short * owed_terms.price / (sold_terms.price * (1 - fee)) if short > 0 else Decimal(0)
    guess = min(to_units(estimate, sold_terms.precision, up=True), held_units)
    if short > 0:
        last_short = last_true(lambda units: sale(units)[2] < short, max(guess - 1, 0), 0, held_units)
        units = 0 if last_short is None else last_short + 1
    else:
        units = 0
    sold, fee_units, proceeds = sale(units)
    after = dict(positions)
    if sold:
        after = with_transfer(after, collateral, sold, into_margin=False)
    if proceeds:
        after = with_transfer(after, symbol, proceeds, into_margin=True)
    repaid = with_repay(after, symbol, amount)
    return CollateralRepay(
        symbol=symbol,
        collateral=collateral,
        amount=amount,
        sold=sold,
        fee=fee_units,
        proceeds=proceeds,
        interest_paid=repaid.interest_paid,
        principal_paid=repaid.principal_paid,
        positions=repaid.positions,
    )
