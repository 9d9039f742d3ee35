"""The customer pages on a phone (390 px wide): nothing wider than the screen, a menu that folds away.

Headless Chromium at 390 x 844; each page must have ``document.documentElement.scrollWidth``
of at most 390 (tables scroll inside their cards). Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import re

import pytest

from accounts.services import deposit_credit
from risk.models import Liquidation
from tests.browser import screenshot_path

from .conftest import browser_sign_in, margin_call_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 390


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": WIDTH, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


def assert_fits(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{what} is {width} px wide on a {WIDTH} px screen"


def test_the_dashboard_in_margin_call_fits_a_phone(phone, live_server, borrower):
    margin_call_make(borrower)
    page = browser_sign_in(phone, live_server, borrower)
    page.goto(f"{live_server.url}/")
    assert page.is_visible("[data-testid=margin-call-banner]")
    assert page.is_visible("[data-testid=ratio-chart-compact]")
    assert not page.is_visible("[data-testid=ratio-chart]")
    assert_fits(page, "the dashboard")
    page.screenshot(path=screenshot_path("dashboard-mobile"), full_page=True)


def test_the_menu_folds_behind_a_button_and_opens(phone, live_server, borrower):
    page = browser_sign_in(phone, live_server, borrower)
    page.goto(f"{live_server.url}/")
    assert not page.is_visible("#main-nav")
    page.click("[data-testid=nav-toggle]")
    assert page.is_visible("#main-nav")
    assert_fits(page, "the open menu")
    page.screenshot(path=screenshot_path("menu-mobile"))
    page.click("#main-nav >> text=History")
    page.wait_for_url(re.compile(r"/history/$"))
    assert_fits(page, "the history")


@pytest.mark.parametrize(
    "path",
    [
        "/transfer/",
        "/borrow/",
        "/repay/",
        "/repay/collateral/",
        "/mode/",
        "/history/",
        "/history/interest/",
        "/alerts/",
        "/liquidations/",
        "/security/two-factor/",
    ],
)
def test_every_customer_page_fits_a_phone(phone, live_server, liquidated, path):
    page = browser_sign_in(phone, live_server, liquidated.margin_account.user)
    page.goto(f"{live_server.url}{path}")
    assert_fits(page, path)


def test_a_liquidation_and_a_refused_preview_fit_a_phone(phone, live_server, liquidated):
    user = liquidated.margin_account.user
    deposit_credit(user=user, asset="BTC", amount="0.5", reference="phone-btc")
    page = browser_sign_in(phone, live_server, user)
    page.goto(f"{live_server.url}/liquidations/{liquidated.pk}/")
    assert_fits(page, "a liquidation")
    page.goto(f"{live_server.url}/transfer/")
    page.check("input[name=direction][value=to_margin]")
    page.select_option("#id_asset", "BTC")
    page.fill("#id_amount", "5")
    page.click("[data-testid=preview-button]")
    page.wait_for_selector("[data-testid=refusal]")
    assert_fits(page, "a refused preview")
    page.screenshot(path=screenshot_path("preview-refused-mobile"), full_page=True)


def test_sign_in_fits_a_phone(phone, live_server, customer):
    page = phone.new_page()
    page.goto(f"{live_server.url}/login/")
    assert_fits(page, "the sign-in page")
    assert Liquidation.objects.count() == 0
