"""Delivering events to one endpoint: in id order, signed, at least once, retried with backoff.

One worker at a time owns an endpoint (a lease on its row, renewed as it works, expiring
if the worker dies). It sends the events after the endpoint's cursor in id order; only
a 2xx moves the cursor, so a later event never overtakes an earlier one and a crash
never loses one (it is sent again: receivers deduplicate by event id). A failure is
retried with exponential backoff and jitter, later events waiting behind it; after
``WEBHOOK_RETRY_WINDOW_HOURS`` of failures the endpoint is turned off and its owner told.

No database transaction is open while a request is in flight, and each request has a
short timeout, so a slow or dead receiver holds up only its own endpoint. Each outcome is
written down in one short transaction before the next event is sent, so a worker killed
mid-run sends again only the event it was sending.
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ..envelope import event_body
from ..http import PostResult, WebhookClient
from ..models import DeliveryAttempt, DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint
from ..selectors import endpoint_events, events_horizon
from ..signals import webhook_endpoint_disabled
from ..signing import EVENT_ID_HEADER, EVENT_TYPE_HEADER, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signature

# An event that a transaction still in flight may precede is tried again this soon.
HORIZON_WAIT_SECONDS = 1.0
USER_AGENT = "MarginDesk-Webhooks/1"


def delivery_headers(endpoint: WebhookEndpoint, event: Event, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_ID_HEADER: str(event.pk),
        EVENT_TYPE_HEADER: event.type,
        IDEMPOTENCY_HEADER: f"event-{event.pk}",
        SIGNATURE_HEADER: signature(endpoint.secret, body, int(time.time())),
    }


def retry_delay(failures: int) -> float:
    """Seconds before the next try after ``failures`` failures: doubling, capped, half of it jitter."""
    ceiling = min(
        settings.WEBHOOK_RETRY_MAX_SECONDS, settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(0, failures - 1)
    )
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def _send(client: WebhookClient, endpoint: WebhookEndpoint, event: Event) -> PostResult:
    body = event_body(event)
    return client.post(endpoint.url, body, delivery_headers(endpoint, event, body))


# --- the lease: one deliverer per endpoint --------------------------------------------------


def _lease_ttl() -> timedelta:
    return timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)


def _lease_take(endpoint_id: int) -> str | None:
    token = uuid.uuid4().hex
    now = timezone.now()
    taken = (
        WebhookEndpoint.objects.filter(pk=endpoint_id, is_active=True)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .update(lease_token=token, lease_until=now + _lease_ttl())
    )
    return token if taken else None


def _lease_renew(endpoint_id: int, token: str) -> bool:
    return bool(
        WebhookEndpoint.objects.filter(pk=endpoint_id, lease_token=token).update(
            lease_until=timezone.now() + _lease_ttl()
        )
    )


def _lease_release(endpoint_id: int, token: str) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint_id, lease_token=token).update(lease_token="", lease_until=None)


def _cursor_advance(endpoint_id: int, token: str | None, to: int) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint_id, lease_token=token, cursor__lt=to).update(cursor=to)


# --- delivering ---------------------------------------------------------------------------


@dataclass
class DeliveryRun:
    """What one run for an endpoint did, and when the task should run again."""

    endpoint_id: int
    busy: bool = False
    delivered: int = 0
    failed: bool = False
    disabled: bool = False
    retry_in: float | None = None
    more: bool = False


@dataclass
class _Run:
    """One run's working state: its lease and its budget."""

    endpoint_id: int
    token: str
    deadline: float
    max_events: int
    report: DeliveryRun
    renewed: float = field(default_factory=time.monotonic)

    def keep_going(self) -> bool:
        """Between two events: within the budget, and still holding the lease (renewed as time passes)."""
        if self.report.delivered >= self.max_events or time.monotonic() > self.deadline:
            self.report.more = True
            return False
        if time.monotonic() - self.renewed > settings.WEBHOOK_LEASE_SECONDS / 3:
            self.renewed = time.monotonic()
            return _lease_renew(self.endpoint_id, self.token)
        return True


def webhook_endpoint_deliver(
    *, endpoint_id: int, max_events: int = 500, budget_seconds: float = 20.0, batch: int = 100
) -> DeliveryRun:
    """Send the endpoint's pending events in id order until one fails, none is left or the budget ends.

    Returns ``busy`` when another worker holds the endpoint (it will carry on), ``retry_in``
    when the next try is due later (a backoff, or an event a transaction in flight may
    still precede), ``more`` when the budget ran out with events left.
    """
    report = DeliveryRun(endpoint_id=endpoint_id)
    token = _lease_take(endpoint_id)
    if token is None:
        report.busy = True
        return report
    run = _Run(endpoint_id, token, time.monotonic() + budget_seconds, max_events, report)
    try:
        with WebhookClient(timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as client:
            while not _deliver_batch(run, client, batch=batch):
                pass
    finally:
        _lease_release(endpoint_id, token)
    if not (report.more or report.failed or report.retry_in is not None):
        # An event committed while we held the lease woke a task that found us busy:
        # look once more now that the lease is free, so it is not left to the healing run.
        endpoint = (
            WebhookEndpoint.objects.select_related("owner").filter(pk=endpoint_id, is_active=True).first()
        )
        horizon = events_horizon()
        if (
            endpoint is not None
            and endpoint_events(endpoint).filter(id__gt=endpoint.cursor, id__lte=horizon).exists()
        ):
            report.more = True
    return report


def _deliver_batch(run: _Run, client: WebhookClient, *, batch: int) -> bool:
    """Deliver up to ``batch`` events in order; True when this run should stop."""
    endpoint = (
        WebhookEndpoint.objects.select_related("owner")
        .filter(pk=run.endpoint_id, is_active=True, lease_token=run.token)
        .first()
    )
    if endpoint is None:  # turned off, deleted, or our lease was taken over
        return True
    horizon = events_horizon()
    pending = endpoint_events(endpoint).filter(id__gt=endpoint.cursor)
    events = list(pending.filter(id__lte=horizon).order_by("id")[:batch])
    if not events:
        _cursor_advance(run.endpoint_id, run.token, horizon)  # nothing up to the horizon is for it
        if pending.exists():
            run.report.retry_in = HORIZON_WAIT_SECONDS
        return True
    known = {d.event_id: d for d in WebhookDelivery.objects.filter(endpoint=endpoint, event__in=events)}
    for event in events:
        if not run.keep_going():
            return True
        delivery = known.get(event.pk)
        if delivery is not None and delivery.status == DeliveryStatus.SUCCEEDED:
            _cursor_advance(run.endpoint_id, run.token, event.pk)  # a manual re-send already got through
            continue
        now = timezone.now()
        if delivery is not None and delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            run.report.retry_in = (delivery.next_attempt_at - now).total_seconds()
            return True
        result = _send(client, endpoint, event)
        delivery = _attempt_record(
            endpoint=endpoint, delivery=delivery, event=event, result=result, token=run.token
        )
        if delivery.status != DeliveryStatus.SUCCEEDED:
            run.report.failed = True
            run.report.disabled = delivery.status == DeliveryStatus.FAILED
            if not run.report.disabled:
                run.report.retry_in = max(0.0, (delivery.next_attempt_at - timezone.now()).total_seconds())
            return True
        run.report.delivered += 1
    return False


def _attempt_record(
    *,
    endpoint: WebhookEndpoint,
    delivery: WebhookDelivery | None,
    event: Event,
    result: PostResult,
    token: str | None,
    manual: bool = False,
) -> WebhookDelivery:
    """Log one request's outcome and move the delivery on; returns it in its new state.

    In order (``manual`` False, under the endpoint's lease ``token``): success moves the
    cursor past the event; failure schedules the next try, or after the retry window
    turns the endpoint off. A manual re-send only logs and, on success, marks the
    delivery done (the in-order deliverer then skips it).
    """
    now = timezone.now()
    with transaction.atomic():
        _commit_without_waiting_for_disk()
        if delivery is None:
            current = WebhookDelivery(endpoint=endpoint, event=event)
        else:
            current = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        current.attempts += 1
        current.last_attempt_at = now
        current.last_status_code = result.status
        current.last_error = result.error[:200]
        if result.ok:
            current.status = DeliveryStatus.SUCCEEDED
            current.delivered_at = now
            current.next_attempt_at = None
        elif not manual:
            current.first_attempt_at = current.first_attempt_at or now
            if now - current.first_attempt_at >= timedelta(hours=settings.WEBHOOK_RETRY_WINDOW_HOURS):
                current.status = DeliveryStatus.FAILED
                current.next_attempt_at = None
            else:
                current.status = DeliveryStatus.RETRYING
                failures = 1 + (
                    0
                    if current.pk is None
                    else DeliveryAttempt.objects.filter(delivery=current, success=False, manual=False).count()
                )  # manual re-sends do not count towards the backoff
                current.next_attempt_at = now + timedelta(seconds=retry_delay(failures))
        current.save()
        DeliveryAttempt.objects.create(
            delivery=current,
            at=now,
            status_code=result.status,
            success=result.ok,
            latency_ms=result.latency_ms,
            error=result.error[:200],
            response_excerpt=result.excerpt,
            manual=manual,
        )
        if manual:
            return current
        if result.ok:
            _cursor_advance(endpoint.pk, token, event.pk)
            if endpoint.failing_since is not None:
                WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
                endpoint.failing_since = None
        elif current.status == DeliveryStatus.FAILED:
            webhook_endpoint_disable(
                endpoint=endpoint,
                reason=f"Event {event.pk} failed for {settings.WEBHOOK_RETRY_WINDOW_HOURS:g} hours "
                f"({result.error or result.status}).",
            )
        elif endpoint.failing_since is None:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=current.first_attempt_at)
            endpoint.failing_since = current.first_attempt_at
    return current


def _commit_without_waiting_for_disk() -> None:
    """PostgreSQL: this bookkeeping commit need not wait for the disk.

    Only a database crash could lose it, and then the event is simply sent again (as after
    any crash: delivery is at least once); a killed worker loses nothing. Saves an fsync
    per delivered event.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, reason: str) -> None:
    """Stop delivering to the endpoint and tell its owner (the accounts app answers the signal)."""
    with transaction.atomic():
        changed = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
            is_active=False, disabled_at=timezone.now(), disabled_reason=reason[:200]
        )
        if changed:
            webhook_endpoint_disabled.send(
                sender=WebhookEndpoint,
                endpoint_id=endpoint.pk,
                owner_id=endpoint.owner_id,
                url=endpoint.url,
                reason=reason,
            )


def webhook_delivery_send_now(*, delivery_id: int) -> str | None:
    """A manual re-send: one request now, out of order, logged; returns the delivery's status."""
    delivery = WebhookDelivery.objects.select_related("endpoint", "event").filter(pk=delivery_id).first()
    if delivery is None:
        return None
    with WebhookClient(timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as client:
        result = _send(client, delivery.endpoint, delivery.event)
    return _attempt_record(
        endpoint=delivery.endpoint,
        delivery=delivery,
        event=delivery.event,
        result=result,
        token=None,
        manual=True,
    ).status
