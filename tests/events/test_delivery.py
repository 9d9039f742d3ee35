"""Delivering to a real HTTP receiver on 127.0.0.1: signed, in order, retried, logged, given up on.

Tasks run in-process here (eager); ``test_real_worker.py`` does the same through a worker.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Notification
from accounts.services import deposit_credit
from margin_project.events.catalog import Types
from margin_project.events.envelope import event_envelope
from margin_project.events.models import (
    DeliveryAttempt,
    DeliveryStatus,
    Event,
    WebhookDelivery,
    WebhookEndpoint,
)
from margin_project.events.services import (
    webhook_delivery_send_now,
    webhook_endpoint_create,
    webhook_endpoint_deliver,
    webhook_endpoint_update,
)
from margin_project.events.signing import signature, signature_verify

pytestmark = pytest.mark.usefixtures("transactional_db")


def deposit(user, n: int = 1) -> list[int]:
    """``n`` committed deposits, one event each; returns their event ids."""
    ids = []
    for _ in range(n):
        deposit_credit(user=user, asset="USDT", amount="1", reference=f"r{Event.objects.count()}-{len(ids)}")
        ids.append(Event.objects.filter(type=Types.DEPOSIT_CREDITED).latest("id").pk)
    return ids


def register(user, receiver, **kwargs) -> tuple[WebhookEndpoint, str]:
    registered = webhook_endpoint_create(owner=user, url=receiver.url, **kwargs)
    return registered.endpoint, registered.secret


def make_due(endpoint) -> None:
    """Time passes: the scheduled retry is due now."""
    WebhookDelivery.objects.filter(endpoint=endpoint).update(next_attempt_at=timezone.now())


def test_a_committed_event_arrives_signed_with_its_id(customer, receiver):
    endpoint, secret = register(customer, receiver)
    [event_id] = deposit(customer)  # commits; the deliverer runs after commit

    [got] = receiver.received
    event = Event.objects.get(pk=event_id)
    assert got.event == json.loads(json.dumps(event_envelope(event)))
    assert got.headers["Margin-Event-Id"] == str(event_id)
    assert got.headers["Idempotency-Key"] == f"event-{event_id}"
    assert got.headers["Margin-Event-Type"] == Types.DEPOSIT_CREDITED
    assert signature_verify(secret, got.body, got.headers["Margin-Signature"])
    assert not signature_verify("whsec_other", got.body, got.headers["Margin-Signature"])
    endpoint.refresh_from_db()
    assert endpoint.cursor == event_id
    attempt = DeliveryAttempt.objects.get()
    assert (attempt.status_code, attempt.success, attempt.response_excerpt) == (200, True, "ok")


def test_a_signature_rejects_a_tampered_body_and_an_old_timestamp():
    body = b'{"id":1}'
    header = signature("whsec_s", body, 1_767_607_200)
    assert signature_verify("whsec_s", body, header, now=1_767_607_200 + 299)
    assert not signature_verify("whsec_s", b'{"id":2}', header, now=1_767_607_200)
    assert not signature_verify("whsec_s", body, header, now=1_767_607_200 + 301)
    assert not signature_verify("whsec_s", body, "t=x,v1=00", now=1_767_607_200)


def test_other_customers_events_never_reach_an_endpoint(customer, other, receiver):
    register(customer, receiver)
    deposit(other)
    assert receiver.received == []


def test_fails_twice_then_succeeds_delivered_exactly_once_and_later_events_wait(customer, receiver, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60  # no retry falls due by itself: make_due() moves time
    answers = iter([500, 503])
    receiver.answer = lambda headers, body: next(answers, 200)
    endpoint, _ = register(customer, receiver)
    first, second = deposit(customer, 2)  # first fails twice; second must not overtake it

    assert receiver.ids() == [first]  # one try each time the deliverer was woken
    delivery = WebhookDelivery.objects.get(endpoint=endpoint, event_id=first)
    assert delivery.status == DeliveryStatus.RETRYING and delivery.next_attempt_at > delivery.first_attempt_at
    make_due(endpoint)
    webhook_endpoint_deliver(endpoint_id=endpoint.pk)
    make_due(endpoint)
    webhook_endpoint_deliver(endpoint_id=endpoint.pk)

    assert receiver.ids() == [first, first, first, second]
    assert receiver.delivered_ids() == [first, second]  # the event got through exactly once more
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 3)
    assert [a.status_code for a in delivery.attempts_log.order_by("at", "id")] == [500, 503, 200]
    endpoint.refresh_from_db()
    assert endpoint.cursor == second and endpoint.failing_since is None


def test_retries_back_off_exponentially_with_jitter(customer, receiver, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 10
    settings.WEBHOOK_RETRY_MAX_SECONDS = 3600
    receiver.answer = lambda headers, body: 500
    endpoint, _ = register(customer, receiver)
    deposit(customer)
    gaps = []
    for _ in range(4):
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        gaps.append((delivery.next_attempt_at - delivery.last_attempt_at).total_seconds())
        make_due(endpoint)
        webhook_endpoint_deliver(endpoint_id=endpoint.pk)
    for n, gap in enumerate(gaps):
        ceiling = 10 * 2**n
        assert ceiling / 2 <= gap <= ceiling  # doubling, the upper half of it random


def test_after_the_retry_window_the_endpoint_is_turned_off_and_its_owner_told(customer, receiver, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    receiver.answer = lambda headers, body: 500
    endpoint, _ = register(customer, receiver)
    first, second = deposit(customer, 2)
    WebhookDelivery.objects.filter(event_id=first).update(
        first_attempt_at=timezone.now() - timedelta(hours=72), next_attempt_at=timezone.now()
    )
    webhook_endpoint_deliver(endpoint_id=endpoint.pk)

    endpoint.refresh_from_db()
    assert not endpoint.is_active and "failed for 72 hours" in endpoint.disabled_reason
    assert WebhookDelivery.objects.get(event_id=first).status == DeliveryStatus.FAILED
    note = Notification.objects.get(user=customer)
    assert note.title == "A webhook endpoint was turned off" and endpoint.url in note.body
    assert webhook_endpoint_deliver(endpoint_id=endpoint.pk).busy  # off: nothing is sent
    assert second not in receiver.ids()

    receiver.answer = lambda headers, body: 200
    webhook_endpoint_update(owner=customer, endpoint_id=endpoint.pk, is_active=True)  # resumes at once
    assert receiver.delivered_ids() == [first, second]


def test_a_manual_resend_is_logged_and_unblocks_the_queue(customer, receiver, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    receiver.answer = lambda headers, body: 500
    endpoint, _ = register(customer, receiver)
    first, second = deposit(customer, 2)
    receiver.answer = lambda headers, body: 200
    head = WebhookDelivery.objects.get(endpoint=endpoint, event_id=first)

    assert webhook_delivery_send_now(delivery_id=head.pk) == DeliveryStatus.SUCCEEDED
    assert DeliveryAttempt.objects.filter(delivery=head, manual=True, success=True).count() == 1
    make_due(endpoint)
    webhook_endpoint_deliver(endpoint_id=endpoint.pk)  # skips the re-sent one, sends the next
    assert receiver.delivered_ids() == [first, second]
    webhook_delivery_send_now(delivery_id=head.pk)  # re-sending a delivered event sends it again
    assert receiver.delivered_ids() == [first, second, first]
    endpoint.refresh_from_db()
    assert endpoint.cursor == second


def test_one_worker_at_a_time_per_endpoint_and_a_dead_workers_lease_expires(customer, receiver):
    [first] = deposit(customer)  # before the endpoint exists: nothing is woken for it
    endpoint, _ = register(customer, receiver)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(cursor=0)  # replay from the start
    inside, release = threading.Event(), threading.Event()
    receiver.answer = lambda headers, body: (inside.set(), release.wait(30), 200)[2]
    runs = {}

    def deliver_elsewhere():
        runs["other"] = webhook_endpoint_deliver(endpoint_id=endpoint.pk)
        connection.close()

    worker = threading.Thread(target=deliver_elsewhere)
    worker.start()
    assert inside.wait(30)
    assert webhook_endpoint_deliver(endpoint_id=endpoint.pk).busy  # the endpoint is taken
    release.set()
    worker.join(30)
    assert runs["other"].delivered == 1 and receiver.ids() == [first]

    receiver.answer = lambda headers, body: 200
    later = timezone.now() + timedelta(seconds=60)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(lease_token="dead-worker", lease_until=later)
    [second] = deposit(customer)  # woken, but a (dead) worker holds the endpoint
    assert receiver.ids() == [first]
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(lease_until=timezone.now())  # its lease runs out
    assert webhook_endpoint_deliver(endpoint_id=endpoint.pk).delivered == 1
    assert receiver.ids() == [first, second]


def test_a_timeout_is_a_failure_logged_without_a_status(customer, receiver, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.2
    release = threading.Event()
    receiver.answer = lambda headers, body: (release.wait(5), 200)[1]
    endpoint, _ = register(customer, receiver)
    deposit(customer)
    release.set()
    attempt = DeliveryAttempt.objects.get()
    assert (attempt.status_code, attempt.success) == (None, False)
    assert "timed out" in attempt.error
    assert WebhookDelivery.objects.get().status == DeliveryStatus.RETRYING


def test_a_redirect_is_not_followed(customer, receiver):
    receiver.answer = lambda headers, body: 302
    register(customer, receiver)
    deposit(customer)
    attempt = DeliveryAttempt.objects.get()
    assert (attempt.status_code, attempt.success) == (302, False)
    assert len(receiver.received) == 1


def test_an_address_that_became_private_is_refused_at_delivery(customer, receiver, settings):
    endpoint, _ = register(customer, receiver)
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False  # as in production
    deposit(customer)
    assert receiver.received == []
    assert "public address" in DeliveryAttempt.objects.get().error


def test_a_dead_endpoint_does_not_hold_up_another(customer, receiver, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    dead = webhook_endpoint_create(owner=customer, url="http://127.0.0.1:9/nobody-listens").endpoint
    healthy, _ = register(customer, receiver)
    ids = deposit(customer, 3)
    assert receiver.delivered_ids() == ids
    assert WebhookDelivery.objects.get(endpoint=dead).status == DeliveryStatus.RETRYING
    dead.refresh_from_db()
    assert dead.cursor < ids[0] and dead.failing_since is not None


def test_webhook_work_has_its_own_queue():
    from margin_project.celery import app

    def queue_of(name: str) -> str:
        return app.amqp.router.route({}, name)["queue"].name

    assert {queue_of(n) for n in ("events.dispatch", "events.deliver", "events.resend", "events.heal")} == {
        "webhooks"
    }
    assert queue_of("accounts.sweep_chunk") == app.conf.task_default_queue != "webhooks"
