"""The feed and webhook endpoints through the API: scoping, cursors, IDOR, errors, schema."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.selectors import margin_account_for
from accounts.services import deposit_credit, loan_borrow
from margin_project.events.catalog import CATALOG, Types
from margin_project.events.models import Event, WebhookDelivery, WebhookEndpoint
from margin_project.events.services import webhook_endpoint_create
from tests.api.conftest import OtpApiClient, client_for, error_of
from tests.helpers import enable_mode, fund_margin

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(customer):
    fund_margin(customer, BTC="1")
    enable_mode(customer)
    loan_borrow(user=customer, asset="USDT", amount="1000")
    return customer


@pytest.fixture
def mallory(other):
    deposit_credit(user=other, asset="USDT", amount="10", reference="m1")
    return other


def feed(client, **params) -> dict:
    response = client.get("/api/v1/events/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_customer_reads_only_their_own_accounts_events(alice, mallory):
    body = feed(client_for(alice))
    account = margin_account_for(alice).pk
    assert [e["type"] for e in body["results"]] == [
        Types.DEPOSIT_CREDITED,
        Types.TRANSFER_COMPLETED,
        Types.MARGIN_MODE_CHANGED,
        Types.LOAN_BORROWED,
    ]
    assert {e["account_id"] for e in body["results"]} == {account}
    borrowed = body["results"][-1]
    assert set(borrowed) == {"id", "type", "version", "account_id", "occurred_at", "data"}
    assert borrowed["data"]["amount"] == "1000" and borrowed["version"] == 1


def test_staff_read_every_event_and_filter_by_account_and_type(alice, mallory, staff):
    client = client_for(staff)
    everything = feed(client, limit=500)["results"]
    assert {e["type"] for e in everything} >= {Types.PRICE_RECORDED, Types.LOAN_BORROWED}
    assert [e["id"] for e in everything] == sorted(e["id"] for e in everything)
    mallorys = feed(client, account=margin_account_for(mallory).pk)["results"]
    assert [e["type"] for e in mallorys] == [Types.DEPOSIT_CREDITED]
    prices = feed(client, type=Types.PRICE_RECORDED)["results"]
    assert prices and {e["type"] for e in prices} == {Types.PRICE_RECORDED}
    two = client.get(f"/api/v1/events/?type={Types.LOAN_BORROWED}&type={Types.DEPOSIT_CREDITED}").json()
    assert {e["type"] for e in two["results"]} == {Types.LOAN_BORROWED, Types.DEPOSIT_CREDITED}


def test_staff_need_their_roles_permissions(alice, make_user):
    from django.contrib.auth.models import Group

    from risk.roles import SUPPORT

    no_role = client_for(make_user("new-hire", is_staff=True))
    assert error_of(no_role.get("/api/v1/events/"))["code"] == "permission_denied"
    support_user = make_user("sam", is_staff=True)
    support_user.groups.add(Group.objects.get(name=SUPPORT))
    support = client_for(support_user)
    assert support.get("/api/v1/events/").status_code == 200
    assert support.get("/api/v1/webhooks/endpoints/").status_code == 200
    refused = support.post("/api/v1/webhooks/endpoints/", {"url": "http://127.0.0.1:9/x"}, format="json")
    assert refused.status_code == 403  # viewing, not changing
    assert not WebhookEndpoint.objects.exists()


def test_the_cursor_pages_through_exactly_once(alice, staff):
    client = client_for(staff)
    everything = [e["id"] for e in feed(client, limit=500)["results"]]
    seen, after = [], 0
    while True:
        body = feed(client, after=after, limit=3)
        seen += [e["id"] for e in body["results"]]
        after = body["next_after"]
        if not body["has_more"]:
            break
    assert seen == everything
    assert feed(client, after=after)["results"] == []  # caught up
    deposit_credit(user=alice, asset="USDT", amount="1", reference="later")
    assert [e["type"] for e in feed(client, after=after)["results"]] == [Types.DEPOSIT_CREDITED]


def test_a_customer_cannot_read_another_customers_events(alice, mallory):
    client = client_for(alice)
    theirs = Event.objects.filter(account=margin_account_for(mallory)).first()
    assert error_of(client.get(f"/api/v1/events/{theirs.pk}/"))["code"] == "not_found"
    response = client.get("/api/v1/events/", {"account": margin_account_for(mallory).pk})
    assert response.status_code == 404
    assert theirs.pk not in [e["id"] for e in feed(client, limit=500)["results"]]
    house = Event.objects.filter(account__isnull=True).first()
    assert client.get(f"/api/v1/events/{house.pk}/").status_code == 404  # house-wide: staff only
    own = Event.objects.filter(account=margin_account_for(alice)).first()
    assert client.get(f"/api/v1/events/{own.pk}/").json()["id"] == own.pk


@pytest.mark.parametrize(
    ("query", "field"),
    [("after=-1", "after"), ("after=x", "after"), ("limit=0", "limit"), ("limit=501", "limit"),
     ("type=loan.nonsense", "type"), ("account=0", "account")],
)  # fmt: skip
def test_bad_feed_queries_are_400s(alice, query, field):
    response = client_for(alice).get(f"/api/v1/events/?{query}")
    assert response.status_code == 400
    assert error_of(response)["field"] == field


def test_customers_see_and_subscribe_to_their_accounts_types_only(alice):
    client = client_for(alice)
    types = {t["type"] for t in client.get("/api/v1/events/types/").json()}
    assert Types.LOAN_BORROWED in types and Types.PRICE_RECORDED not in types
    response = client.post(
        "/api/v1/webhooks/endpoints/",
        {"url": "https://hooks.example.com/x", "event_types": [Types.PRICE_RECORDED]},
        format="json",
    )
    assert error_of(response)["code"] == "unknown_event_type"


def test_registering_shows_the_secret_once(alice):
    client = client_for(alice)
    response = client.post(
        "/api/v1/webhooks/endpoints/",
        {"url": "http://127.0.0.1:9/hook", "event_types": [Types.LOAN_BORROWED], "description": "bot"},
        format="json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert created["secret"] == WebhookEndpoint.objects.get(pk=created["id"]).secret
    shown = client.get(f"/api/v1/webhooks/endpoints/{created['id']}/").json()
    assert "secret" not in shown and created["secret"].startswith(shown["secret_hint"].rstrip("…"))
    listed = client.get("/api/v1/webhooks/endpoints/").json()["results"]
    assert [e["id"] for e in listed] == [created["id"]] and "secret" not in listed[0]
    assert created["cursor"] == Event.objects.order_by("-id").first().pk  # only events from now on


def test_a_customer_cannot_register_for_another_customers_account(alice, mallory):
    response = client_for(alice).post(
        "/api/v1/webhooks/endpoints/",
        {"url": "http://127.0.0.1:9/hook", "account_id": margin_account_for(mallory).pk},
        format="json",
    )
    assert error_of(response)["code"] == "not_found"
    assert response.status_code == 404
    assert not WebhookEndpoint.objects.exists()


def test_a_customer_cannot_see_or_change_another_customers_endpoint(alice, mallory):
    theirs = webhook_endpoint_create(owner=mallory, url="http://127.0.0.1:9/m").endpoint
    event = Event.objects.filter(account=margin_account_for(mallory)).first()
    delivery = WebhookDelivery.objects.create(endpoint=theirs, event=event)
    client = client_for(alice)
    base = f"/api/v1/webhooks/endpoints/{theirs.pk}/"
    assert client.get("/api/v1/webhooks/endpoints/").json()["results"] == []
    assert client.get(base).status_code == 404
    assert client.patch(base, {"is_active": False}, format="json").status_code == 404
    assert client.delete(base).status_code == 404
    assert client.get(f"{base}deliveries/").status_code == 404
    assert client.post(f"{base}rotate-secret/").status_code == 404
    assert client.post(f"/api/v1/webhooks/deliveries/{delivery.pk}/resend/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active and WebhookEndpoint.objects.filter(pk=theirs.pk).exists()


def test_staff_may_register_for_house_events_and_one_account_with_their_code(alice, staff):
    body = {"url": "http://127.0.0.1:9/desk", "event_types": [Types.PRICE_RECORDED]}
    token_only = APIClient()
    token_only.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=staff)[0].key}")
    no_code = token_only.post("/api/v1/webhooks/endpoints/", body, format="json")
    assert error_of(no_code)["code"] == "two_factor_required"
    client = OtpApiClient(staff)
    response = client.post(
        "/api/v1/webhooks/endpoints/",
        {
            "url": "http://127.0.0.1:9/desk",
            "event_types": [Types.PRICE_RECORDED, Types.MARGIN_CALL_OPENED],
            "account_id": margin_account_for(alice).pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["account_id"] == margin_account_for(alice).pk


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://hooks.example.com/x", "https"),
        ("ftp://hooks.example.com/x", "https"),
        ("https://127.0.0.1/x", "public address"),
        ("https://10.1.2.3/x", "public address"),
        ("https://[::1]/x", "public address"),
        ("https://[::ffff:127.0.0.1]/x", "public address"),
        ("https://169.254.169.254/latest/meta-data", "public address"),
        ("https://user:pw@hooks.example.com/x", "no user name"),
        ("https://", "host name"),
        ("not a url", "printable"),
    ],
)
def test_urls_must_be_https_on_public_addresses_in_production(alice, settings, url, message):
    settings.WEBHOOK_ALLOW_HTTP = False
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    response = client_for(alice).post("/api/v1/webhooks/endpoints/", {"url": url}, format="json")
    error = error_of(response)
    assert (error["code"], error["field"]) == ("invalid_url", "url")
    assert message in error["message"]


def test_the_schema_documents_the_feed_with_an_example_of_every_event_type():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    feed_op = schema["paths"]["/api/v1/events/"]["get"]
    examples = feed_op["responses"]["200"]["content"]["application/json"]["examples"]
    documented = {example["value"]["results"][0]["type"] for example in examples.values()}
    assert documented == set(CATALOG)
    for name in CATALOG:
        assert f"`{name}`" in feed_op["description"]
