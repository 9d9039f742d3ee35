"""Forgetting old events and delivery attempts, never one an endpoint still has to deliver."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import DeliveryAttempt, Event, WebhookEndpoint
from ..selectors import endpoint_next_event

BATCH = 5000


@dataclass(frozen=True)
class PurgeResult:
    events: int
    attempts: int
    kept_from: int | None


def events_purge(*, now: datetime | None = None, retention: timedelta | None = None) -> PurgeResult:
    """Delete events older than the retention that every active endpoint has handled, and
    attempts older than the retention; in batches, each its own transaction.

    Ids stay monotonic: the id sequence (PostgreSQL) and SQLite's AUTOINCREMENT never hand
    out a deleted id again, so a consumer's cursor stays valid. A disabled endpoint does not
    hold events back: turned on again, it resumes from the oldest event kept.
    """
    now = now or timezone.now()
    cutoff = now - (retention or timedelta(days=settings.EVENTS_RETENTION_DAYS))
    waiting = [
        event.pk
        for endpoint in WebhookEndpoint.objects.filter(is_active=True).select_related("owner")
        if (event := endpoint_next_event(endpoint)) is not None
    ]
    kept_from = min(waiting) if waiting else None
    old_events = Event.objects.filter(occurred_at__lt=cutoff)
    if kept_from is not None:
        old_events = old_events.filter(id__lt=kept_from)
    attempts = _delete_in_batches(DeliveryAttempt.objects.filter(at__lt=cutoff))
    events = _delete_in_batches(old_events)
    return PurgeResult(events=events, attempts=attempts, kept_from=kept_from)


def _delete_in_batches(queryset) -> int:
    total = 0
    while True:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return total
        with transaction.atomic():
            deleted = queryset.model.objects.filter(pk__in=ids).delete()[1]
        total += deleted.get(queryset.model._meta.label, 0)
