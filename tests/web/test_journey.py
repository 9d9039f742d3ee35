"""A new customer's journey in headless Chromium, from first sign-in to turning the mode off again."""

from __future__ import annotations

import base64
import re
import time
from decimal import Decimal

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models.ledger import AccountKind
from accounts.selectors import account_summary, action_preview, margin_account_for
from accounts.services import deposit_credit
from accounts.services.sweep import account_sweep
from margin_project.money import plain
from risk.services import price_record
from tests.browser import screenshot_path
from tests.helpers import balance

from .conftest import fresh_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-Secret-123"


def code_from_secret(secret: str) -> str:
    """What the phone shows for the secret typed in from the page."""
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def act(
    page, url: str, *, asset: str, amount: str | None = None, direction: str | None = None, max_button=False
):
    """Fill an action form, preview it, and return the preview panel's ratio-after text."""
    page.goto(url)
    if direction:
        page.check(f"input[name=direction][value={direction}]")
    page.select_option("#id_asset", asset)
    if max_button:
        page.click("[data-testid=max-button]")
    else:
        page.fill("#id_amount", amount)
    page.click("[data-testid=preview-button]")
    page.wait_for_selector("[data-testid=preview]")


def confirm(page, *, double_click: bool = False) -> str:
    if double_click:
        page.dblclick("[data-testid=confirm]")
    else:
        page.click("[data-testid=confirm]")
    page.wait_for_url(re.compile(r"/$"))
    return page.inner_text("[data-testid=message]")


def test_new_customer_journey(page, live_server, make_user, market):
    started = time.monotonic()
    base = live_server.url
    user = make_user("carol")
    # The deposit watcher credits what arrived on chain to the spot wallet.
    deposit_credit(user=user, asset="BTC", amount="2", reference="chain-btc-1")
    deposit_credit(user=user, asset="ADA", amount="10000", reference="chain-ada-1")

    # Sign in.
    page.goto(f"{base}/")
    page.wait_for_url(re.compile(r"/login/"))
    page.fill("#id_username", "carol")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert page.inner_text("[data-testid=margin-ratio]").strip() == "No loans"

    # Multi-asset mode needs two-factor first: the mode page sends us to set it up.
    page.goto(f"{base}/mode/")
    page.click("text=Set up two-factor first")
    page.wait_for_selector("[data-testid=totp-qr] svg")
    secret = page.inner_text("[data-testid=totp-secret]")
    page.screenshot(path=screenshot_path("two-factor-setup"), full_page=True)
    page.fill("#id_otp_code", code_from_secret(secret))
    page.click("text=Turn on two-factor")
    # Recovery codes, shown once, then on to where we were going.
    page.wait_for_selector("[data-testid=recovery-codes]")
    assert page.locator("[data-testid=recovery-codes] li").count() == 10
    assert "Two-factor authentication is on" in page.inner_text("[data-testid=message]")
    page.screenshot(path=screenshot_path("recovery-codes"), full_page=True)
    page.click("[data-testid=codes-saved]")
    page.wait_for_url(re.compile(r"/mode/$"))

    # Enable multi-asset mode with a fresh code.
    page.fill("#id_otp_code", fresh_code(TOTPDevice.objects.get(user=user)))
    page.click("text=Turn multi-asset mode on")
    page.wait_for_url(re.compile(r"/mode/$"))
    assert "Multi-asset mode is on" in page.inner_text("[data-testid=message]")

    # Move BTC and ADA to margin (ADA with the "max" helper); a double click moves 1 BTC once.
    act(page, f"{base}/transfer/", asset="BTC", amount="1", direction="to_margin")
    assert "Moved 1 BTC from spot to margin" in confirm(page, double_click=True)
    assert balance(user, AccountKind.SPOT, "BTC") == balance(user, AccountKind.MARGIN, "BTC") == 1
    act(page, f"{base}/transfer/", asset="ADA", direction="to_margin", max_button=True)
    assert "Moved 10,000 ADA from spot to margin" in confirm(page)

    # Borrow 20 000 USDT: the preview shows the ratio after, as the engine computes it.
    account = margin_account_for(user)
    expected = action_preview(margin_account=account, action="borrow", asset="USDT", amount=Decimal("20000"))
    act(page, f"{base}/borrow/", asset="USDT", amount="20000")
    ratio_after = page.get_attribute("[data-testid=ratio-after]", "data-value")
    assert ratio_after == plain(expected.after.margin_ratio)
    page.screenshot(path=screenshot_path("borrow-preview"), full_page=True)
    assert "Borrowed 20,000 USDT" in confirm(page)

    # The dashboard's numbers are the engine's.
    summary = account_summary(margin_account=account)
    assert page.get_attribute("[data-testid=margin-balance]", "data-value") == plain(
        summary.valuation.collateral_value
    )
    assert page.get_attribute("[data-testid=liability]", "data-value") == plain(summary.valuation.liability)
    assert page.get_attribute("[data-testid=margin-ratio]", "data-value") == plain(
        summary.valuation.margin_ratio
    )
    assert page.inner_text("[data-testid=status]") == "Healthy"
    page.screenshot(path=screenshot_path("dashboard"), full_page=True)

    # Take the borrowed USDT out to spot; then BTC falls and the sweep opens a margin call.
    act(page, f"{base}/transfer/", asset="USDT", amount="20000", direction="to_spot")
    assert "Moved 20,000 USDT from margin to spot" in confirm(page)
    price_record(asset="BTC", price="21000", source="test")
    account_sweep(margin_account_id=account.pk)
    page.goto(f"{base}/")
    assert page.inner_text("[data-testid=status]") == "Margin call"
    assert page.is_visible("[data-testid=margin-call-banner]")
    assert page.inner_text("[data-testid=unread-count]") == "1"
    page.screenshot(path=screenshot_path("dashboard-margin-call"), full_page=True)

    # The alert.
    page.click("[data-testid=alerts-link]")
    alert = page.locator("[data-testid=alert][data-kind=margin_call]")
    assert alert.count() == 1
    page.screenshot(path=screenshot_path("alert"), full_page=True)

    # Turning the mode off is refused while the loan is open, with the reason.
    page.goto(f"{base}/mode/")
    page.click("text=Turn multi-asset mode off")
    assert "Repay your USDT loan" in page.inner_text("[data-testid=form-error]")

    # Repay everything: bring the USDT back (plus a little for the interest) and "repay all".
    deposit_credit(user=user, asset="USDT", amount="10", reference="chain-usdt-1")
    act(page, f"{base}/transfer/", asset="USDT", amount="20010", direction="to_margin")
    confirm(page)
    page.goto(f"{base}/repay/")
    page.select_option("#id_asset", "USDT")
    page.check("#id_repay_all")
    page.click("[data-testid=preview-button]")
    page.wait_for_selector("[data-testid=preview]")
    assert "Repaid 20,002 USDT" in confirm(page)
    assert page.get_attribute("[data-testid=liability]", "data-value") == "0"

    # And the mode goes off.
    page.goto(f"{base}/mode/")
    page.click("text=Turn multi-asset mode off")
    page.wait_for_url(re.compile(r"/mode/$"))
    assert "Multi-asset mode is off" in page.inner_text("[data-testid=message]")
    assert margin_account_for(user).multi_asset_mode is False
    assert time.monotonic() - started < 60


def test_liquidation_is_explained_from_its_alert(page, live_server, liquidated):
    user = liquidated.margin_account.user
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    # Alice has an authenticator (multi-asset mode needed it): the code comes next.
    page.wait_for_url(re.compile(r"/login/verify/"))
    page.fill("#id_otp_code", fresh_code(TOTPDevice.objects.get(user=user)))
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.click("[data-testid=alerts-link]")
    page.click("[data-testid=alert][data-kind=liquidation] [data-testid=alert-details]")
    page.wait_for_url(re.compile(rf"/liquidations/{liquidated.pk}/$"))
    assert "at or below the liquidation level of 105%" in page.inner_text("[data-testid=liquidation-why]")
    assert page.locator("[data-testid=liquidation-sales] tbody tr").count() >= 1
    page.screenshot(path=screenshot_path("liquidation"), full_page=True)
