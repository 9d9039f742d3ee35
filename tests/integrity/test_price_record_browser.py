"""The Record price page in a real browser: the live price, and the change of what is typed."""

import pytest

from risk.models import RiskSettings
from tests.admin.conftest import staff_in
from tests.admin.test_browser import log_in
from tests.browser import screenshot_path
from tests.conftest import market_create, totp_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_record_price_page_shows_the_change_of_the_typed_price(page, live_server, make_user):
    market_create()
    RiskSettings.objects.filter(pk=1).update(max_price_move=RiskSettings().max_price_move)  # ±15 %
    rita = staff_in(make_user, "rita", "risk officer")
    totp_device(rita)  # staff sign in with a second factor
    log_in(page, live_server, rita)

    page.goto(f"{live_server.url}/admin/risk/assetprice/record/?asset=BTC")
    page.fill("#id_price", "48000")

    reference = page.locator("[data-testid=price-reference]")
    assert reference.get_attribute("data-change") == "-20.00"
    text = reference.inner_text()
    assert "Live BTC price: 60,000 USDT" in text
    assert "-20.00 %" in text
    assert "sanity band ±15 %" in text
    assert "beyond the band" in text
    page.screenshot(path=screenshot_path("admin-record-price"), full_page=True)
