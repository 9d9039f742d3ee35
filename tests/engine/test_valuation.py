"""Valuation, tiered collateral value and status."""

from decimal import ROUND_CEILING, ROUND_FLOOR
from decimal import Decimal as D

from hypothesis import given

from risk.engine import (
    AssetTerms,
    Band,
    Position,
    Status,
    Thresholds,
    collateral_value_of,
    status,
    value,
)
from risk.engine.limits import first_day_interest
from risk.engine.rounding import money_context

from .strategies import ZERO, asset_terms, examples, scaled, worked_example_assets

TIERED_BTC = AssetTerms(
    "BTC",
    D(20000),
    8,
    (Band(D(100_000_000), D(1)), Band(D(120_000_000), D("0.975")), Band(D(150_000_000), D("0.95"))),
)


def worked_example_positions(interest: D = ZERO) -> dict[str, Position]:
    return {
        "BTC": Position("BTC", margin=D(1)),
        "ADA": Position("ADA", margin=D(10000)),
        "USDT": Position("USDT", margin=D(20000), principal=D(20000), interest=interest),
    }


def test_worked_example_deposit_collateral_value() -> None:
    positions = {"BTC": Position("BTC", margin=D(1)), "ADA": Position("ADA", margin=D(10000))}
    valuation = value(positions, worked_example_assets())
    assert valuation.collateral_value == D(56500)
    assert valuation.liability == 0
    assert valuation.margin_ratio is None


def test_worked_example_after_borrowing_20000_usdt() -> None:
    valuation = value(worked_example_positions(), worked_example_assets())
    assert valuation.collateral_value == D(76500)
    assert valuation.liability == D(20000)
    assert valuation.margin_ratio == D("3.825")


def test_worked_example_first_day_interest_is_two_usdt() -> None:
    assets = worked_example_assets(usdt_daily_rate=D("0.0001"))
    assert first_day_interest(assets["USDT"], D(20000)) == D(2)


def test_worked_example_ratio_with_first_day_interest_is_rounded_down() -> None:
    assets = worked_example_assets(usdt_daily_rate=D("0.0001"))
    valuation = value(worked_example_positions(interest=D(2)), assets)
    with money_context():
        exact = D(76500) / D(20002)
    assert valuation.margin_ratio == D("3.82461753")
    assert valuation.margin_ratio <= exact < valuation.margin_ratio + D("1e-8")


def test_tiered_collateral_value_design_example() -> None:
    assert collateral_value_of(TIERED_BTC, D(6000)) == D(119_500_000)


def test_value_above_last_bounded_band_counts_zero() -> None:
    # 9000 BTC = 180M: 100M*1 + 20M*0.975 + 30M*0.95, the last 30M count nothing
    assert collateral_value_of(TIERED_BTC, D(9000)) == D(148_000_000)


def test_non_collateral_asset_counts_zero_but_its_debt_is_priced() -> None:
    usdc = AssetTerms("USDC", D(1), 6, (Band(None, D(1)),), collateral=False)
    positions = {"USDC": Position("USDC", margin=D(100), principal=D(50))}
    valuation = value(positions, {"USDC": usdc})
    assert valuation.collateral_value == 0
    assert valuation.liability == D(50)
    assert valuation.margin_ratio == 0


def test_collateral_rounds_down_and_liability_rounds_up() -> None:
    odd = AssetTerms("ODD", D("0.33333333"), 8, (Band(None, D("0.5")),))
    positions = {"ODD": Position("ODD", margin=D("0.00000001"), principal=D("0.00000001"))}
    valuation = value(positions, {"ODD": odd})
    assert valuation.collateral_value == 0  # 0.0000000016666 rounds down
    assert valuation.liability == D("1e-8")  # 0.0000000033333 rounds up


def test_rows_show_effective_factor_and_share() -> None:
    valuation = value(worked_example_positions(), worked_example_assets())
    rows = {row.symbol: row for row in valuation.rows}
    assert rows["ADA"].effective_factor == D("0.5")
    assert rows["BTC"].share == D("0.70588235")  # 54000 / 76500, rounded down
    assert rows["USDT"].liability_value == D(20000)


def test_row_of_asset_not_held_shows_first_band_factor() -> None:
    positions = {"BTC": Position("BTC", principal=D(1))}
    row = value(positions, worked_example_assets()).rows[0]
    assert row.effective_factor == D("0.90")


def test_status_at_the_thresholds() -> None:
    thresholds = Thresholds()
    usdt = AssetTerms("USDT", D(1), 8, (Band(None, D(1)),))
    btc = AssetTerms("BTC", D(1), 8, (Band(None, D(1)),))
    assets = {"USDT": usdt, "BTC": btc}

    def at(ratio: str) -> Status:
        positions = {
            "USDT": Position("USDT", margin=D(ratio) * 100),
            "BTC": Position("BTC", principal=D(100)),
        }
        return status(value(positions, assets), thresholds)

    assert at("1.05") is Status.LIQUIDATION
    assert at("1.0500001") is Status.MARGIN_CALL
    assert at("1.0999999") is Status.MARGIN_CALL
    assert at("1.10") is Status.HEALTHY


def test_no_liability_is_healthy() -> None:
    positions = {"BTC": Position("BTC", margin=D(1))}
    assert status(value(positions, worked_example_assets()), Thresholds()) is Status.HEALTHY


@examples(100)
@given(
    terms=asset_terms("BTC"),
    quantity=scaled(0, 10**12, 4),
    low=scaled(1, 10**9, 4),
    high=scaled(1, 10**9, 4),
)
def test_collateral_value_is_monotone_in_price(terms: AssetTerms, quantity: D, low: D, high: D) -> None:
    low, high = min(low, high), max(low, high)
    cheap = AssetTerms(terms.symbol, low, terms.precision, terms.bands, terms.collateral)
    dear = AssetTerms(terms.symbol, high, terms.precision, terms.bands, terms.collateral)
    assert collateral_value_of(cheap, quantity) <= collateral_value_of(dear, quantity)


@examples(100)
@given(terms=asset_terms("BTC"), quantity=scaled(0, 10**12, 4))
def test_collateral_value_never_exceeds_market_value(terms: AssetTerms, quantity: D) -> None:
    with money_context():
        assert 0 <= collateral_value_of(terms, quantity) <= quantity * terms.price


@examples(100)
@given(terms=asset_terms("BTC"), a=scaled(0, 10**9, 4), b=scaled(0, 10**9, 4))
def test_collateral_value_is_monotone_in_quantity(terms: AssetTerms, a: D, b: D) -> None:
    assert collateral_value_of(terms, min(a, b)) <= collateral_value_of(terms, max(a, b))


@examples(50)
@given(
    margin=scaled(0, 10**10, 6),
    principal=scaled(0, 10**10, 6),
    price=scaled(1, 10**9, 4),
)
def test_valuation_stays_exact_beyond_28_significant_digits(margin: D, principal: D, price: D) -> None:
    # Scale amounts far beyond 28 significant digits: the 60-digit context keeps them exact.
    big = D(10) ** 12
    terms = AssetTerms("BIG", price, 18, (Band(None, D(1)),))
    positions = {"BIG": Position("BIG", margin=margin * big, principal=principal * big)}
    valuation = value(positions, {"BIG": terms})
    with money_context():
        collateral = (margin * big * price).quantize(D("1e-8"), ROUND_FLOOR)
        liability = (principal * big * price).quantize(D("1e-8"), ROUND_CEILING)
    assert valuation.collateral_value == collateral
    assert valuation.liability == liability
