"""The back office: events, endpoints failing first with the outbox lag, turn off/on, re-send."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.services import deposit_credit
from margin_project.events.models import (
    DeliveryAttempt,
    DeliveryStatus,
    Event,
    WebhookDelivery,
    WebhookEndpoint,
)
from margin_project.events.services import webhook_endpoint_create
from risk.roles import RISK_OFFICER, SUPPORT
from tests.helpers import staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def staff_client(client, make_user, group: str):
    user = make_user(f"staff-{group.replace(' ', '-')}", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    staff_sign_in(client, user)  # with the second factor the admin asks of staff
    return client


@pytest.fixture
def endpoints(customer, other, receiver):
    healthy = webhook_endpoint_create(owner=customer, url=receiver.url).endpoint
    failing = webhook_endpoint_create(owner=other, url="http://127.0.0.1:9/down").endpoint
    deposit_credit(user=customer, asset="USDT", amount="1", reference="a1")
    deposit_credit(user=other, asset="USDT", amount="1", reference="m1")  # its endpoint cannot be reached
    return healthy, failing


def test_failing_endpoints_come_first_with_the_outbox_lag_in_the_title(client, make_user, endpoints):
    healthy, failing = endpoints
    page = staff_client(client, make_user, SUPPORT).get("/admin/events/webhookendpoint/").content.decode()
    assert page.index("http://127.0.0.1:9/down") < page.index(healthy.url)
    waiting = Event.objects.filter(account__user=failing.owner).latest("id")
    assert f"oldest undelivered event #{waiting.pk}; 1 failing" in page


def test_support_reads_events_and_attempts_but_cannot_act(client, make_user, endpoints):
    support = staff_client(client, make_user, SUPPORT)
    event = Event.objects.latest("id")
    assert support.get("/admin/events/event/").status_code == 200
    assert "deposit.credited" in support.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert support.get("/admin/events/deliveryattempt/").status_code == 200
    _, failing = endpoints
    support.post("/admin/events/webhookendpoint/", {"action": "disable", "_selected_action": [failing.pk]})
    failing.refresh_from_db()
    assert failing.is_active  # view-only: the action is not there for support


def test_an_officer_turns_an_endpoint_off_and_on_and_re_sends(client, make_user, endpoints, receiver):
    officer = staff_client(client, make_user, RISK_OFFICER)
    healthy, failing = endpoints
    officer.post("/admin/events/webhookendpoint/", {"action": "disable", "_selected_action": [failing.pk]})
    failing.refresh_from_db()
    assert not failing.is_active and "Turned off by" in failing.disabled_reason

    WebhookEndpoint.objects.filter(pk=failing.pk).update(url=receiver.url)  # the receiver is fixed
    officer.post("/admin/events/webhookendpoint/", {"action": "enable", "_selected_action": [failing.pk]})
    failing.refresh_from_db()
    assert (
        failing.is_active
        and failing.cursor == Event.objects.filter(account__user=failing.owner).latest("id").pk
    )

    delivery = WebhookDelivery.objects.get(endpoint=healthy)
    officer.post("/admin/events/webhookdelivery/", {"action": "resend", "_selected_action": [delivery.pk]})
    assert DeliveryAttempt.objects.filter(delivery=delivery, manual=True, success=True).exists()
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count() == 2


def test_an_officer_registers_the_desks_endpoint_and_sees_the_secret_once(client, make_user, market):
    officer = staff_client(client, make_user, RISK_OFFICER)
    response = officer.post(
        "/admin/events/webhookendpoint/add/",
        {"url": "http://127.0.0.1:9/desk", "description": "pager", "event_types": ["price.stale_alert"]},
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.owner.username.startswith("staff-risk") and endpoint.event_types == ["price.stale_alert"]
    assert endpoint.secret in response.content.decode()
    page = officer.get(f"/admin/events/webhookendpoint/{endpoint.pk}/change/").content.decode()
    assert endpoint.secret not in page and endpoint.secret_hint in page
    officer.post(
        f"/admin/events/webhookendpoint/{endpoint.pk}/change/",
        {"description": "pager 2", "event_types": ["price.stale_alert", "configuration.changed"]},
    )
    endpoint.refresh_from_db()
    assert endpoint.description == "pager 2"
    assert sorted(endpoint.event_types) == ["configuration.changed", "price.stale_alert"]


def test_a_refused_url_is_shown_on_the_admin_form(client, make_user, market, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    officer = staff_client(client, make_user, RISK_OFFICER)
    response = officer.post("/admin/events/webhookendpoint/add/", {"url": "http://10.0.0.5/hook"})
    assert "must point at a public address" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_support_cannot_register_endpoints(client, make_user):
    support = staff_client(client, make_user, SUPPORT)
    assert support.get("/admin/events/webhookendpoint/add/").status_code == 403


def test_searching_events_and_deliveries_by_words_or_ids(client, make_user, endpoints, customer):
    support = staff_client(client, make_user, SUPPORT)
    event = Event.objects.latest("id")
    for query in ("alice", "not-a-number", str(event.pk)):
        assert support.get("/admin/events/event/", {"q": query}).status_code == 200
        assert support.get("/admin/events/webhookdelivery/", {"q": query}).status_code == 200
    assert f">{event.pk}<" in support.get("/admin/events/event/", {"q": str(event.pk)}).content.decode()


def test_the_admin_home_shows_the_outbox_lag(client, make_user, endpoints):
    from accounts.selectors.cockpit import desk_cockpit

    _, failing = endpoints
    figure = desk_cockpit().figure("outbox_lag")
    assert figure.alarm and figure.value == "0 min"  # one event waits (just now), its endpoint failing
    support = staff_client(client, make_user, SUPPORT)
    assert 'data-key="outbox_lag"' in support.get("/admin/").content.decode()
    assert support.get(figure.url).status_code == 200
    WebhookEndpoint.objects.filter(pk=failing.pk).update(is_active=False)
    assert desk_cockpit().figure("outbox_lag").value == "caught up"
