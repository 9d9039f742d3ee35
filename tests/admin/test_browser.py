"""A risk officer's morning in a real browser: change BTC's factor, read its history, stress test.

Headless Debian Chromium through Playwright against the live server; the risk list is
saved as a screenshot under the test run's output.
"""

import pytest

from risk.services import price_record
from tests.api.conftest import fresh_code
from tests.browser import screenshot_path
from tests.conftest import market_create, totp_device

from .conftest import borrower, staff_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(make_user, eager_celery):
    market_create()
    borrower(make_user, "alice", collateral={"BTC": "1"}, borrow="40000")
    borrower(make_user, "bob", collateral={"ETH": "2"}, borrow="4000")
    borrower(make_user, "carol", collateral={"ADA": "10000"}, borrow="2000", keep_in_margin="1")
    borrower(make_user, "dave", collateral={"BTC": "1"}, borrow="10000", keep_in_margin="10000")
    # BTC falls to 48 000; the sweep that follows (eager here) puts alice in margin call:
    # 1 x 48 000 x 0.90 = 43 200 against 40 004 is 107.98%.
    price_record(asset="BTC", price="48000", source="test")
    rita = staff_in(make_user, "rita", "risk officer")
    totp_device(rita)  # staff sign in with a second factor
    return rita


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-Secret-123")
    page.fill("#id_otp_code", fresh_code(user))
    page.click("input[type=submit]")
    page.wait_for_selector("#risk-desk")


def test_officer_changes_btc_factor_sees_history_and_runs_a_stress_test(page, live_server, desk):
    log_in(page, live_server, desk)

    # Change BTC's collateral factor from 90% to 85%.
    page.click("text=Assets, collateral factors and rates")
    page.click("table#result_list >> text=BTC")
    page.fill("input[name='tiers-0-factor']", "0.85")
    page.click("input[name='_save']")
    assert "was changed successfully" in page.inner_text("ul.messagelist")
    assert "85%" in page.inner_text("table#result_list")

    # Its history shows who changed the factor, from what to what.
    page.click("table#result_list >> text=BTC")
    page.click("text=History")
    tier_history = page.inner_text("#tier-history").replace("\xa0", " ")
    assert "rita" in tier_history
    assert "Factor: 0.9 → 0.85" in tier_history
    page.screenshot(path=screenshot_path("admin-asset-history"), full_page=True)

    # A stress test from today's prices: BTC -20% (38 400), ETH -25% (2 250), ADA -90% (0.05).
    page.goto(f"{live_server.url}/admin/")
    page.click("text=Stress test a price shock")
    page.fill("#id_per_asset", "BTC -20, ETH -25, ADA -90")
    page.click("input[value='Run stress test']")
    page.wait_for_selector("#stress-result")
    # alice: 38 400 x 0.85 = 32 640 against 40 004 (81.59%) and dave stays healthy (42 640 / 10 001);
    # bob and carol as in test_stress. Selling BTC cannot lift alice (81.59% < 0.85 / 0.98), so all
    # of it goes: 0.98 x 38 400 = 37 632 repays 4 interest and 37 628 principal, leaving 2 372 USDT;
    # with carol's 1 509.2 the insurance fund covers 3 881.2 USDT.
    assert page.inner_text("#total-liquidations") == "3"
    assert page.inner_text("#total-margin-calls") == "0"
    assert page.inner_text("#total-bad-debt") == "3,881.2 USDT"
    page.screenshot(path=screenshot_path("admin-stress-test"), full_page=True)

    # The risk list, lowest margin ratio first (the stress test changed nothing).
    page.click("text=Margin accounts")
    page.wait_for_selector("table#result_list")
    customers = page.locator("table#result_list tbody th.field-customer").all_inner_texts()
    assert customers == ["alice", "carol", "bob", "dave"]
    assert "Margin call" in page.inner_text("table#result_list tbody tr:first-child")
    page.screenshot(path=screenshot_path("admin-risk-list"), full_page=True)

    # One account's page.
    page.click("table#result_list >> text=alice")
    page.wait_for_selector("#balances")
    page.screenshot(path=screenshot_path("admin-account"), full_page=True)
