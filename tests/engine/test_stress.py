"""The stress test: every account at shocked prices."""

import copy
from dataclasses import replace
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from risk.engine import Position, Status, Thresholds, shocked_prices, status, stress_test, value

from .strategies import accounts, examples, markets, worked_example_assets

THRESHOLDS = Thresholds()


def book() -> dict[str, dict[str, Position]]:
    return {
        "safe": {"USDT": Position("USDT", margin=D(1000)), "BTC": Position("BTC", principal=D(0))},
        "long": {  # 1 BTC + 10000 ADA against 40000 USDT: ratio 1.4125
            "BTC": Position("BTC", margin=D(1)),
            "ADA": Position("ADA", margin=D(10000)),
            "USDT": Position("USDT", principal=D(40000)),
        },
        "thin": {  # 1 BTC against 40000 USDT: ratio 1.35
            "BTC": Position("BTC", margin=D(1)),
            "USDT": Position("USDT", principal=D(40000)),
        },
    }


def test_shock_moves_named_prices_and_star_moves_the_rest() -> None:
    prices = shocked_prices(worked_example_assets(), {"BTC": D("-0.2"), "*": D("0.1")})
    assert prices == {"BTC": D(48000), "ADA": D("0.55"), "USDT": D("1.1")}


def test_unshocked_prices_stay_untouched() -> None:
    prices = shocked_prices(worked_example_assets(), {"BTC": D("-0.2")})
    assert prices["ADA"] == D("0.50") and prices["USDT"] == D(1)


def test_shocked_price_is_rounded_to_8_places_and_clamped_above_zero() -> None:
    prices = shocked_prices(worked_example_assets(), {"ADA": D("-0.333333333"), "BTC": D(-2)})
    assert prices["ADA"] == D("0.33333333")  # 0.3333333335 rounds half-even
    assert prices["BTC"] == D("1e-8")


def test_shock_for_unknown_asset_is_refused() -> None:
    with pytest.raises(KeyError):
        stress_test(book(), worked_example_assets(), {"DOGE": D("-0.5")}, THRESHOLDS)


def test_float_shock_is_refused() -> None:
    with pytest.raises(TypeError):
        shocked_prices(worked_example_assets(), {"BTC": -0.2})  # type: ignore[dict-item]


def test_btc_crash_counts_margin_calls_and_liquidations() -> None:
    # BTC -30% -> 42000: "long" CV 40300 / 40000 = 1.0075, "thin" 37800 / 40000 = 0.945;
    # both above 0.9 / 0.98, so selling BTC lifts them back to the target.
    result = stress_test(book(), worked_example_assets(), {"BTC": D("-0.3")}, THRESHOLDS)
    assert result.accounts["safe"].status is Status.HEALTHY
    assert result.accounts["long"].status is Status.LIQUIDATION
    assert result.accounts["thin"].status is Status.LIQUIDATION
    assert (result.margin_call_count, result.liquidation_count) == (0, 2)
    assert result.accounts["safe"].plan is None
    thin_plan = result.accounts["thin"].plan
    assert thin_plan is not None
    assert thin_plan.bad_debt == () and thin_plan.ratio_after is not None
    assert thin_plan.ratio_after >= THRESHOLDS.target
    assert result.bad_debt_value == 0
    assert set(result.sold_value_by_asset) == {"BTC"}


def test_bad_debt_totals_in_usdt() -> None:
    accounts_ = {"thin": book()["thin"]}
    # BTC -50% -> 30000: 1 BTC brings 29400, leaving 10600 USDT of bad debt
    result = stress_test(accounts_, worked_example_assets(), {"BTC": D("-0.5")}, THRESHOLDS)
    assert result.bad_debt_value == D(10600)
    assert result.bad_debt_value_by_asset == {"USDT": D(10600)}
    assert result.sold_value_by_asset == {"BTC": D(30000)}


def test_margin_call_is_counted_without_a_plan() -> None:
    # BTC -20% -> 48000: "thin" ratio 43200 / 40000 = 1.08 (margin call)
    result = stress_test(book(), worked_example_assets(), {"BTC": D("-0.2")}, THRESHOLDS)
    assert result.accounts["thin"].status is Status.MARGIN_CALL
    assert result.accounts["thin"].plan is None
    assert result.margin_call_count == 1


@examples(30)
@given(data=st.data())
def test_stress_changes_no_input_and_counts_match_statuses(data: st.DataObject) -> None:
    assets = data.draw(markets())
    book_ = {n: data.draw(accounts(assets, ratio_low="0.9", ratio_high="3")) for n in range(3)}
    shocks = {"*": data.draw(st.sampled_from([D("-0.5"), D("-0.1"), D(0), D("0.3")]))}
    snapshot = (copy.deepcopy(book_), copy.deepcopy(assets))
    result = stress_test(book_, assets, shocks, THRESHOLDS)
    assert (book_, assets) == snapshot
    statuses = [r.status for r in result.accounts.values()]
    assert result.margin_call_count == statuses.count(Status.MARGIN_CALL)
    assert result.liquidation_count == statuses.count(Status.LIQUIDATION)
    for key, outcome in result.accounts.items():
        assert (outcome.plan is not None) == (outcome.status is Status.LIQUIDATION)
        shocked = {s: replace(t, price=result.prices[s]) for s, t in assets.items()}
        assert outcome.valuation == value(book_[key], shocked)
        assert outcome.status is status(outcome.valuation, THRESHOLDS)
