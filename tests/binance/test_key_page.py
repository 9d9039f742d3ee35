"""The API keys page: make a key (the secret shown once), see it listed without the secret, revoke it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import ApiKey
from tests.binance.conftest import Signed, key_for
from tests.browser import screenshot_path
from tests.conftest import totp_device
from tests.web.conftest import fresh_code, sign_in

PAGE = "/security/api-keys/"


@pytest.fixture
def customer_client(client, customer):
    sign_in(client, customer)
    return client


@pytest.mark.django_db
def test_the_menu_links_the_page(customer_client):
    assert f'href="{PAGE}"' in customer_client.get("/").content.decode()


@pytest.mark.django_db
def test_a_created_key_shows_its_secret_once_and_is_listed_without_it(customer_client, customer):
    response = customer_client.post(PAGE, {"label": "bot", "permissions": ["borrow_repay"]})
    html = response.content.decode()
    secret = re.search(r'data-testid="api-secret">([A-Za-z0-9]{64})<', html).group(1)
    key = ApiKey.objects.get(user=customer)
    assert key.key in html and "no-store" in response["Cache-Control"]
    assert key.permissions == ["read", "borrow_repay"] and not key.created_with_otp
    listed = customer_client.get(PAGE).content.decode()
    assert "bot" in listed and secret not in listed


@pytest.mark.django_db
def test_with_two_factor_the_page_asks_for_the_code(customer_client, customer):
    device = totp_device(customer)
    sign_in(customer_client, customer)
    refused = customer_client.post(PAGE, {"label": "bot"})
    assert refused.status_code == 400 and "6-digit code" in refused.content.decode()
    made = customer_client.post(PAGE, {"label": "bot", "otp_code": fresh_code(device)})
    assert made.status_code == 200
    assert ApiKey.objects.get(user=customer).created_with_otp


@pytest.mark.django_db
def test_a_bad_address_is_shown_on_its_field(customer_client):
    response = customer_client.post(PAGE, {"label": "bot", "ip_allowlist": "999.1.1.1"})
    assert response.status_code == 400 and "is not an IP address" in response.content.decode()
    assert not ApiKey.objects.exists()


@pytest.mark.django_db
def test_revoking_stops_the_key(customer_client, customer):
    issued = key_for(customer)
    response = customer_client.post(reverse("api-key-revoke", args=[issued.api_key.key]), follow=True)
    assert "revoked" in response.content.decode()
    assert Signed(issued).get("/sapi/v1/margin/account").json()["code"] == -2015


@pytest.mark.django_db
def test_another_customers_key_cannot_be_revoked_from_the_page(customer_client, make_user):
    theirs = key_for(make_user("mallory"))
    response = customer_client.post(reverse("api-key-revoke", args=[theirs.api_key.key]), follow=True)
    assert "No such API key" in response.content.decode()
    assert ApiKey.objects.get(pk=theirs.api_key.pk).revoked_at is None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_customer_makes_a_key_in_the_browser_and_a_bot_uses_it(page, live_server, customer):
    from tests.binance.conftest import sdk_client

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-Secret-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.click("details.menu summary")
    page.click("[data-testid=api-keys-link]")
    page.fill("#id_label", "rebalancing bot")
    page.check("input[name=permissions][value=borrow_repay]")
    page.click("[data-testid=create-key] button[type=submit]")
    page.wait_for_selector("[data-testid=api-secret]")
    page.screenshot(path=screenshot_path("api-key-created"), full_page=True)
    api_key, secret = page.inner_text("[data-testid=api-key]"), page.inner_text("[data-testid=api-secret]")

    issued = type("Issued", (), {"api_key": ApiKey.objects.get(key=api_key), "secret": secret})()
    account = sdk_client(live_server.url, issued).query_cross_margin_account_details().data()
    assert account.created is True

    page.goto(f"{live_server.url}{PAGE}")
    assert "rebalancing bot" in page.inner_text("[data-testid=api-keys]")
    assert secret not in page.content()
    page.screenshot(path=screenshot_path("api-keys"), full_page=True)
