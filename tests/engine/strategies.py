"""Hypothesis strategies and small helpers shared by the engine tests."""

from __future__ import annotations

import os
from dataclasses import replace
from decimal import ROUND_FLOOR, Decimal

from hypothesis import settings
from hypothesis import strategies as st

from risk.engine import AssetTerms, Band, LiquidationPlan, Position, value
from risk.engine.rounding import money_context

D = Decimal
ZERO = Decimal(0)
# ENGINE_EXAMPLES_SCALE=20 runs every property 20x longer (a deep run, not for every commit).
SCALE = int(os.environ.get("ENGINE_EXAMPLES_SCALE", "1"))
SYMBOLS = ("BTC", "ETH", "ADA", "USDT", "USDC")
FACTORS = [D(1), D("0.975"), D("0.95"), D("0.9"), D("0.75"), D("0.5"), D("0.25"), D("0.1")]


def examples(count: int) -> settings:
    """Hypothesis settings: `count` examples (times SCALE), no deadline (Decimal is slow)."""
    return settings(max_examples=count * SCALE, deadline=None)


def worked_example_assets(usdt_daily_rate: Decimal = ZERO) -> dict[str, AssetTerms]:
    """DESIGN's worked example: BTC 60000 x 0.90, ADA 0.50 x 0.50, USDT 1 x 1.00."""
    return {
        "BTC": AssetTerms("BTC", D(60000), 8, (Band(None, D("0.90")),)),
        "ADA": AssetTerms("ADA", D("0.50"), 6, (Band(None, D("0.50")),)),
        "USDT": AssetTerms("USDT", D(1), 8, (Band(None, D("1.00")),), daily_rate=usdt_daily_rate),
    }


def scaled(low: int, high: int, places: int) -> st.SearchStrategy[Decimal]:
    """Decimals low..high in steps of 10**-places (never via float)."""
    return st.integers(low, high).map(lambda n: D(n).scaleb(-places))


@st.composite
def bands(draw: st.DrawFn) -> tuple[Band, ...]:
    """Flat, tiered (last band open) or capped (value above the last bound counts 0)."""
    kind = draw(st.sampled_from(["flat", "flat", "tiered", "capped"]))
    count = 1 if kind == "flat" else draw(st.integers(1, 3))
    factors = sorted(draw(st.lists(st.sampled_from(FACTORS), min_size=count, max_size=count)))
    factors.reverse()  # real tiers discount larger positions more
    if kind == "flat":
        return (Band(None, factors[0]),)
    bound = D(0)
    result = []
    for index, factor in enumerate(factors):
        bound += draw(scaled(1, 10**6, 0))
        last = index == len(factors) - 1
        result.append(Band(None if last and kind == "tiered" else bound, factor))
    return tuple(result)


def prices() -> st.SearchStrategy[Decimal]:
    """Prices from 0.0001 to about 100 000 USDT, spread over orders of magnitude."""
    return st.builds(
        lambda mantissa, exponent: Decimal(mantissa).scaleb(exponent),
        st.integers(1, 99999),
        st.integers(-8, 0),
    )


@st.composite
def asset_terms(draw: st.DrawFn, symbol: str, precisions: tuple[int, ...] = (0, 2, 6, 8)) -> AssetTerms:
    """Terms for one asset with a price between 0.0001 and 100 000 USDT (see prices())."""
    return AssetTerms(
        symbol=symbol,
        price=draw(prices()),
        precision=draw(st.sampled_from(precisions)),
        bands=draw(bands()),
        collateral=draw(st.sampled_from([True, True, True, False])),
        borrowable=True,
        daily_rate=draw(st.sampled_from([D(0), D("0.0001"), D("0.0002"), D("0.001")])),
        liquidation_priority=draw(st.integers(0, 2)),
        borrow_limit=draw(st.one_of(st.none(), scaled(0, 10**6, 0))),
    )


@st.composite
def markets(draw: st.DrawFn, precisions: tuple[int, ...] = (0, 2, 6, 8)) -> dict[str, AssetTerms]:
    """Terms for every symbol in SYMBOLS."""
    return {symbol: draw(asset_terms(symbol, precisions)) for symbol in SYMBOLS}


def units_worth(terms: AssetTerms, usdt: Decimal) -> Decimal:
    """The whole number of units of `terms` worth about `usdt` (rounded down)."""
    with money_context():
        return (usdt / terms.price).quantize(terms.unit, rounding=ROUND_FLOOR)


@st.composite
def holdings(
    draw: st.DrawFn, assets: dict[str, AssetTerms], min_usdt: int = 0, max_usdt: int = 10**7
) -> dict[str, Position]:
    """Margin balances only, each worth min_usdt..max_usdt and at least one unit."""
    chosen = draw(st.lists(st.sampled_from(SYMBOLS), min_size=1, max_size=4, unique=True))
    return {
        symbol: Position(
            symbol,
            margin=max(units_worth(assets[symbol], draw(usdt(min_usdt, max_usdt))), assets[symbol].unit),
        )
        for symbol in chosen
    }


def usdt(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """USDT amounts spread over orders of magnitude (0.01 .. 10**8), within [low, high]."""
    spread = st.builds(
        lambda mantissa, exponent: Decimal(mantissa).scaleb(exponent),
        st.integers(1, 9999),
        st.integers(-2, 4),
    )
    rare_low = st.integers(0, 9).flatmap(lambda n: st.just(Decimal(low)) if n == 0 else spread)
    return rare_low.map(lambda x: min(max(x, Decimal(low)), high))


@st.composite
def accounts(
    draw: st.DrawFn,
    assets: dict[str, AssetTerms],
    ratio_low: str = "0.2",
    ratio_high: str = "3",
    min_usdt: int = 0,
) -> dict[str, Position]:
    """Holdings plus debts sized so the margin ratio lands near a drawn value.

    Debts go to 1..3 symbols (which may also be held) and include some interest.
    """
    positions = draw(holdings(assets, min_usdt=min_usdt))
    collateral = value(positions, assets).collateral_value
    ratio = draw(scaled(int(D(ratio_low) * 100), int(D(ratio_high) * 100), 2))
    with money_context():
        liability = collateral / ratio if collateral > 0 else D(1)
    # Mostly owe what is not held; sometimes the same asset is both held and owed.
    not_held = [symbol for symbol in SYMBOLS if symbol not in positions]
    pool = SYMBOLS if draw(st.integers(0, 3)) == 0 else not_held
    owed = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
    weights = [draw(st.integers(1, 10)) for _ in owed]
    for symbol, weight in zip(owed, weights, strict=True):
        terms = assets[symbol]
        with money_context():
            worth = liability * weight / sum(weights)
            interest_share = draw(st.sampled_from([D(0), D("0.001"), D("0.05")]))
        total = units_worth(terms, worth)
        if total == 0:
            continue  # one unit is worth more than this debt: owe it elsewhere
        interest = units_worth(terms, worth * interest_share)
        current = positions.get(symbol, Position(symbol))
        positions[symbol] = replace(current, principal=total - interest, interest=interest)
    if all(position.owed == 0 for position in positions.values()):
        # Every chosen asset's unit was too coarse: owe one unit of the finest one.
        finest = min(SYMBOLS, key=lambda symbol: assets[symbol].unit * assets[symbol].price)
        current = positions.get(finest, Position(finest))
        positions[finest] = replace(current, principal=assets[finest].unit)
    return positions


def with_price(assets: dict[str, AssetTerms], symbol: str, price: Decimal) -> dict[str, AssetTerms]:
    """A copy of `assets` with one price changed."""
    changed = dict(assets)
    changed[symbol] = replace(assets[symbol], price=price)
    return changed


def replay(positions: dict[str, Position], plan: LiquidationPlan) -> list[dict[str, Position]]:
    """The account after each step of a plan, from its records alone.

    Steps: the start, each own-asset repayment, each sale with the repayments it paid
    for (an asset is sold at most once per plan), then the bad-debt write-off.
    """
    with money_context():
        current = dict(positions)
        states = [dict(current)]
        for own in plan.own_asset_repayments:
            p = current[own.symbol]
            current[own.symbol] = replace(
                p,
                margin=p.margin - own.interest - own.principal,
                interest=p.interest - own.interest,
                principal=p.principal - own.principal,
            )
            states.append(dict(current))
        for sale in plan.sales:
            p = current[sale.symbol]
            current[sale.symbol] = replace(p, margin=p.margin - sale.quantity)
            for repayment in plan.repayments:
                if repayment.from_sale_of == sale.symbol:
                    q = current[repayment.symbol]
                    current[repayment.symbol] = replace(
                        q,
                        interest=q.interest - repayment.interest,
                        principal=q.principal - repayment.principal,
                    )
            states.append(dict(current))
        for bad in plan.bad_debt:
            q = current[bad.symbol]
            current[bad.symbol] = replace(
                q, interest=q.interest - bad.interest, principal=q.principal - bad.principal
            )
        if plan.bad_debt:
            states.append(dict(current))
        return states
