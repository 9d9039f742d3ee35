"""The purge forgets only what is old and delivered, ids stay monotonic; the lag the risk desk sees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.selectors import margin_account_for
from margin_project.events.catalog import Types
from margin_project.events.models import DeliveryAttempt, Event, WebhookEndpoint
from margin_project.events.selectors import events_outbox_lag
from margin_project.events.services import event_record, events_purge, webhook_endpoint_create

pytestmark = pytest.mark.django_db
MODE = {"multi_asset_mode": True}


def record(account_id=None, *, days_ago: float = 0) -> Event:
    with transaction.atomic():
        return event_record(
            type=Types.MARGIN_MODE_CHANGED,
            account_id=account_id,
            payload=MODE,
            occurred_at=timezone.now() - timedelta(days=days_ago),
        )


def test_old_events_go_recent_ones_stay(market):
    old, recent = record(days_ago=31), record(days_ago=29)
    result = events_purge()
    assert result.events == 1
    assert list(Event.objects.filter(pk__in=[old.pk, recent.pk]).values_list("pk", flat=True)) == [recent.pk]


def test_an_event_an_active_endpoint_still_awaits_is_kept_however_old(customer):
    account = margin_account_for(customer)
    endpoint = webhook_endpoint_create(owner=customer, url="http://127.0.0.1:9/x").endpoint
    handled, waiting, after = (
        record(account.pk, days_ago=40),
        record(account.pk, days_ago=35),
        record(days_ago=33),
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(cursor=handled.pk)

    result = events_purge()

    assert result.kept_from == waiting.pk
    assert set(Event.objects.values_list("pk", flat=True)) >= {waiting.pk, after.pk}
    assert not Event.objects.filter(pk=handled.pk).exists()


def test_old_attempts_go(customer):
    endpoint = webhook_endpoint_create(owner=customer, url="http://127.0.0.1:9/x").endpoint
    event = record(margin_account_for(customer).pk)
    delivery = endpoint.deliveries.create(event=event)
    DeliveryAttempt.objects.create(delivery=delivery, at=timezone.now() - timedelta(days=31), status_code=500)
    DeliveryAttempt.objects.create(delivery=delivery, at=timezone.now(), status_code=200, success=True)
    assert events_purge().attempts == 1
    assert list(DeliveryAttempt.objects.values_list("status_code", flat=True)) == [200]


def test_ids_keep_rising_after_everything_is_purged(market):
    Event.objects.update(occurred_at=timezone.now() - timedelta(days=90))
    last = record(days_ago=90)
    events_purge()
    assert not Event.objects.exists()
    assert record().pk > last.pk  # a consumer's cursor stays valid: no id is handed out twice


def test_the_lag_is_the_oldest_event_an_active_endpoint_awaits(customer):
    assert events_outbox_lag().caught_up
    endpoint = webhook_endpoint_create(owner=customer, url="http://127.0.0.1:9/x").endpoint
    waiting = record(margin_account_for(customer).pk)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now())

    lag = events_outbox_lag(now=waiting.occurred_at + timedelta(minutes=15))

    assert lag.oldest_event_id == waiting.pk
    assert lag.age == timedelta(minutes=15)
    assert (lag.endpoints_active, lag.endpoints_failing, lag.endpoints_disabled) == (1, 1, 0)
