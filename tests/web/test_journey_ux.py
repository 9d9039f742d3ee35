"""Journeys through the ways out: a margin call on a stale price fixed from spot, a refused preview
with its largest amount one click away, and a repay-all short of funds completed two ways."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models.ledger import AccountKind
from accounts.selectors import account_summary, margin_account_for
from accounts.services import deposit_credit, loan_borrow, transfer
from accounts.services.sweep import account_sweep
from risk.models import AssetPrice
from risk.services import price_record
from tests.browser import screenshot_path
from tests.helpers import balance, enable_mode, fund_margin

from .conftest import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(15_000)
    yield context
    context.close()


def confirm(page) -> str:
    page.click("[data-testid=confirm]")
    page.wait_for_url(re.compile(r"/$"))
    return page.inner_text("[data-testid=message]")


@pytest.fixture
def bob(make_user, market):
    """10 ETH in margin, 20 000 USDT borrowed and moved to spot; ETH falls to 2 400: a margin call."""
    user = make_user("bob")
    fund_margin(user, ETH="10")
    enable_mode(user)
    loan_borrow(user=user, asset="USDT", amount="20000")
    transfer(user=user, asset="USDT", amount="20000", direction="to_spot")
    price_record(asset="ETH", price="2400", source="test")  # 21 600 / 20 002: 107.98 %
    account_sweep(margin_account_id=margin_account_for(user).pk)
    return user


def test_bob_in_margin_call_on_a_stale_price_moves_usdt_from_spot_and_repays(tab, live_server, bob):
    AssetPrice.objects.update(observed_at=timezone.now() - timedelta(hours=1))  # the feed stopped
    page = browser_sign_in(tab, live_server, bob)
    page.goto(f"{live_server.url}/")
    assert page.is_visible("[data-testid=stale-banner]")
    banner = page.inner_text("[data-testid=margin-call-banner]")
    assert "20,000 USDT is in your spot wallet" in banner

    # The banner's fix: the transfer, prefilled with the USDT actually in spot.
    page.click("[data-testid=fix-transfer]")
    page.wait_for_url(re.compile(r"/transfer/\?direction=to_margin&asset=USDT&amount="))
    amount = page.input_value("#id_amount")
    page.click("[data-testid=preview-button]")
    page.wait_for_selector("[data-testid=preview][data-allowed=true]")
    assert page.is_visible("[data-testid=preview-stale]")  # it says the price is stale, and goes on
    assert f"Moved {amount}" in confirm(page).replace(",", "")

    # And repaying works on the stale price too.
    page.goto(f"{live_server.url}/repay/")
    page.select_option("#id_asset", "USDT")
    page.fill("#id_amount", "400")  # of the 402.2 USDT just moved in
    page.click("[data-testid=preview-button]")
    page.wait_for_selector("[data-testid=preview][data-allowed=true]")
    assert "Repaid 400 USDT" in confirm(page)
    summary = account_summary(margin_account=margin_account_for(bob))
    assert summary.valuation.margin_ratio >= summary.thresholds.margin_call
    assert balance(bob, AccountKind.LOAN_PRINCIPAL, "USDT") == Decimal("-19602")  # 2 interest first


def test_a_refused_preview_shows_no_confirm_and_offers_the_largest_amount(tab, live_server, borrower):
    page = browser_sign_in(tab, live_server, borrower)
    page.goto(f"{live_server.url}/borrow/")
    page.select_option("#id_asset", "USDT")
    page.fill("#id_amount", "300000")
    page.click("[data-testid=preview-button]")
    page.wait_for_selector("[data-testid=preview][data-allowed=false]")
    assert page.locator("[data-testid=confirm]").count() == 0
    assert "can be borrowed while keeping the margin ratio at 125% or more" in page.inner_text(
        "[data-testid=refusal]"
    )
    page.screenshot(path=screenshot_path("preview-refused"), full_page=True)

    page.click("[data-testid=use-largest]")
    page.wait_for_selector("[data-testid=preview][data-allowed=true]")
    assert "Borrowed" in confirm(page)
    summary = account_summary(margin_account=margin_account_for(borrower))
    assert summary.valuation.margin_ratio >= summary.thresholds.borrow


def _repay_all(page, live_server) -> None:
    page.goto(f"{live_server.url}/repay/")
    page.select_option("#id_asset", "USDT")
    page.check("#id_repay_all")
    page.click("[data-testid=preview-button]")
    page.wait_for_selector("[data-testid=preview]")


def test_repay_all_short_of_funds_is_completed_by_selling_collateral(tab, live_server, borrower):
    # alice holds the 20 000 USDT she borrowed but owes 20 002 with the first day's interest.
    page = browser_sign_in(tab, live_server, borrower)
    _repay_all(page, live_server)
    refusal = page.inner_text("[data-testid=refusal]")
    assert "2 USDT short" in refusal
    assert page.locator("[data-testid=confirm]").count() == 0
    assert page.locator("[data-testid=way-out-transfer]").count() == 0  # nothing in spot
    page.screenshot(path=screenshot_path("repay-all-way-out"), full_page=True)

    page.click("[data-testid=way-out-collateral]")
    page.wait_for_url(re.compile(r"/repay/collateral/"))
    assert page.is_checked("#id_repay_all")
    page.click("[data-testid=preview-button]")
    page.wait_for_selector("[data-testid=preview][data-allowed=true]")
    assert "Sells 0.00003334 BTC" in page.inner_text("[data-testid=collateral-sale]")  # 2 / 60 000, up
    assert "Repaid 20,002 USDT" in confirm(page)
    assert balance(borrower, AccountKind.LOAN_PRINCIPAL, "USDT") == 0
    assert balance(borrower, AccountKind.LOAN_INTEREST, "USDT") == 0


def test_repay_all_short_of_funds_is_completed_by_moving_the_shortfall_from_spot(tab, live_server, borrower):
    deposit_credit(user=borrower, asset="USDT", amount="10", reference="spot-usdt")
    page = browser_sign_in(tab, live_server, borrower)
    _repay_all(page, live_server)
    page.click("[data-testid=way-out-transfer]")
    page.wait_for_url(re.compile(r"/transfer/\?direction=to_margin&asset=USDT&amount=2$"))
    page.click("[data-testid=preview-button]")
    page.wait_for_selector("[data-testid=preview][data-allowed=true]")
    assert "Moved 2 USDT from spot to margin" in confirm(page)
    _repay_all(page, live_server)
    assert "Repaid 20,002 USDT" in confirm(page)
    assert balance(borrower, AccountKind.LOAN_PRINCIPAL, "USDT") == 0
