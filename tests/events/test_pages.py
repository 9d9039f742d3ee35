"""The customer's Webhooks pages: register (the secret shown once), deliveries, re-send, off and on."""

from __future__ import annotations

import re

import pytest

from accounts.services import deposit_credit
from margin_project.events.models import DeliveryAttempt, WebhookDelivery, WebhookEndpoint
from margin_project.events.services import webhook_endpoint_create
from tests.browser import screenshot_path
from tests.web.conftest import sign_in


@pytest.fixture
def alice_client(client, customer):
    sign_in(client, customer)
    return client


@pytest.mark.django_db
def test_registering_shows_the_secret_once_then_only_its_start(alice_client, customer):
    response = alice_client.post(
        "/webhooks/",
        {"url": "http://127.0.0.1:9/hook", "event_types": ["loan.borrowed"], "description": "bot"},
    )
    endpoint = WebhookEndpoint.objects.get(owner=customer)
    assert response.status_code == 302 and response["Location"] == f"/webhooks/{endpoint.pk}/"
    first = alice_client.get(response["Location"]).content.decode()
    assert endpoint.secret in first and 'data-testid="webhook-secret"' in first
    again = alice_client.get(response["Location"]).content.decode()
    assert endpoint.secret not in again and endpoint.secret_hint in again
    assert endpoint.event_types == ["loan.borrowed"]
    listing = alice_client.get("/webhooks/").content.decode()
    assert "http://127.0.0.1:9/hook" in listing and 'data-testid="webhooks-link"' in listing


@pytest.mark.django_db
def test_a_refused_url_is_shown_on_its_field(alice_client, settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    response = alice_client.post("/webhooks/", {"url": "http://hooks.example.com/x"})
    assert response.status_code == 200
    assert "Webhook URLs must use https." in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_another_customers_endpoint_is_not_found(alice_client, other):
    theirs = webhook_endpoint_create(owner=other, url="http://127.0.0.1:9/m").endpoint
    assert alice_client.get(f"/webhooks/{theirs.pk}/").status_code == 404
    for action in ("disable", "delete", "resend"):
        assert alice_client.post(f"/webhooks/{theirs.pk}/", {"action": action}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


@pytest.mark.django_db(transaction=True)
def test_deliveries_are_listed_re_sent_and_the_endpoint_turned_off_and_on(alice_client, customer, receiver):
    endpoint = webhook_endpoint_create(owner=customer, url=receiver.url).endpoint
    deposit_credit(user=customer, asset="USDT", amount="5", reference="page-1")
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)

    page = alice_client.get(f"/webhooks/{endpoint.pk}/").content.decode()
    assert f"#{delivery.event_id}" in page and "HTTP 200" in page
    alice_client.post(f"/webhooks/{endpoint.pk}/", {"action": "resend", "delivery": delivery.pk})
    assert DeliveryAttempt.objects.filter(delivery=delivery, manual=True, success=True).count() == 1
    assert receiver.delivered_ids() == [delivery.event_id, delivery.event_id]

    alice_client.post(f"/webhooks/{endpoint.pk}/", {"action": "disable"})
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    deposit_credit(user=customer, asset="USDT", amount="5", reference="page-2")  # waits while off
    assert len(receiver.received) == 2
    alice_client.post(f"/webhooks/{endpoint.pk}/", {"action": "enable"})
    assert len(receiver.delivered_ids()) == 3  # resumed where it stopped
    alice_client.post(f"/webhooks/{endpoint.pk}/", {"action": "delete"})
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_customer_registers_a_webhook_and_sees_it_delivered(page, live_server, customer, receiver):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", customer.username)
    page.fill("#id_password", "pw-Secret-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.click("summary")  # the account menu
    page.click("[data-testid=webhooks-link]")
    page.fill("#id_url", receiver.url)
    page.check("input[value='deposit.credited']")
    page.click("[data-testid=webhook-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/webhooks/\d+/$"))
    secret = page.inner_text("[data-testid=webhook-secret] code.secret").strip()
    assert secret == WebhookEndpoint.objects.get(owner=customer).secret

    deposit_credit(user=customer, asset="BTC", amount="0.5", reference="chain-1")
    page.reload()
    assert "HTTP 200" in page.inner_text("[data-testid=webhook-deliveries]")
    assert page.locator("[data-testid=webhook-secret]").count() == 0  # shown once
    page.screenshot(path=str(screenshot_path("webhooks")), full_page=True)
    assert receiver.received[0].event["data"]["amount"] == "0.5"
