"""Max borrowable and max transferable are exactly the largest amounts that keep the level."""

from dataclasses import replace
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from risk.engine import AssetTerms, Position, Thresholds, max_borrowable, max_transferable, value
from risk.engine.limits import with_borrow

from .strategies import SYMBOLS, accounts, examples, markets, worked_example_assets

THRESHOLDS = Thresholds()


def ratio_ok(positions: dict[str, Position], assets: dict[str, AssetTerms], level: D) -> bool:
    ratio = value(positions, assets).margin_ratio
    return ratio is None or ratio >= level


def transferred(positions: dict[str, Position], symbol: str, amount: D) -> dict[str, Position]:
    after = dict(positions)
    after[symbol] = replace(after[symbol], margin=after[symbol].margin - amount)
    return after


def test_worked_example_max_borrowable_usdt() -> None:
    # 56500 + x >= 1.25 * (x + x * 0.0001)  ->  x <= 56500 / 0.250125 = 225887.0564717...
    assets = worked_example_assets(usdt_daily_rate=D("0.0001"))
    positions = {"BTC": Position("BTC", margin=D(1)), "ADA": Position("ADA", margin=D(10000))}
    result = max_borrowable(positions, assets, "USDT", THRESHOLDS)
    assert result.limited_by == "margin_ratio"
    assert D("225887.0564") < result.amount < D("225887.0565")
    usdt = assets["USDT"]
    assert ratio_ok(with_borrow(positions, usdt, result.amount), assets, D("1.25"))
    assert not ratio_ok(with_borrow(positions, usdt, result.amount + usdt.unit), assets, D("1.25"))


def test_not_borrowable_asset_gives_zero() -> None:
    assets = worked_example_assets()
    assets["ADA"] = replace(assets["ADA"], borrowable=False)
    positions = {"BTC": Position("BTC", margin=D(1))}
    result = max_borrowable(positions, assets, "ADA", THRESHOLDS)
    assert result.amount == 0
    assert result.limited_by == "not_borrowable"


def test_borrow_limit_caps_the_amount_net_of_principal() -> None:
    assets = worked_example_assets()
    assets["USDT"] = replace(assets["USDT"], borrow_limit=D(1000))
    positions = {"BTC": Position("BTC", margin=D(1)), "USDT": Position("USDT", principal=D(300))}
    result = max_borrowable(positions, assets, "USDT", THRESHOLDS)
    assert result.amount == D(700)
    assert result.limited_by == "borrow_limit"


def test_principal_above_borrow_limit_gives_zero_not_negative() -> None:
    assets = worked_example_assets()
    assets["USDT"] = replace(assets["USDT"], borrow_limit=D(100))
    positions = {"BTC": Position("BTC", margin=D(1)), "USDT": Position("USDT", principal=D(300))}
    assert max_borrowable(positions, assets, "USDT", THRESHOLDS).amount == 0


def test_account_below_borrow_level_can_borrow_nothing() -> None:
    assets = worked_example_assets()
    positions = {"BTC": Position("BTC", margin=D(1)), "USDT": Position("USDT", principal=D(50000))}
    result = max_borrowable(positions, assets, "BTC", THRESHOLDS)
    assert result.amount == 0
    assert result.limited_by == "margin_ratio"


def test_max_borrowable_has_the_asset_precision() -> None:
    positions = {"BTC": Position("BTC", margin=D(1))}
    result = max_borrowable(positions, worked_example_assets(), "BTC", THRESHOLDS)
    assert result.amount.as_tuple().exponent == -8


def test_max_transferable_without_liability_is_whole_margin() -> None:
    positions = {"ADA": Position("ADA", margin=D("123.456789"))}
    assert max_transferable(positions, worked_example_assets(), "ADA", THRESHOLDS) == D("123.456789")


def test_max_transferable_worked_example_btc() -> None:
    # 1 BTC + 10000 ADA, 20000 USDT owed (not held): keep 0.9*60000*q + 2500 >= 25000
    assets = worked_example_assets()
    positions = {
        "BTC": Position("BTC", margin=D(1)),
        "ADA": Position("ADA", margin=D(10000)),
        "USDT": Position("USDT", principal=D(20000)),
    }
    amount = max_transferable(positions, assets, "BTC", THRESHOLDS)
    assert amount == D("0.58333333")  # keep 0.41666667 BTC = 22500 / 54000 rounded up


def test_max_transferable_below_level_is_zero() -> None:
    assets = worked_example_assets()
    positions = {"BTC": Position("BTC", margin=D(1)), "USDT": Position("USDT", principal=D(45000))}
    assert max_transferable(positions, assets, "BTC", THRESHOLDS) == 0


@examples(50)
@given(data=st.data())
def test_max_borrowable_is_really_the_maximum(data: st.DataObject) -> None:
    assets = data.draw(markets())
    positions = data.draw(accounts(assets, ratio_low="0.8", ratio_high="20"))
    symbol = data.draw(st.sampled_from(SYMBOLS))
    terms = assets[symbol]
    result = max_borrowable(positions, assets, symbol, THRESHOLDS)

    assert result.amount >= 0
    assert result.amount % terms.unit == 0
    if value(positions, assets).liability == 0 or ratio_ok(positions, assets, D("1.25")):
        assert ratio_ok(with_borrow(positions, terms, result.amount), assets, D("1.25"))
    else:
        assert result.amount == 0
    one_more = result.amount + terms.unit
    if result.limited_by == "margin_ratio":
        assert not ratio_ok(with_borrow(positions, terms, one_more), assets, D("1.25"))
    else:
        assert result.limited_by == "borrow_limit"
        principal = positions.get(symbol, Position(symbol)).principal
        assert terms.borrow_limit is not None
        assert principal + one_more > terms.borrow_limit


@examples(50)
@given(data=st.data())
def test_max_transferable_is_really_the_maximum(data: st.DataObject) -> None:
    assets = data.draw(markets())
    positions = data.draw(accounts(assets, ratio_low="0.8", ratio_high="20"))
    symbol = data.draw(st.sampled_from(sorted(positions)))
    terms = assets[symbol]
    held = positions[symbol].margin
    amount = max_transferable(positions, assets, symbol, THRESHOLDS)

    assert 0 <= amount <= held
    assert ratio_ok(transferred(positions, symbol, amount), assets, D("1.25")) or amount == 0
    if amount + terms.unit <= held:
        assert not ratio_ok(transferred(positions, symbol, amount + terms.unit), assets, D("1.25"))
