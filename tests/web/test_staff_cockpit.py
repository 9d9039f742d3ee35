"""The staff cockpit in a real browser: the admin home shows the desk's counts, each opening its list."""

from __future__ import annotations

import pytest

from accounts.selectors import margin_account_for
from accounts.services.sweep import account_sweep
from risk.roles import RISK_OFFICER
from risk.services import price_record
from tests.admin.conftest import borrower, staff_in
from tests.api.conftest import fresh_code
from tests.browser import screenshot_path
from tests.conftest import market_create, totp_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(make_user):
    market_create()
    customers = [
        borrower(make_user, "alice", collateral={"BTC": "1"}, borrow="40000"),
        borrower(make_user, "bob", collateral={"ETH": "2"}, borrow="4000"),
        borrower(make_user, "carol", collateral={"ADA": "10000"}, borrow="1900"),
    ]
    price_record(asset="BTC", price="48000", source="test")  # alice: 107.98 %, a margin call
    price_record(asset="ADA", price="0.05", source="test")  # carol: liquidated, bad debt left
    for customer in customers:
        account_sweep(margin_account_id=margin_account_for(customer).pk)
    rita = staff_in(make_user, "rita", RISK_OFFICER)
    totp_device(rita)  # staff sign in with a second factor
    return rita


def test_the_cockpit_shows_the_right_counts_and_opens_each_list(page, live_server, desk):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "rita")
    page.fill("#id_password", "pw-Secret-123")
    page.fill("#id_otp_code", fresh_code(desk))
    page.click("input[type=submit]")
    page.wait_for_selector("#cockpit")
    assert page.inner_text("#cockpit-margin_calls") == "1"
    assert page.inner_text("#cockpit-liquidations") == "1"
    assert page.inner_text("#cockpit-stale_prices") == "0"
    assert page.inner_text("#cockpit-bad_debt") != "0"
    assert "ADA" in page.inner_text("#cockpit-insurance_fund")
    assert page.locator("#stale-banner").count() == 0
    page.screenshot(path=screenshot_path("admin-cockpit"), full_page=True)

    page.click("[data-key=margin_calls]")
    page.wait_for_selector("table#result_list")
    assert page.locator("table#result_list tbody th.field-customer").all_inner_texts() == ["alice"]
    page.go_back()
    page.click("[data-key=liquidations]")
    page.wait_for_selector("table#result_list")
    assert page.locator("table#result_list tbody tr").count() == 1
