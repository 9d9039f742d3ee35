"""Delivering events to one endpoint: in id order, signed, at least once, retried with backoff.

One worker at a time owns an endpoint (a lease on its row, renewed per event, expiring
if the worker dies). It sends the first event after the endpoint's cursor; only a 2xx
moves the cursor, so a later event never overtakes an earlier one and a crash never
loses one (the event is sent again: receivers deduplicate by its id). A failure is
retried with exponential backoff and jitter; after ``WEBHOOK_RETRY_WINDOW_HOURS`` of
failures the endpoint is disabled and its owner told. No database transaction is open
while a request is in flight, and each request has a short timeout, so a slow or dead
receiver holds up only its own endpoint.
"""

from __future__ import annotations

import random
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..envelope import event_body
from ..models import DeliveryAttempt, DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint
from ..selectors import endpoint_events, events_horizon
from ..signals import webhook_endpoint_disabled
from ..signing import (
    EVENT_ID_HEADER,
    EVENT_TYPE_HEADER,
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    signature,
)
from ..urlcheck import InvalidWebhookUrl, address_check

EXCERPT_CHARS = 500
# An event that a transaction still in flight may precede is retried this soon.
HORIZON_WAIT_SECONDS = 1.0
USER_AGENT = "MarginDesk-Webhooks/1"


@dataclass(frozen=True)
class PostResult:
    status: int | None
    latency_ms: int
    excerpt: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer (a failure), never followed: it could lead to an internal address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# Direct connections only (no proxy from the environment), no redirects.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects)


def webhook_post(*, url: str, body: bytes, headers: dict[str, str], timeout: float) -> PostResult:
    """POST ``body`` to ``url`` once; never raises for anything the network or receiver does."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        parts = urlsplit(url)
        address_check(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
        if parts.scheme not in ("https", "http"):
            raise InvalidWebhookUrl("Webhook URLs must use https.", field="url")
        request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310
        with _opener.open(request, timeout=timeout) as response:
            excerpt = response.read(2048).decode("utf-8", "replace")[:EXCERPT_CHARS]
            return PostResult(response.status, elapsed(), excerpt)
    except urllib.error.HTTPError as exc:
        try:
            excerpt = exc.read(2048).decode("utf-8", "replace")[:EXCERPT_CHARS]
        except Exception:  # noqa: BLE001 - the body of an error is a courtesy
            excerpt = ""
        return PostResult(exc.code, elapsed(), excerpt, f"HTTP {exc.code}")
    except InvalidWebhookUrl as exc:
        return PostResult(None, elapsed(), "", exc.message[:200])
    except Exception as exc:  # noqa: BLE001 - timeouts, refused connections, TLS, bad responses
        reason = getattr(exc, "reason", None) or exc
        return PostResult(None, elapsed(), "", f"{type(exc).__name__}: {reason}"[:200])


def delivery_headers(endpoint: WebhookEndpoint, event: Event, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_ID_HEADER: str(event.pk),
        EVENT_TYPE_HEADER: event.type,
        IDEMPOTENCY_HEADER: f"event-{event.pk}",
        SIGNATURE_HEADER: signature(endpoint.secret, body, int(time.time())),
    }


def retry_delay(attempts: int) -> float:
    """Seconds before the next try after ``attempts`` failures: doubling, capped, half of it jitter."""
    ceiling = min(
        settings.WEBHOOK_RETRY_MAX_SECONDS, settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1)
    )
    return ceiling / 2 + random.uniform(0, ceiling / 2)


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


def _cursor_advance(endpoint_id: int, token: str, to: int) -> None:
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


def webhook_endpoint_deliver(
    *, endpoint_id: int, max_events: int = 200, budget_seconds: float = 20.0
) -> DeliveryRun:
    """Send the endpoint's pending events in id order until one fails, none is left or the budget ends.

    Returns ``busy`` when another worker holds the endpoint (it will carry on), ``retry_in``
    when the next try is due later (a backoff, or an event a transaction in flight may
    still precede), ``more`` when the budget ran out with events left.
    """
    run = DeliveryRun(endpoint_id=endpoint_id)
    token = _lease_take(endpoint_id)
    if token is None:
        run.busy = True
        return run
    started = time.monotonic()
    try:
        while True:
            endpoint = (
                WebhookEndpoint.objects.select_related("owner")
                .filter(pk=endpoint_id, is_active=True, lease_token=token)
                .first()
            )
            if endpoint is None:  # disabled, deleted, or our lease was taken over
                break
            horizon = events_horizon()
            pending = endpoint_events(endpoint).filter(id__gt=endpoint.cursor)
            event = pending.filter(id__lte=horizon).order_by("id").first()
            if event is None:
                _cursor_advance(endpoint_id, token, horizon)  # nothing up to the horizon is for it
                if pending.exists():
                    run.retry_in = HORIZON_WAIT_SECONDS
                break
            delivery, _ = WebhookDelivery.objects.get_or_create(endpoint=endpoint, event=event)
            if delivery.status == DeliveryStatus.SUCCEEDED:  # a manual re-send already got through
                _cursor_advance(endpoint_id, token, event.pk)
                continue
            now = timezone.now()
            if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
                run.retry_in = (delivery.next_attempt_at - now).total_seconds()
                break
            outcome = delivery_attempt(endpoint=endpoint, delivery=delivery, event=event, token=token)
            if outcome != DeliveryStatus.SUCCEEDED:
                run.failed = True
                run.disabled = outcome == DeliveryStatus.FAILED
                if not run.disabled:
                    delivery.refresh_from_db(fields=["next_attempt_at"])
                    run.retry_in = max(0.0, (delivery.next_attempt_at - timezone.now()).total_seconds())
                break
            run.delivered += 1
            if run.delivered >= max_events or time.monotonic() - started > budget_seconds:
                run.more = True
                break
            _lease_renew(endpoint_id, token)
    finally:
        _lease_release(endpoint_id, token)
    if not (run.more or run.failed or run.retry_in is not None):
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
            run.more = True
    return run


def delivery_attempt(
    *,
    endpoint: WebhookEndpoint,
    delivery: WebhookDelivery,
    event: Event,
    token: str | None,
    manual: bool = False,
) -> str:
    """One request for ``delivery``, logged; returns the delivery's new status.

    In order (``manual`` False, under the endpoint's lease ``token``): success moves the
    cursor past the event; failure schedules the next try, or after the retry window
    disables the endpoint. A manual re-send only logs and, on success, marks the
    delivery done (the in-order deliverer then skips it).
    """
    body = event_body(event)
    result = webhook_post(
        url=endpoint.url,
        body=body,
        headers=delivery_headers(endpoint, event, body),
        timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
    )
    now = timezone.now()
    with transaction.atomic():
        current = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
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
        current.attempts += 1
        current.last_attempt_at = now
        current.last_status_code = result.status
        current.last_error = result.error[:200]
        if result.ok:
            current.status = DeliveryStatus.SUCCEEDED
            current.delivered_at = now
            current.next_attempt_at = None
            if not manual:
                _cursor_advance(endpoint.pk, token, event.pk)
                WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
        elif not manual:
            current.first_attempt_at = current.first_attempt_at or now
            window = timedelta(hours=settings.WEBHOOK_RETRY_WINDOW_HOURS)
            if now - current.first_attempt_at >= window:
                current.status = DeliveryStatus.FAILED
                current.next_attempt_at = None
                webhook_endpoint_disable(
                    endpoint=endpoint,
                    reason=f"Event {event.pk} failed for {settings.WEBHOOK_RETRY_WINDOW_HOURS:g} hours "
                    f"({result.error or result.status}).",
                )
            else:
                current.status = DeliveryStatus.RETRYING
                # Manual re-sends do not count towards the backoff.
                failures = DeliveryAttempt.objects.filter(
                    delivery=current, success=False, manual=False
                ).count()
                current.next_attempt_at = now + timedelta(seconds=retry_delay(failures))
                WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(
                    failing_since=current.first_attempt_at
                )
        current.save()
        return current.status


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
    """A manual re-send: one request now, out of order, logged; the in-order deliverer is woken."""
    delivery = WebhookDelivery.objects.select_related("endpoint", "event").filter(pk=delivery_id).first()
    if delivery is None:
        return None
    return delivery_attempt(
        endpoint=delivery.endpoint, delivery=delivery, event=delivery.event, token=None, manual=True
    )
