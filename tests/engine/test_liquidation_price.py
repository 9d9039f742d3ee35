"""Liquidation prices: where a single price move takes the account to a level."""

from collections.abc import Callable
from decimal import Decimal as D

from hypothesis import event, given
from hypothesis import strategies as st

from risk.engine import (
    AssetTerms,
    Band,
    Position,
    Status,
    Thresholds,
    liquidation_prices,
    price_step,
    status,
    value,
)
from risk.engine.rounding import money_context

from .strategies import SYMBOLS, accounts, examples, markets, with_price, worked_example_assets

THRESHOLDS = Thresholds()
IN_MARGIN_CALL: Callable[[Status], bool] = lambda state: state is not Status.HEALTHY  # noqa: E731
IN_LIQUIDATION: Callable[[Status], bool] = lambda state: state is Status.LIQUIDATION  # noqa: E731


def status_at(positions: dict[str, Position], assets: dict[str, AssetTerms], symbol: str, price: D) -> Status:
    return status(value(positions, with_price(assets, symbol, price)), THRESHOLDS)


def long_btc() -> dict[str, Position]:
    """1 BTC + 10000 ADA (CV 56500) against 40000 USDT: ratio 1.4125."""
    return {
        "BTC": Position("BTC", margin=D(1)),
        "ADA": Position("ADA", margin=D(10000)),
        "USDT": Position("USDT", principal=D(40000)),
    }


def test_long_position_liquidates_below_the_current_price() -> None:
    prices = liquidation_prices(long_btc(), worked_example_assets(), "BTC", THRESHOLDS)
    assert prices.liquidation is not None and prices.margin_call is not None
    # 0.9 p + 2500 = 1.05 * 40000 -> p = 43888.89; the ratio's rounding down to 8 places
    # moves the edge up by at most 1e-8 * 40000 / 0.9 = 0.00045
    with money_context():
        exact = (D("1.05") * 40000 - 2500) / D("0.9")
    assert exact <= prices.liquidation <= exact + D("0.0005")
    assert prices.liquidation < prices.margin_call < D(60000)


def test_returned_price_has_ten_significant_digits() -> None:
    prices = liquidation_prices(long_btc(), worked_example_assets(), "BTC", THRESHOLDS)
    assert prices.liquidation == D("43888.88933")
    assert price_step(prices.liquidation) == D("0.00001")


def test_short_position_liquidates_above_the_current_price() -> None:
    positions = {"USDT": Position("USDT", margin=D(80000)), "BTC": Position("BTC", principal=D(1))}
    prices = liquidation_prices(positions, worked_example_assets(), "BTC", THRESHOLDS)
    assert prices.liquidation is not None
    with money_context():
        exact = D(80000) / D("1.05")  # 76190.476...
    assert exact - D("0.01") <= prices.liquidation <= exact
    assert prices.margin_call is not None and prices.margin_call < prices.liquidation


def test_no_liability_means_no_liquidation_price() -> None:
    positions = {"BTC": Position("BTC", margin=D(1))}
    prices = liquidation_prices(positions, worked_example_assets(), "BTC", THRESHOLDS)
    assert prices.margin_call is None and prices.liquidation is None


def test_asset_outside_the_account_has_no_price() -> None:
    # BTC is neither held nor owed, so no BTC price changes this healthy account.
    positions = {"USDT": Position("USDT", margin=D(100)), "ADA": Position("ADA", principal=D(1))}
    prices = liquidation_prices(positions, worked_example_assets(), "BTC", THRESHOLDS)
    assert prices.margin_call is None and prices.liquidation is None


def test_small_holding_that_cannot_reach_the_level_has_no_price() -> None:
    # Even at a price of nearly 0 the 0.001 BTC cannot pull 10000 USDT below 105% of 100.
    positions = {
        "USDT": Position("USDT", margin=D(10000), principal=D(100)),
        "BTC": Position("BTC", margin=D("0.001")),
    }
    prices = liquidation_prices(positions, worked_example_assets(), "BTC", THRESHOLDS)
    assert prices.margin_call is None and prices.liquidation is None


def test_account_already_liquidating_returns_current_price() -> None:
    positions = long_btc()
    positions["USDT"] = Position("USDT", principal=D(54000))
    prices = liquidation_prices(positions, worked_example_assets(), "BTC", THRESHOLDS)
    assert prices.liquidation == D(60000)
    assert prices.margin_call == D(60000)


def capped_btc_account(price: D) -> tuple[dict[str, Position], dict[str, AssetTerms]]:
    """20 BTC held, 10 BTC + 100000 USDT owed; BTC counts 100% up to 1M USDT, 0 above.

    CV = min(20 p, 1M), L = 10 p + 100000: the ratio rises with p up to p = 50000, then
    falls, so liquidation is reached both at p = 11052.63 and at p = 85238.10.
    """
    assets = worked_example_assets()
    assets["BTC"] = AssetTerms("BTC", price, 8, (Band(D(1_000_000), D(1)),))
    positions = {
        "BTC": Position("BTC", margin=D(20), principal=D(10)),
        "USDT": Position("USDT", principal=D(100000)),
    }
    return positions, assets


def test_held_and_owed_asset_returns_the_nearer_falling_edge() -> None:
    positions, assets = capped_btc_account(D(30000))
    price = liquidation_prices(positions, assets, "BTC", THRESHOLDS).liquidation
    assert price is not None and D("11052.6") < price < D("11052.7")


def test_held_and_owed_asset_returns_the_nearer_rising_edge() -> None:
    positions, assets = capped_btc_account(D(60000))
    price = liquidation_prices(positions, assets, "BTC", THRESHOLDS).liquidation
    assert price is not None and D("85238.0") < price < D("85238.2")


def samples_around(current: D) -> list[D]:
    """Prices from current / 1000 to current * 1000, denser near the current price."""
    with money_context():
        near = [current * (1 + D(k) / 40) for k in range(-39, 40) if k]
        far = [current * D(2) ** k for k in range(-10, 11) if k]
    return [price.quantize(D("1e-12")) for price in near + far if price > D("1e-12")]


def check_level(
    positions: dict[str, Position],
    assets: dict[str, AssetTerms],
    symbol: str,
    price: D | None,
    reached: Callable[[Status], bool],
) -> None:
    current = assets[symbol].price
    if reached(status_at(positions, assets, symbol, current)):
        event("already reached")
        assert price == current
        return
    event("none" if price is None else "below" if price < current else "above")
    if price is not None:
        step = price_step(price)
        assert reached(status_at(positions, assets, symbol, price))
        safer = price + step if price < current else price - step
        assert not reached(status_at(positions, assets, symbol, safer))
    # No sampled price nearer to the current one reaches the level (None: none at all).
    for sample in samples_around(current):
        if reached(status_at(positions, assets, symbol, sample)):
            assert price is not None
            assert abs(sample - current) >= abs(price - current) - price_step(price)


@examples(40)
@given(data=st.data())
def test_status_is_reached_at_the_price_and_not_one_step_safer(data: st.DataObject) -> None:
    assets = data.draw(markets())
    positions = data.draw(accounts(assets, ratio_low="1.15", ratio_high="6"))
    symbol = data.draw(st.sampled_from([*sorted(positions), *SYMBOLS]))
    prices = liquidation_prices(positions, assets, symbol, THRESHOLDS)
    check_level(positions, assets, symbol, prices.liquidation, IN_LIQUIDATION)
    check_level(positions, assets, symbol, prices.margin_call, IN_MARGIN_CALL)
