"""The dashboard shows the engine's figures: balance, ratio and status, assets, loans, limits, chart."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.selectors import account_summary, margin_account_for
from accounts.services import transfer
from margin_project.money import plain
from risk.models import AssetPrice, RatioSnapshot, RiskSettings

from .conftest import margin_call_make

pytestmark = pytest.mark.django_db


def data_value(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}" data-value="([^"]*)"', html)
    assert match, f"no {testid} on the page"
    return match.group(1)


def cell(html: str, table: str, symbol: str, column: str) -> str:
    start = html.index(f'data-testid="{table}"')
    html = html[start : html.index("</table>", start)]
    row = re.search(rf'<tr data-symbol="{symbol}"[^>]*>(.*?)</tr>', html, re.S)
    assert row, f"no row for {symbol}"
    match = re.search(rf'data-col="{column}" data-value="([^"]*)"', row.group(1))
    assert match, f"no {column} for {symbol}"
    return match.group(1)


def test_headline_figures_equal_the_engine(borrower_client, borrower):
    html = borrower_client.get("/").content.decode()
    summary = account_summary(margin_account=margin_account_for(borrower))
    assert data_value(html, "margin-balance") == plain(summary.valuation.collateral_value)
    assert data_value(html, "liability") == plain(summary.valuation.liability)
    assert data_value(html, "margin-ratio") == plain(summary.valuation.margin_ratio)


def test_worked_example_reads_as_a_person_would_see_it(borrower_client):
    html = borrower_client.get("/").content.decode()
    # 76 500 collateral value; 20 000 + 2 USDT first-day interest owed.
    assert "76,500" in html
    assert "20,002" in html
    assert "382.46%" in html  # 76 500 / 20 002, rounded down
    assert 'data-testid="status" data-status="healthy"' in html


def test_asset_rows_show_price_factor_collateral_value_and_share(borrower_client, borrower):
    html = borrower_client.get("/").content.decode()
    summary = account_summary(margin_account=margin_account_for(borrower))
    for row in summary.valuation.rows:
        assert cell(html, "assets-table", row.symbol, "collateral-value") == plain(row.collateral_value)
        assert cell(html, "assets-table", row.symbol, "share") == plain(row.share)
    assert cell(html, "assets-table", "BTC", "factor") == "0.9"
    assert cell(html, "assets-table", "ADA", "price") == "0.5"


def test_loans_show_principal_and_accrued_interest(borrower_client):
    html = borrower_client.get("/").content.decode()
    assert cell(html, "loans-table", "USDT", "principal") == "20000"
    assert cell(html, "loans-table", "USDT", "interest") == "2"
    assert "0.01%" in html  # USDT's daily rate


def test_max_borrowable_per_asset_equals_the_engine(borrower_client, borrower):
    html = borrower_client.get("/").content.decode()
    summary = account_summary(margin_account=margin_account_for(borrower))
    for symbol, limit in summary.max_borrowable.items():
        assert cell(html, "borrowable-table", symbol, "max-borrowable") == plain(limit.amount)


def test_liquidation_prices_per_collateral_asset_equal_the_engine(borrower_client, borrower):
    transfer(user=borrower, asset="USDT", amount="20000", direction="to_spot")
    html = borrower_client.get("/").content.decode()
    summary = account_summary(margin_account=margin_account_for(borrower))
    for symbol, prices in summary.liquidation_prices.items():
        for column, price in (
            ("margin-call-price", prices.margin_call),
            ("liquidation-price", prices.liquidation),
        ):
            assert cell(html, "liquidation-prices", symbol, column) == ("" if price is None else plain(price))
    # 1 BTC × 0.9 + 2 500 of ADA against 20 002 owed: liquidation at 105% when BTC is near 20 557.
    assert (
        Decimal("20557")
        < Decimal(cell(html, "liquidation-prices", "BTC", "liquidation-price"))
        < Decimal("20559")
    )


def test_a_new_customer_sees_no_ratio_and_an_empty_state(customer_client):
    html = customer_client.get("/").content.decode()
    assert data_value(html, "margin-ratio") == ""
    assert "No loans" in html
    assert 'data-testid="ratio-chart-empty"' in html


def test_margin_call_status_and_banner_after_a_price_drop(borrower_client, borrower):
    margin_call_make(borrower)
    html = borrower_client.get("/").content.decode()
    assert 'data-testid="status" data-status="margin_call"' in html
    assert 'data-testid="margin-call-banner"' in html


def test_stale_prices_are_flagged(borrower_client):
    old = timezone.now() - RiskSettings.load().max_price_age - timedelta(minutes=1)
    AssetPrice.objects.filter(asset__symbol="BTC").update(observed_at=old)
    html = borrower_client.get("/").content.decode()
    assert 'data-testid="stale-banner"' in html
    assert 'data-testid="stale-BTC"' in html


def test_ratio_chart_draws_the_recorded_snapshots(borrower_client, borrower):
    account = margin_account_for(borrower)
    now = timezone.now()
    for hours, ratio in ((5, "3.9"), (3, "3.1"), (1, "1.4")):
        RatioSnapshot.objects.create(
            margin_account=account,
            taken_at=now - timedelta(hours=hours),
            margin_ratio=Decimal(ratio),
            collateral_value=Decimal(0),
            liability_value=Decimal(0),
            status="healthy",
        )
    html = borrower_client.get("/").content.decode()
    assert 'data-points="4"' in html  # three snapshots and the ratio now
    polyline = re.search(r'<polyline class="ratio-line" points="([^"]+)"', html).group(1)
    assert len(polyline.split()) == 4
    assert "Margin call 110%" in html


def test_unread_alert_count_is_in_the_header(borrower_client, borrower):
    margin_call_make(borrower)
    html = borrower_client.get("/").content.decode()
    assert re.search(r'data-testid="unread-count"[^>]*>1<', html)


def test_dashboard_queries_do_not_grow_with_the_history(
    borrower_client, borrower, django_assert_max_num_queries
):
    for _ in range(10):
        transfer(user=borrower, asset="USDT", amount="1", direction="to_spot")
    with django_assert_max_num_queries(19):
        assert borrower_client.get("/").status_code == 200


def test_margin_call_names_the_transfer_from_spot_that_fixes_it(borrower_client, borrower):
    from margin_project.formatting import nice_ceiling
    from risk import engine

    margin_call_make(borrower)  # 20 000 USDT now sits in spot; BTC fell to 21 000
    summary = account_summary(margin_account=margin_account_for(borrower))
    terms = summary.market.terms
    exact = engine.transfer_in_needed(summary.positions, terms, "USDT", summary.thresholds.margin_call)
    to_borrow = engine.transfer_in_needed(summary.positions, terms, "USDT", summary.thresholds.borrow)
    html = borrower_client.get("/").content.decode()
    fixes = html[html.index('data-testid="fixes"') :]
    assert "20,000 USDT</strong> is in your spot wallet" in fixes
    assert data_value(fixes, "fix-margin-call") == plain(nice_ceiling(exact, terms["USDT"].unit))
    assert data_value(fixes, "fix-borrow") == plain(nice_ceiling(to_borrow, terms["USDT"].unit))
    link = re.search(r'data-testid="fix-transfer" href="([^"]*)"', fixes).group(1)
    amount = plain(nice_ceiling(exact, terms["USDT"].unit))
    assert link == f"/transfer/?direction=to_margin&amp;asset=USDT&amp;amount={amount}"


def test_the_suggested_transfer_lifts_the_account_out_of_the_margin_call(borrower_client, borrower):
    margin_call_make(borrower)
    html = borrower_client.get("/").content.decode()
    amount = data_value(html[html.index('data-testid="fixes"') :], "fix-margin-call")
    transfer(user=borrower, asset="USDT", amount=amount, direction="to_margin")
    summary = account_summary(margin_account=margin_account_for(borrower))
    assert summary.valuation.margin_ratio >= summary.thresholds.margin_call


def test_max_borrowable_says_what_limits_it(borrower_client):
    html = borrower_client.get("/").content.decode()
    assert cell(html, "borrowable-table", "USDT", "limited-by") == "margin_ratio"
    assert "margin ratio</span>" in html


def test_a_new_customer_gets_a_first_run_checklist(customer_client, customer):
    from tests.helpers import enable_mode, fund_margin

    from .conftest import sign_in

    html = customer_client.get("/").content.decode()
    steps = re.findall(r'data-step="(\w+)" data-done="(\w+)"', html)
    assert steps == [("two_factor", "false"), ("mode", "false"), ("collateral", "false"), ("borrow", "false")]
    fund_margin(customer, BTC="1")
    enable_mode(customer)  # sets up an authenticator first
    sign_in(customer_client, customer)  # past the second factor now that there is one
    html = customer_client.get("/").content.decode()
    steps = dict(re.findall(r'data-step="(\w+)" data-done="(\w+)"', html))
    assert steps == {"two_factor": "true", "mode": "true", "collateral": "true", "borrow": "false"}


def test_the_checklist_is_gone_once_every_step_is_done(borrower_client):
    assert 'data-testid="checklist"' not in borrower_client.get("/").content.decode()


def test_liquidation_prices_read_as_rounded_prices_with_the_exact_one_on_hover(borrower_client, borrower):
    transfer(user=borrower, asset="USDT", amount="20000", direction="to_spot")
    summary = account_summary(margin_account=margin_account_for(borrower))
    exact = summary.liquidation_prices["BTC"].margin_call
    html = borrower_client.get("/").content.decode()
    row = html[html.index('data-testid="liquidation-prices"') :]
    row = row[row.index('data-symbol="BTC"') :]
    assert f'title="{plain(exact)}"' in row
    assert len(plain(exact).replace(".", "").lstrip("0")) > 6  # the engine's 10-digit grid price
    shown = re.search(
        r'data-col="margin-call-price"[^>]*><span class="num-exact" title="[^"]*">([^<]*)<', row
    )
    # (20 002 x 1.1 - 2 500) / 0.9 = 21 669.11..., rounded up (toward today's 60 000) to six digits.
    assert shown.group(1) == "21,669.2"
