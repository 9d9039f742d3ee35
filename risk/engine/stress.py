"""Stress test: value every account after a price shock and plan the liquidations it causes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from .liquidation import LiquidationPlan, liquidation_plan
from .rounding import ceil_to, in_money_context, quantum
from .types import QUOTE_PLACES, AssetTerms, Position, Status, Thresholds
from .valuation import Assets, Valuation, status, value

PRICE_PLACES = 8
MIN_PRICE = quantum(PRICE_PLACES)  # a shocked price never reaches 0 or below
EVERY_OTHER_ASSET = "*"


@dataclass(frozen=True)
class AccountStress:
    """One account after the shock."""

    valuation: Valuation
    status: Status
    plan: LiquidationPlan | None  # only for accounts in LIQUIDATION after the shock


@dataclass(frozen=True)
class StressResult:
    """Every account after the shock, and the totals the risk desk looks at."""

    prices: dict[str, Decimal]  # the shocked prices used
    accounts: dict[Any, AccountStress]  # keyed like the input
    margin_call_count: int  # accounts whose status is MARGIN_CALL after the shock
    liquidation_count: int  # accounts whose status is LIQUIDATION after the shock
    sold_value_by_asset: dict[str, Decimal]  # USDT value of all sales, per sold asset
    bad_debt_value: Decimal  # USDT, each bad debt valued like a liability (rounded up)
    bad_debt_value_by_asset: dict[str, Decimal]  # USDT, per owed asset


@in_money_context
def shocked_prices(assets: Assets, shocks: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Prices after applying fractional shocks (Decimal("-0.2") = -20%).

    The key "*" applies to every asset not named. A shocked price is rounded half-even to
    8 places and clamped at 10**-8; an asset with no shock keeps its price untouched.
    """
    default = shocks.get(EVERY_OTHER_ASSET, Decimal(0))
    prices: dict[str, Decimal] = {}
    for symbol, terms in assets.items():
        shock = shocks.get(symbol, default)
        if isinstance(shock, bool) or not isinstance(shock, Decimal | int):
            raise TypeError(f"shock for {symbol} must be a Decimal, got {type(shock).__name__}")
        if shock == 0:
            prices[symbol] = terms.price
            continue
        moved = (terms.price * (1 + shock)).quantize(MIN_PRICE, rounding=ROUND_HALF_EVEN)
        prices[symbol] = max(moved, MIN_PRICE)
    return prices


@in_money_context
def stress_test(
    accounts: Mapping[Any, Mapping[str, Position]],
    assets: Assets,
    shocks: Mapping[str, Decimal],
    thresholds: Thresholds,
) -> StressResult:
    """Value each account at shocked prices; plan a liquidation where one would start.

    Nothing passed in is changed.
    """
    unknown = set(shocks) - set(assets) - {EVERY_OTHER_ASSET}
    if unknown:
        raise KeyError(f"shocks for unknown assets: {sorted(unknown)}")
    prices = shocked_prices(assets, shocks)
    shocked: dict[str, AssetTerms] = {
        symbol: replace(terms, price=prices[symbol]) for symbol, terms in assets.items()
    }
    results: dict[Any, AccountStress] = {}
    sold: dict[str, Decimal] = {}
    bad_debt: dict[str, Decimal] = {}
    for key, positions in accounts.items():
        valuation = value(positions, shocked)
        state = status(valuation, thresholds)
        plan = None
        if state is Status.LIQUIDATION:
            plan = liquidation_plan(positions, shocked, thresholds)
            for sale in plan.sales:
                sold[sale.symbol] = sold.get(sale.symbol, Decimal(0)) + sale.quantity * sale.price
            for bad in plan.bad_debt:
                worth = ceil_to((bad.interest + bad.principal) * prices[bad.symbol], QUOTE_PLACES)
                bad_debt[bad.symbol] = bad_debt.get(bad.symbol, Decimal(0)) + worth
        results[key] = AccountStress(valuation, state, plan)
    return StressResult(
        prices=prices,
        accounts=results,
        margin_call_count=sum(r.status is Status.MARGIN_CALL for r in results.values()),
        liquidation_count=sum(r.status is Status.LIQUIDATION for r in results.values()),
        sold_value_by_asset=dict(sorted(sold.items())),
        bad_debt_value=sum(bad_debt.values(), Decimal(0)),
        bad_debt_value_by_asset=dict(sorted(bad_debt.items())),
    )
