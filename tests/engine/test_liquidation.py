"""The partial liquidation plan."""

import copy
from dataclasses import replace
from decimal import Decimal as D

from hypothesis import assume, event, given
from hypothesis import strategies as st

from risk.engine import (
    AssetTerms,
    Band,
    LiquidationPlan,
    Position,
    Thresholds,
    apply_plan,
    liquidation_plan,
    simulate_sale,
    value,
)
from risk.engine.rounding import money_context

from .strategies import accounts, examples, markets, replay, worked_example_assets

THRESHOLDS = Thresholds()
TARGET = THRESHOLDS.target
FEE = THRESHOLDS.liquidation_fee


def ratio(positions: dict[str, Position], assets: dict[str, AssetTerms]) -> D | None:
    return value(positions, assets).margin_ratio


def underwater_example() -> dict[str, Position]:
    """Worked-example collateral (CV 56500) against 54000 USDT owed: ratio 1.0462."""
    return {
        "BTC": Position("BTC", margin=D(1)),
        "ADA": Position("ADA", margin=D(10000)),
        "USDT": Position("USDT", principal=D(54000)),
    }


def test_account_above_target_gets_an_empty_plan() -> None:
    positions = {"BTC": Position("BTC", margin=D(1)), "USDT": Position("USDT", principal=D(100))}
    plan = liquidation_plan(positions, worked_example_assets(), THRESHOLDS)
    assert plan.is_empty
    assert plan.positions_after == positions
    assert plan.ratio_before == plan.ratio_after


def test_account_without_liability_gets_an_empty_plan() -> None:
    positions = {"BTC": Position("BTC", margin=D(1))}
    plan = liquidation_plan(positions, worked_example_assets(), THRESHOLDS)
    assert plan.is_empty
    assert plan.ratio_before is None


def test_worked_example_sells_btc_first_just_enough_to_reach_target() -> None:
    assets = worked_example_assets()
    plan = liquidation_plan(underwater_example(), assets, THRESHOLDS)
    # v = (1.1 * 54000 - 56500) / (1.1 * 0.98 - 0.9) = 2900 / 0.178 = 16292.13 USDT of BTC
    (sale,) = plan.sales
    assert sale.symbol == "BTC"
    assert sale.quantity == D("0.27153563")  # 16292.1348 / 60000 rounded up
    assert sale.fee_quantity == D("0.00543072")  # 2% rounded up
    assert sale.proceeds_value == (sale.quantity - sale.fee_quantity) * 60000
    (repayment,) = plan.repayments
    assert (repayment.symbol, repayment.principal) == ("USDT", sale.proceeds_value)
    assert plan.ratio_after == D("1.1")
    assert plan.bad_debt == ()


def test_loan_is_repaid_from_its_own_asset_first_interest_before_principal() -> None:
    assets = worked_example_assets()
    positions = underwater_example()
    positions["USDT"] = Position("USDT", margin=D(100), principal=D(53950), interest=D(50))
    plan = liquidation_plan(positions, assets, THRESHOLDS)
    (own,) = plan.own_asset_repayments
    assert (own.symbol, own.interest, own.principal) == ("USDT", D(50), D(50))
    assert plan.positions_after["USDT"].interest == 0


def test_own_asset_repayment_alone_can_be_enough() -> None:
    assets = worked_example_assets()
    positions = {
        "BTC": Position("BTC", margin=D(2), principal=D(1)),
        "USDT": Position("USDT", principal=D(47000)),
    }  # CV 108000, L 107000: ratio 1.0093; repaying 1 BTC leaves 54000 / 47000
    plan = liquidation_plan(positions, assets, THRESHOLDS)
    assert plan.sales == ()
    assert plan.ratio_after == D("1.14893617")


def test_sale_order_follows_priority_then_higher_factor_then_symbol() -> None:
    assets = worked_example_assets()
    assets["ADA"] = replace(assets["ADA"], liquidation_priority=-1)
    positions = underwater_example()
    positions["USDT"] = Position("USDT", principal=D(56000))
    plan = liquidation_plan(positions, assets, THRESHOLDS)
    assert [sale.symbol for sale in plan.sales] == ["ADA", "BTC"]


def test_non_collateral_asset_in_margin_is_sold_too() -> None:
    assets = worked_example_assets()
    assets["USDC"] = AssetTerms("USDC", D(1), 6, (Band(None, D(1)),), collateral=False)
    positions = {
        "USDC": Position("USDC", margin=D(10000)),
        "BTC": Position("BTC", margin=D("0.1")),
        "USDT": Position("USDT", principal=D(8000)),
    }  # all the BTC (5880 USDT after fee) leaves 2120 owed, which only USDC can pay
    plan = liquidation_plan(positions, assets, THRESHOLDS)
    assert [sale.symbol for sale in plan.sales] == ["BTC", "USDC"]
    assert plan.bad_debt == ()


def test_collateral_running_out_leaves_bad_debt_written_off() -> None:
    assets = worked_example_assets()
    positions = {"BTC": Position("BTC", margin=D(1)), "USDT": Position("USDT", principal=D(60000))}
    plan = liquidation_plan(positions, assets, THRESHOLDS)
    (sale,) = plan.sales
    assert sale.quantity == D(1)
    (bad,) = plan.bad_debt
    assert bad.symbol == "USDT"
    assert bad.principal == D(60000) - sale.proceeds_value
    assert plan.ratio_after is None
    assert plan.positions_after["USDT"].owed == 0


def test_sale_that_would_overpay_sells_only_what_clears_the_debt() -> None:
    # USDC counts 0, so the ratio stays 0 until the debt is gone: the sale must clear it
    # exactly, not sell all 200 USDC.
    assets = worked_example_assets()
    assets["USDC"] = AssetTerms("USDC", D(1), 6, (Band(None, D(1)),), collateral=False)
    positions = {"USDC": Position("USDC", margin=D(200)), "USDT": Position("USDT", principal=D(100))}
    plan = liquidation_plan(positions, assets, THRESHOLDS)
    (sale,) = plan.sales
    assert plan.ratio_after is None and plan.bad_debt == ()
    assert sale.quantity == D("102.040817")  # 100 / 0.98 rounded up to 6 places
    assert sale.proceeds_value >= D(100)
    smaller, _, _ = simulate_sale(positions, assets, "USDC", sale.quantity - D("1e-6"), FEE)
    assert smaller.proceeds_value < D(100)
    assert plan.positions_after["USDC"].margin == D(200) - sale.quantity


def test_sale_lowers_the_ratio_below_f_over_one_minus_fee_and_raises_it_above() -> None:
    # BTC factor 0.9, fee 2%: the turning point is 0.9 / 0.98 = 0.918.
    assets = worked_example_assets()
    low = {"BTC": Position("BTC", margin=D(1)), "USDT": Position("USDT", principal=D(60000))}
    high = {"BTC": Position("BTC", margin=D(1)), "USDT": Position("USDT", principal=D(55000))}
    for positions, rises in ((low, False), (high, True)):  # ratios 0.9 and 0.9818
        before = ratio(positions, assets)
        _, _, after = simulate_sale(positions, assets, "BTC", D("0.1"), FEE)
        assert before is not None and (ratio(after, assets) > before) is rises


def test_plan_does_not_change_its_input() -> None:
    positions = underwater_example()
    snapshot = copy.deepcopy(positions)
    liquidation_plan(positions, worked_example_assets(), THRESHOLDS)
    assert positions == snapshot


def test_replaying_the_records_gives_positions_after() -> None:
    positions = underwater_example()
    plan = liquidation_plan(positions, worked_example_assets(), THRESHOLDS)
    assert apply_plan(positions, plan) == plan.positions_after


# --- properties ---------------------------------------------------------------------------

SETTINGS = examples(40)


def draw_liquidatable(data: st.DataObject, **kwargs: object) -> tuple[dict, dict, LiquidationPlan]:
    assets = data.draw(markets(precisions=kwargs.pop("precisions", (0, 2, 6, 8))))  # type: ignore[arg-type]
    positions = data.draw(accounts(assets, **kwargs))  # type: ignore[arg-type]
    plan = liquidation_plan(positions, assets, THRESHOLDS)
    event(f"sales: {len(plan.sales)}")
    event(f"bad debt: {bool(plan.bad_debt)}")
    event(f"own-asset repayments: {bool(plan.own_asset_repayments)}")
    return assets, positions, plan


@SETTINGS
@given(data=st.data())
def test_ratio_after_reaches_target_unless_bad_debt(data: st.DataObject) -> None:
    assets, positions, plan = draw_liquidatable(data, ratio_low="0.2", ratio_high="1.2")
    assert plan.ratio_after == ratio(plan.positions_after, assets)
    if not plan.bad_debt and plan.ratio_after is not None:
        assert plan.ratio_after >= TARGET
    if plan.bad_debt:
        assert plan.ratio_after is None
        assert all(p.margin == 0 for p in plan.positions_after.values())


@SETTINGS
@given(data=st.data())
def test_last_sale_is_no_more_than_needed(data: st.DataObject) -> None:
    assets, positions, plan = draw_liquidatable(data, ratio_low="0.2", ratio_high="1.2")
    if not plan.sales or plan.bad_debt:
        return
    before_last = replay(positions, plan)[-2]
    last = plan.sales[-1]
    if last.quantity == before_last[last.symbol].margin:
        return  # took the whole holding
    one_less = last.quantity - assets[last.symbol].unit
    if one_less == 0:
        after = before_last
    else:
        _, _, after = simulate_sale(before_last, assets, last.symbol, one_less, FEE)
    short = ratio(after, assets)
    assert short is not None and short < TARGET


@SETTINGS
@given(data=st.data())
def test_ratio_never_falls_when_it_starts_above_f_over_one_minus_fee(
    data: st.DataObject,
) -> None:
    # Selling v moves CV by -f v and L by -(1-phi) v; d(CV/L) has the sign of
    # (1-phi) CV - f L, so above f/(1-phi) (<= 1/0.98 for any f <= 1) every sale helps.
    # Fine units and holdings of at least 10 USDT keep rounding dust below the gain.
    assets, positions, plan = draw_liquidatable(
        data, ratio_low="1.03", ratio_high="1.1", min_usdt=10, precisions=(6, 8)
    )
    with money_context():
        assume(plan.ratio_before is not None and plan.ratio_before > 1 / (1 - FEE))
    ratios = [ratio(state, assets) for state in replay(positions, plan)]
    ratios = [r for r in ratios if r is not None]
    assert ratios == sorted(ratios)


@SETTINGS
@given(data=st.data())
def test_plan_conserves_every_asset_and_leaves_nothing_negative(data: st.DataObject) -> None:
    assets, positions, plan = draw_liquidatable(data, ratio_low="0.2", ratio_high="1.2")
    after = plan.positions_after
    assert apply_plan(positions, plan) == after
    with money_context():
        for symbol, before in positions.items():
            own = [r for r in plan.own_asset_repayments if r.symbol == symbol]
            sold = sum((s.quantity for s in plan.sales if s.symbol == symbol), D(0))
            own_paid = sum((r.interest + r.principal for r in own), D(0))
            assert before.margin - after[symbol].margin == own_paid + sold
            repaid = sum((r.interest + r.principal for r in plan.repayments if r.symbol == symbol), D(0))
            written_off = sum((b.interest + b.principal for b in plan.bad_debt if b.symbol == symbol), D(0))
            assert before.owed - after[symbol].owed == own_paid + repaid + written_off
            assert min(after[symbol].margin, after[symbol].principal, after[symbol].interest) >= 0
        for sale in plan.sales:
            assert 0 <= sale.fee_quantity <= sale.quantity  # the rest is what the house takes
            assert sale.proceeds_value <= (sale.quantity - sale.fee_quantity) * sale.price
            paid_value = sum(
                ((r.interest + r.principal) * assets[r.symbol].price)
                for r in plan.repayments
                if r.from_sale_of == sale.symbol
            )
            assert paid_value <= sale.proceeds_value


@SETTINGS
@given(data=st.data())
def test_interest_is_repaid_before_principal(data: st.DataObject) -> None:
    assets, positions, plan = draw_liquidatable(data, ratio_low="0.2", ratio_high="1.2")
    states = replay(positions, plan)
    # Whenever a record pays principal, that asset's interest is gone right after it.
    for index, own in enumerate(plan.own_asset_repayments):
        if own.principal > 0:
            assert states[1 + index][own.symbol].interest == 0
    for index, sale in enumerate(plan.sales):
        state = states[1 + len(plan.own_asset_repayments) + index]
        for repayment in plan.repayments:
            if repayment.from_sale_of == sale.symbol and repayment.principal > 0:
                assert state[repayment.symbol].interest == 0
