"""Which endpoints to wake: after a transaction wrote events, and every minute as a safety net."""

from __future__ import annotations

from django.utils import timezone

from ..models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint
from ..selectors import endpoint_matches, endpoint_next_event


def endpoints_for_events(*, lo: int, hi: int) -> list[int]:
    """Active endpoints that receive at least one of the events with ids ``lo``..``hi``."""
    keys = set(
        Event.objects.filter(id__gte=lo, id__lte=hi)
        .values_list("type", "account_id", "account__user_id")
        .distinct()
    )
    if not keys:
        return []
    endpoints = WebhookEndpoint.objects.filter(is_active=True).select_related("owner").order_by("id")
    return [
        endpoint.pk
        for endpoint in endpoints
        if any(
            endpoint_matches(endpoint, type=type_, account_id=account_id, user_id=user_id)
            for type_, account_id, user_id in keys
        )
    ]


def endpoints_with_work() -> list[int]:
    """Active endpoints with an event waiting or a retry due, whose lease no live worker holds.

    The minute's healing run wakes these: it picks up what a lost message, a dead worker
    or a retry scheduled beyond the broker's reach left behind.
    """
    now = timezone.now()
    due = set(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.RETRYING, next_attempt_at__lte=now, endpoint__is_active=True
        ).values_list("endpoint_id", flat=True)
    )
    out = []
    for endpoint in WebhookEndpoint.objects.filter(is_active=True).select_related("owner").order_by("id"):
        if endpoint.lease_until is not None and endpoint.lease_until > now:
            continue
        if endpoint.pk in due or endpoint_next_event(endpoint) is not None:
            out.append(endpoint.pk)
    return out
