"""Liquidation prices: the price of one asset (others fixed) at which a level is reached.

With the asset's holding q, debt o and the rest of the account fixed, the gap
h(p) = CV(p) - k * L(p) is piecewise linear in the price p (it bends where q*p crosses a
band bound), so each piece's root is found in closed form. Each root is then made exact
on a grid of SIGNIFICANT_DIGITS significant digits by asking the real valuation.

Rounding: a returned price is on the grid (10 significant digits) and is the grid price
nearest the boundary *at which the level is already reached*: at exactly that price the
status is reached, and one grid step (price_step) toward the current price it is not.

An asset both held and owed (or a holding running through bands) can make the ratio
non-monotone in the price, so the level may be reached both below and above the current
price. The answer is then the reaching price nearest the current price, on either side:
the first alarm the account would meet. If the account is already at the level at the
current price, the current price itself is returned. Prices above MAX_PRICE (10**30 USDT)
count as unreachable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from .rounding import ceil_to, floor_to, in_money_context, quantum, to_units
from .search import last_true
from .tiers import tiered_value
from .types import RATIO_PLACES, AssetTerms, Position, Status, Thresholds
from .valuation import Assets, Positions, status, terms_for, value

SIGNIFICANT_DIGITS = 10
# A root above this is "no positive price reaches it": no asset trades there, and the
# valuation's 80-digit context must stay able to hold quantity * price to 8 places.
MAX_PRICE = Decimal(10) ** 30
MAX_REGRIDS = 4  # re-searches when the answer lands in another decade than its guess


@dataclass(frozen=True)
class LiquidationPrices:
    """Prices of one asset at which the account enters margin call resp. liquidation."""

    margin_call: Decimal | None
    liquidation: Decimal | None


def price_step(price: Decimal) -> Decimal:
    """The grid step of a returned price: one unit in its 10th significant digit."""
    return Decimal(1).scaleb(_step_exponent(price))


def _step_exponent(price: Decimal) -> int:
    return price.adjusted() - (SIGNIFICANT_DIGITS - 1)


@in_money_context
def liquidation_prices(
    positions: Positions, assets: Assets, symbol: str, thresholds: Thresholds
) -> LiquidationPrices:
    """Prices of `symbol` at which the account's status becomes MARGIN_CALL / LIQUIDATION.

    None for a level no positive price reaches (e.g. no liability, or the asset cannot
    move the ratio that far). See the module docstring for rounding and for assets that
    are both held and owed.
    """
    terms = terms_for(assets, symbol)
    if value(positions, assets).liability == 0:
        return LiquidationPrices(None, None)
    # status() compares the ratio rounded down to RATIO_PLACES, so in exact terms
    # MARGIN_CALL is ratio < ceil(margin_call) and LIQUIDATION is
    # ratio < floor(liquidation) + 10**-RATIO_PLACES: solve for those edges.
    margin_call = _level_price(
        positions,
        assets,
        terms,
        ceil_to(thresholds.margin_call, RATIO_PLACES),
        lambda state: state is not Status.HEALTHY,
        thresholds,
    )
    liquidation = _level_price(
        positions,
        assets,
        terms,
        floor_to(thresholds.liquidation, RATIO_PLACES) + quantum(RATIO_PLACES),
        lambda state: state is Status.LIQUIDATION,
        thresholds,
    )
    return LiquidationPrices(margin_call, liquidation)


def _level_price(
    positions: Positions,
    assets: Assets,
    terms: AssetTerms,
    level: Decimal,
    reached: Callable[[Status], bool],
    thresholds: Thresholds,
) -> Decimal | None:
    """The reaching price nearest the current one, or None."""

    def hit(price: Decimal) -> bool:
        priced = dict(assets)
        priced[terms.symbol] = replace(terms, price=price)
        return reached(status(value(positions, priced), thresholds))

    current = terms.price
    if hit(current):
        return current
    roots = _crossings(positions, assets, terms, level)
    below = sorted((root for root in roots if root <= current), reverse=True)
    above = sorted(root for root in roots if root >= current)
    found: list[Decimal] = []
    for index, root in enumerate(below):
        floor = below[index + 1] if index + 1 < len(below) else Decimal(0)
        price = _search_down(hit, root, floor, current)
        if price is not None:
            found.append(price)
            break
    for index, root in enumerate(above):
        ceiling = above[index + 1] if index + 1 < len(above) else 2 * root
        price = _search_up(hit, root, current, ceiling)
        if price is not None:
            found.append(price)
            break
    if not found:
        return None
    return min(found, key=lambda price: abs(price - current))


def _crossings(positions: Positions, assets: Assets, terms: AssetTerms, level: Decimal) -> list[Decimal]:
    """Positive prices where CV - level * L = 0 exactly, solved piece by piece."""
    valuation = value(positions, assets)
    position = positions.get(terms.symbol, Position(terms.symbol))
    row = next((row for row in valuation.rows if row.symbol == terms.symbol), None)
    other_collateral = valuation.collateral_value - (row.collateral_value if row else 0)
    other_liability = valuation.liability - (row.liability_value if row else 0)
    held, owed = position.margin, position.owed

    def gap(price: Decimal) -> Decimal:
        collateral = tiered_value(terms.bands, held * price) if terms.collateral else 0
        return other_collateral + collateral - level * (other_liability + owed * price)

    # Roots are found from the signs of the gap at each piece's ends, so a root sitting
    # exactly on a bend is not lost to the last digit of bound / held.
    roots: set[Decimal] = set()
    for start, end, factor in _price_pieces(terms, held):
        at_start = gap(start)
        if at_start == 0:
            roots.add(start)
        if end is not None:
            at_end = gap(end)
            if at_end == 0:
                roots.add(end)
            elif at_start != 0 and (at_start < 0) != (at_end < 0):
                # linear within the piece: interpolate, and keep inside it
                root = start + (end - start) * at_start / (at_start - at_end)
                roots.add(min(max(root, start), end))
        else:
            slope = held * factor - level * owed
            if at_start != 0 and slope != 0 and (at_start > 0) == (slope < 0):
                roots.add(start - at_start / slope)
    roots.discard(Decimal(0))
    return sorted(root for root in roots if root <= MAX_PRICE)


def _price_pieces(terms: AssetTerms, held: Decimal) -> list[tuple[Decimal, Decimal | None, Decimal]]:
    """The price axis cut where `held` units cross a band bound: (start, end, factor).

    Each piece's factor comes from its band, not from re-evaluating held * start, whose
    rounding (bound / held * held) can land a hair below the bound and pick the band
    before it.
    """
    if held == 0 or not terms.collateral:
        return [(Decimal(0), None, Decimal(0))]
    pieces: list[tuple[Decimal, Decimal | None, Decimal]] = []
    lower = Decimal(0)
    for band in terms.bands:
        end = None if band.up_to is None else band.up_to / held
        pieces.append((lower / held, end, band.factor))
        if band.up_to is None:
            return pieces
        lower = band.up_to
    pieces.append((lower / held, None, Decimal(0)))  # above the last bounded band
    return pieces


def _search_down(
    hit: Callable[[Decimal], bool], root: Decimal, floor: Decimal, current: Decimal
) -> Decimal | None:
    """Grid price p near `root` (below current) with hit(p) and not hit(p + step)."""
    guess = root
    for _ in range(MAX_REGRIDS):
        exponent = _step_exponent(guess)

        def reaching(n: int, exponent: int = exponent) -> bool:
            return hit(Decimal(n).scaleb(exponent))

        low = max(1, to_units(floor, -exponent, up=True))
        high = max(low, to_units(current, -exponent, up=False))
        n = last_true(reaching, to_units(guess, -exponent, up=False), low, high)
        if n is None:
            return None
        price = Decimal(n).scaleb(exponent)
        if _step_exponent(price) == exponent:
            break
        guess = price
    if hit(price) and not hit(price + price_step(price)):
        return price
    return None


def _search_up(
    hit: Callable[[Decimal], bool], root: Decimal, current: Decimal, ceiling: Decimal
) -> Decimal | None:
    """Grid price p near `root` (above current) with hit(p) and not hit(p - step)."""
    guess = root
    for _ in range(MAX_REGRIDS):
        exponent = _step_exponent(guess)

        def safe(n: int, exponent: int = exponent) -> bool:
            return not hit(Decimal(n).scaleb(exponent))

        low = max(1, to_units(current, -exponent, up=False))
        high = max(low, to_units(ceiling, -exponent, up=True))
        n = last_true(safe, to_units(guess, -exponent, up=False), low, high)
        if n is None:
            return None
        price = Decimal(n + 1).scaleb(exponent)
        if _step_exponent(price) == exponent:
            break
        guess = price
    if hit(price) and not hit(price - price_step(price)):
        return price
    return None
