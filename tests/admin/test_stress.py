"""The stress test: a price shock on a fixed portfolio, checked against numbers worked out by hand.

Market (tests/conftest.py): BTC 60 000 and ETH 3 000 at factor 0.90, ADA 0.50 at 0.50, USDT 1 at
1.00; USDT's daily rate is 0.01%, charged for the first day at borrow. Defaults: margin call
below 110%, liquidation at or below 105%, target 110%, fee 2%.

    alice  1 BTC in margin, borrowed 40 000 USDT (moved out): L = 40 004
    bob    2 ETH in margin, borrowed 4 000 USDT (moved out): L = 4 000.4
    carol  10 000 ADA and 1 USDT in margin, borrowed 2 000 USDT (1 999 moved out): L = 2 000.2
    dave   1 BTC and 10 000 USDT in margin, borrowed 10 000 USDT: L = 10 001
    erin   1 ETH in margin, no debt

Shock: BTC -20% (48 000), ETH -25% (2 250), ADA -90% (0.05).
"""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.selectors.stress import stress_report
from risk.models import Liquidation, MarginCall
from tests.helpers import fund_margin, ledger_state

from .conftest import borrower
from .posts import visible_text

pytestmark = pytest.mark.django_db

SHOCK = {"BTC": D("-0.20"), "ETH": D("-0.25"), "ADA": D("-0.90")}


@pytest.fixture
def portfolio(make_user, market):
    borrower(make_user, "alice", collateral={"BTC": "1"}, borrow="40000")
    borrower(make_user, "bob", collateral={"ETH": "2"}, borrow="4000")
    borrower(make_user, "carol", collateral={"ADA": "10000"}, borrow="2000", keep_in_margin="1")
    borrower(make_user, "dave", collateral={"BTC": "1"}, borrow="10000", keep_in_margin="10000")
    fund_margin(make_user("erin"), ETH="1")


def rows_by_customer(report) -> dict:
    return {row.username: row for row in report.rows}


def test_alice_would_enter_margin_call(portfolio):
    alice = rows_by_customer(stress_report(shocks=SHOCK))["alice"]

    # CV = 1 x 48 000 x 0.90 = 43 200; L = 40 004; 43 200 / 40 004 = 1.0798920107... < 1.10, > 1.05.
    assert (alice.collateral_value, alice.liability) == (D("43200"), D("40004"))
    assert alice.ratio_after == D("1.07989201")
    assert alice.status_after == "margin_call"
    # Before the shock: 54 000 / 40 004 = 1.34986501...
    assert (alice.ratio_before, alice.status_before) == (D("1.34986501"), "healthy")
    assert alice.sales == () and alice.bad_debt_value == 0


def test_bob_would_be_partially_liquidated_back_to_the_target(portfolio):
    bob = rows_by_customer(stress_report(shocks=SHOCK))["bob"]

    # CV = 2 x 2 250 x 0.90 = 4 050; L = 4 000.4; ratio 1.01239876 <= 1.05: liquidation.
    assert (bob.collateral_value, bob.liability, bob.ratio_after) == (D("4050"), D("4000.4"), D("1.01239876"))
    assert bob.status_after == "liquidation"
    # Value to sell v = (T·L − CV) / (T·(1−φ) − f) = (1.1 x 4 000.4 − 4 050) / (1.1 x 0.98 − 0.9)
    #   = 350.44 / 0.178 = 1 968.7640449... USDT, i.e. 0.8750062421 ETH at 2 250.
    # Rounding (fee up, proceeds down) makes 0.87500627 ETH fall just short, so the least whole
    # number of units that reaches 110% is 0.87500628 ETH:
    #   fee 0.02 x 0.87500628 = 0.0175001256 -> 0.01750013 ETH; proceeds (0.87500628 − 0.01750013)
    #   x 2 250 = 1 929.3888375 USDT repay 0.4 interest and 1 928.9888375 principal: L' = 2 071.0111625;
    #   CV' = 1.12499372 x 2 250 x 0.90 = 2 278.112283; CV' / L' = 1.1000000...
    [sale] = bob.sales
    assert (sale.symbol, sale.quantity, sale.price) == ("ETH", D("0.87500628"), D("2250"))
    assert sale.value == D("1968.76413")  # 0.87500628 x 2 250
    assert bob.ratio_after_liquidation == D("1.1")
    assert bob.bad_debt_value == 0


def test_carol_would_leave_bad_debt_for_the_insurance_fund(portfolio):
    carol = rows_by_customer(stress_report(shocks=SHOCK))["carol"]

    # CV = 10 000 x 0.05 x 0.50 + 1 = 251; L = 2 000.2; 251 / 2 000.2 = 0.12548745...
    assert (carol.collateral_value, carol.liability, carol.ratio_after) == (
        D("251"),
        D("2000.2"),
        D("0.12548745"),
    )
    # Her 1 USDT repays 0.2 interest and 0.8 principal; no sale can lift her to 110%, so all
    # 10 000 ADA are sold (500 USDT, of which 2% = 200 ADA is the fee): 490 USDT repay principal.
    # Left owing: 2 000 − 0.8 − 490 = 1 509.2 USDT, covered by the insurance fund.
    [sale] = carol.sales
    assert (sale.symbol, sale.quantity, sale.value) == ("ADA", D("10000"), D("500"))
    assert carol.bad_debt_value == D("1509.2")
    assert carol.ratio_after_liquidation is None  # no liability left


def test_totals_of_the_shock(portfolio):
    report = stress_report(shocks=SHOCK)

    assert report.accounts_assessed == 4  # alice, bob, carol, dave; erin owes nothing
    assert [row.username for row in report.rows] == ["carol", "bob", "alice"]  # dave stays healthy
    assert (report.margin_call_count, report.liquidation_count) == (1, 2)
    assert report.sold_value_by_asset == {"ADA": D("500"), "ETH": D("1968.76413")}
    assert report.sold_value == D("2468.76413")
    assert report.bad_debt_value == D("1509.2")
    assert report.bad_debt_value_by_asset == {"USDT": D("1509.2")}


def test_one_shock_for_all_assets_leaves_usdt_at_one(portfolio):
    report = stress_report(shocks={"*": D("-0.20")})

    assert report.prices_after["USDT"] == 1
    assert (report.prices_after["BTC"], report.prices_after["ETH"], report.prices_after["ADA"]) == (
        D("48000"),
        D("2400"),
        D("0.4"),
    )
    # alice 107.98%: margin call. bob 2 x 2 400 x 0.9 / 4 000.4 = 107.98%: margin call.
    # carol (10 000 x 0.4 x 0.5 + 1) / 2 000.2 = 100.04%: liquidation.
    statuses = {row.username: str(row.status_after) for row in report.rows}
    assert statuses == {"alice": "margin_call", "bob": "margin_call", "carol": "liquidation"}


def test_stress_test_changes_nothing(portfolio):
    before = ledger_state()

    stress_report(shocks=SHOCK)

    assert ledger_state() == before
    assert not MarginCall.objects.exists() and not Liquidation.objects.exists()


def test_positions_are_read_in_one_query_however_many_accounts(make_user, market):
    borrower(make_user, "one", collateral={"BTC": "1"}, borrow="1000")
    with CaptureQueriesContext(connection) as few:
        stress_report(shocks=SHOCK)
    for name in ("two", "three", "four"):
        borrower(make_user, name, collateral={"ETH": "1"}, borrow="100")

    with CaptureQueriesContext(connection) as many:
        report = stress_report(shocks=SHOCK)

    assert report.accounts_assessed == 4
    assert len(many) == len(few)


def test_stress_page_shows_affected_accounts_and_totals(support_client, portfolio):
    response = support_client.get(
        reverse("admin:accounts_marginaccount_stress"), {"run": "1", "per_asset": "BTC -20, ETH -25, ADA -90"}
    )

    page = visible_text(response)
    assert "Shock applied: BTC −20%, ETH −25%, ADA −90%." in page
    assert (
        "Margin call 1 Liquidation 2 Would be sold 2,468.76413 USDT Bad debt (insurance fund) 1,509.2 USDT"
        in page
    )
    assert (
        "bob 134.98% Healthy 4,050 4,000.4 101.23% Liquidation 0.87500628 ETH at 2,250 = 1,968.76413 USDT"
        in page
    )
    assert "carol" in page and "alice" in page and "dave" not in page.split("Accounts the shock")[1]


def test_stress_page_without_a_shock_asks_for_one(support_client, market):
    response = support_client.get(reverse("admin:accounts_marginaccount_stress"), {"run": "1"})

    assert "Enter a shock for all assets, for some assets, or both." in response.content.decode()


@pytest.mark.parametrize(
    ("per_asset", "message"),
    [
        ("XYZ -20", "No priced asset &#x27;XYZ&#x27; to shock."),
        ("USDT -5", "USDT is the quote asset: every price is in USDT, so its own price is 1."),
        ("BTC -100", "A shock must be above -100%: a price cannot fall to zero."),
        (
            "BTC minus twenty",
            "“BTC minus twenty” is not a shock: write a symbol and a percent, e.g. BTC -20.",
        ),
        ("BTC -20, btc -30", "BTC is named twice."),
    ],
)
def test_stress_page_refuses_bad_shocks_clearly(support_client, market, per_asset, message):
    response = support_client.get(
        reverse("admin:accounts_marginaccount_stress"), {"run": "1", "per_asset": per_asset}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'id="stress-result"' not in response.content.decode()


def test_stress_page_accepts_one_shock_for_all(support_client, portfolio):
    response = support_client.get(
        reverse("admin:accounts_marginaccount_stress"), {"run": "1", "all_assets": "-20"}
    )

    assert "Shock applied: every other asset −20%." in visible_text(response)
