"""Max borrowable and max transferable are exactly the largest amounts that keep the level."""

from dataclasses import replace
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from risk.engine import AssetTerms, Band, Position, Thresholds, max_borrowable, max_transferable, value
from risk.engine.limits import (
    first_day_interest,
    transfer_in_needed,
    with_borrow,
    with_collateral_repay,
    with_repay,
    with_transfer,
)

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


# --- the action math the services, previews and forms ask: borrow, repay, transfer in ---


def test_first_day_interest_rounds_up_to_the_asset_precision() -> None:
    usdt = worked_example_assets(usdt_daily_rate=D("0.0001"))["USDT"]
    assert first_day_interest(usdt, D("20000")) == D("2")
    assert first_day_interest(usdt, D("0.00000001")) == D("0.00000001")  # 1e-12, rounded up


def test_repay_pays_interest_first_then_principal() -> None:
    positions = {"USDT": Position("USDT", margin=D(100), principal=D(1000), interest=D(2))}
    outcome = with_repay(positions, "USDT", D(50))
    assert (outcome.interest_paid, outcome.principal_paid) == (D(2), D(48))
    assert outcome.positions["USDT"] == Position("USDT", margin=D(50), principal=D(952), interest=D(0))


def test_repay_of_more_than_is_owed_or_held_is_not_computed() -> None:
    positions = {"USDT": Position("USDT", margin=D(100), principal=D(50))}
    for amount in (D(51), D(0), D(-1)):
        try:
            with_repay(positions, "USDT", amount)
        except ValueError:
            continue
        raise AssertionError(f"repaying {amount} was computed")


def test_transfer_in_needed_names_the_least_usdt_to_reach_a_level() -> None:
    # bob: 100 SOL at 170 x 0.75 against 12 703.175 USDT owed: 12 750 / 12 703.175 = 100.37%.
    assets = {
        "SOL": AssetTerms("SOL", D(170), 8, (Band(None, D("0.75")),)),
        "USDT": AssetTerms("USDT", D(1), 8, (Band(None, D(1)),)),
    }
    positions = {"SOL": Position("SOL", margin=D(100)), "USDT": Position("USDT", principal=D("12703.175"))}
    needed = transfer_in_needed(positions, assets, "USDT", D("1.10"))
    # 12 750 + x >= 1.1 x 12 703.175 = 13 973.4925
    assert needed == D("1223.4925")
    assert ratio_ok(with_transfer(positions, "USDT", needed, into_margin=True), assets, D("1.10"))
    assert not ratio_ok(
        with_transfer(positions, "USDT", needed - assets["USDT"].unit, into_margin=True), assets, D("1.10")
    )


def test_transfer_in_needed_is_zero_at_the_level_and_none_for_non_collateral() -> None:
    assets = worked_example_assets()
    assets["ADA"] = replace(assets["ADA"], collateral=False)
    positions = {"BTC": Position("BTC", margin=D(1)), "USDT": Position("USDT", principal=D(45000))}
    assert transfer_in_needed(positions, assets, "BTC", D("1.10")) == 0  # 54 000 / 45 000 = 120%
    assert transfer_in_needed(positions, assets, "ADA", D("1.25")) is None


@examples(50)
@given(data=st.data())
def test_transfer_in_needed_is_really_the_least(data: st.DataObject) -> None:
    assets = data.draw(markets())
    positions = data.draw(accounts(assets, ratio_low="0.5", ratio_high="1.3"))
    symbol = data.draw(st.sampled_from(SYMBOLS))
    level = data.draw(st.sampled_from([D("1.05"), D("1.10"), D("1.25")]))
    terms = assets[symbol]
    needed = transfer_in_needed(positions, assets, symbol, level)

    if needed is None:
        # Even a holding filling every bounded band does not reach the level.
        assert not terms.collateral or terms.bands[-1].up_to is not None
        return
    assert needed >= 0
    assert needed % terms.unit == 0
    after = with_transfer(positions, symbol, needed, into_margin=True) if needed else positions
    assert ratio_ok(after, assets, level)
    if needed > 0:
        assert not ratio_ok(
            with_transfer(positions, symbol, needed - terms.unit, into_margin=True)
            if needed > terms.unit
            else positions,
            assets,
            level,
        )


def test_collateral_repay_sells_only_what_margin_lacks() -> None:
    # alice owes 20 005.25 USDT and holds 20 000 in margin: 5.25 USDT short; BTC at 60 000, fee 0.
    assets = worked_example_assets()
    positions = {
        "BTC": Position("BTC", margin=D(1)),
        "USDT": Position("USDT", margin=D(20000), principal=D(20000), interest=D("5.25")),
    }
    outcome = with_collateral_repay(
        positions, assets, symbol="USDT", amount=D("20005.25"), collateral="BTC", fee=D(0)
    )
    assert outcome is not None
    assert outcome.sold == D("0.00008750")  # 5.25 / 60 000
    assert (outcome.fee, outcome.proceeds) == (D(0), D("5.25"))
    assert (outcome.interest_paid, outcome.principal_paid) == (D("5.25"), D(20000))
    assert outcome.positions["USDT"].owed == 0
    assert outcome.positions["BTC"].margin == D("0.9999125")


def test_collateral_repay_with_a_fee_sells_a_little_more() -> None:
    assets = worked_example_assets()
    positions = {"BTC": Position("BTC", margin=D(1)), "USDT": Position("USDT", principal=D(600))}
    outcome = with_collateral_repay(
        positions, assets, symbol="USDT", amount=D(600), collateral="BTC", fee=D("0.02")
    )
    assert outcome is not None
    # 600 / (60 000 x 0.98) = 0.01020408...: the least 8-place quantity whose net covers 600.
    assert outcome.sold == D("0.01020409")
    assert outcome.fee == D("0.00020409")
    assert outcome.proceeds >= 600


def test_collateral_repay_is_none_when_the_collateral_cannot_cover_it() -> None:
    assets = worked_example_assets()
    positions = {"ADA": Position("ADA", margin=D(10)), "USDT": Position("USDT", principal=D(600))}
    assert (
        with_collateral_repay(positions, assets, symbol="USDT", amount=D(600), collateral="ADA", fee=D(0))
        is None
    )


@examples(50)
@given(data=st.data())
def test_collateral_repay_sells_the_least_that_covers_the_shortfall(data: st.DataObject) -> None:
    assets = data.draw(markets())
    positions = data.draw(accounts(assets, ratio_low="0.8", ratio_high="5"))
    owed = [s for s, p in sorted(positions.items()) if p.owed > 0]
    symbol = data.draw(st.sampled_from(owed))
    held = [s for s, p in sorted(positions.items()) if p.margin > 0 and s != symbol]
    if not held:
        return
    collateral = data.draw(st.sampled_from(held))
    fee = data.draw(st.sampled_from([D(0), D("0.005"), D("0.02")]))
    amount = positions[symbol].owed
    outcome = with_collateral_repay(
        positions, assets, symbol=symbol, amount=amount, collateral=collateral, fee=fee
    )
    if outcome is None:
        return
    short = max(amount - positions[symbol].margin, D(0))
    assert outcome.proceeds >= short
    assert outcome.interest_paid + outcome.principal_paid == amount
    assert outcome.positions[symbol].owed == 0
    assert outcome.positions[collateral].margin == positions[collateral].margin - outcome.sold
    if outcome.sold > 0:
        # One unit less would not have covered the shortfall.
        smaller = outcome.sold - assets[collateral].unit
        net = smaller - (smaller * fee).quantize(assets[collateral].unit, rounding="ROUND_CEILING")
        proceeds = (net * assets[collateral].price / assets[symbol].price).quantize(
            assets[symbol].unit, rounding="ROUND_FLOOR"
        )
        assert proceeds < short
