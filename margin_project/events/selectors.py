"""Reading events and webhooks: the feed, what an endpoint receives, the outbox's lag."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max, QuerySet
from django.utils import timezone

from margin_project.errors import DomainError, NotFound

from .catalog import types_for
from .models import DeliveryAttempt, Event, WebhookDelivery, WebhookEndpoint
from .sql import feed_horizon

MAX_PAGE = 500


def events_horizon() -> int:
    """The highest event id that may be served now without a consumer ever skipping one.

    On PostgreSQL it stops below the oldest id still held by a transaction in flight
    (``sql.feed_horizon``); on SQLite, whose writers commit in id order, it is the last
    id committed. Read events in a statement *after* calling this.
    """
    horizon = feed_horizon()
    if horizon is None:
        horizon = Event.objects.aggregate(top=Max("id"))["top"] or 0
    return horizon


def _is_staff(user) -> bool:
    return bool(getattr(user, "is_staff", False))


def events_visible_to(*, user) -> QuerySet[Event]:
    """Staff read every event; a customer only their own account's."""
    events = Event.objects.all()
    return events if _is_staff(user) else events.filter(account__user=user)


def _types_checked(types: Sequence[str], *, staff: bool) -> list[str]:
    known = {t.name for t in types_for(staff=staff)}
    unknown = sorted(set(types) - known)
    if unknown:
        raise DomainError(f"Unknown event type {unknown[0][:64]!r}.", field="type", code="unknown_event_type")
    return list(types)


@dataclass(frozen=True)
class FeedPage:
    events: list[Event]
    next_after: int
    has_more: bool


def events_feed(
    *,
    user,
    after: int = 0,
    limit: int = 100,
    account_id: int | None = None,
    types: Sequence[str] = (),
) -> FeedPage:
    """Events after ``after`` in id order, up to the horizon: a consumer resuming from
    ``next_after`` sees every event exactly once, whatever order transactions committed in.

    ``account_id`` narrows to one margin account (a customer may name only their own:
    another's is not found). When the page is not full, ``next_after`` is the horizon, so
    a consumer skips past ids it could never see instead of re-reading them.
    """
    staff = _is_staff(user)
    events = events_visible_to(user=user)
    if account_id is not None:
        if not staff and not events_account_owned(user=user, account_id=account_id):
            raise NotFound("No such account.", field="account")
        events = events.filter(account_id=account_id)
    if types:
        events = events.filter(type__in=_types_checked(types, staff=staff))
    limit = max(1, min(limit, MAX_PAGE))
    horizon = events_horizon()
    page = list(events.filter(id__gt=after, id__lte=horizon).order_by("id")[: limit + 1])
    has_more = len(page) > limit
    page = page[:limit]
    next_after = page[-1].pk if has_more else max(after, horizon)
    return FeedPage(events=page, next_after=next_after, has_more=has_more)


def events_account_owned(*, user, account_id: int) -> bool:
    account_model = Event._meta.get_field("account").related_model
    return account_model.objects.filter(pk=account_id, user=user).exists()


def event_get(*, user, event_id: int) -> Event:
    event = events_visible_to(user=user).filter(pk=event_id).first()
    if event is None:
        raise NotFound("No such event.", field="id")
    return event


# --- webhooks -------------------------------------------------------------------------------


def endpoint_events(endpoint: WebhookEndpoint) -> QuerySet[Event]:
    """Every event the endpoint receives: its owner's scope, narrowed to its types.

    A staff owner's endpoint receives only while their role lets them read events.
    """
    staff = _is_staff(endpoint.owner)
    events = Event.objects.all()
    if staff and not endpoint.owner.has_perm("events.view_event"):
        return events.none()
    if not staff:
        events = events.filter(account__user_id=endpoint.owner_id)
    elif endpoint.account_id is not None:
        events = events.filter(account_id=endpoint.account_id)
    types = endpoint.event_types or [t.name for t in types_for(staff=staff)]
    return events.filter(type__in=types)


def endpoint_matches(
    endpoint: WebhookEndpoint, *, type: str, account_id: int | None, user_id: int | None
) -> bool:
    """In memory, the same rule as ``endpoint_events`` for one event."""
    staff = _is_staff(endpoint.owner)
    if type not in (endpoint.event_types or [t.name for t in types_for(staff=staff)]):
        return False
    if not staff:
        return user_id is not None and user_id == endpoint.owner_id
    return endpoint.account_id is None or endpoint.account_id == account_id


def endpoints_of(*, user) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(owner=user).order_by("id")


def endpoint_get(*, user, endpoint_id: int) -> WebhookEndpoint:
    """The user's endpoint; another user's is not found (never forbidden)."""
    endpoint = endpoints_of(user=user).select_related("owner").filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound("No such webhook endpoint.", field="id")
    return endpoint


def deliveries_of(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .prefetch_related("attempts_log")
        .order_by("-event_id")
    )


def delivery_get(*, user, delivery_id: int) -> WebhookDelivery:
    delivery = (
        WebhookDelivery.objects.filter(pk=delivery_id, endpoint__owner=user)
        .select_related("endpoint", "event")
        .first()
    )
    if delivery is None:
        raise NotFound("No such delivery.", field="id")
    return delivery


def attempts_of(*, delivery: WebhookDelivery) -> QuerySet[DeliveryAttempt]:
    return delivery.attempts_log.order_by("-at", "-id")


def endpoint_next_event(endpoint: WebhookEndpoint, *, after: int | None = None) -> Event | None:
    """The first event the endpoint has not handled yet, whether or not it may be served now."""
    cursor = endpoint.cursor if after is None else after
    return endpoint_events(endpoint).filter(id__gt=cursor).order_by("id").first()


@dataclass(frozen=True)
class OutboxLag:
    """How far webhook delivery is behind: the oldest event an active endpoint still awaits."""

    oldest_event_id: int | None
    oldest_occurred_at: datetime | None
    age: timedelta | None
    endpoints_active: int
    endpoints_failing: int
    endpoints_disabled: int

    @property
    def caught_up(self) -> bool:
        return self.oldest_event_id is None


def events_outbox_lag(*, now: datetime | None = None) -> OutboxLag:
    """For the risk desk's panel: the oldest undelivered event and the endpoints in trouble."""
    now = now or timezone.now()
    active = list(WebhookEndpoint.objects.filter(is_active=True).select_related("owner"))
    oldest: Event | None = None
    for endpoint in active:
        event = endpoint_next_event(endpoint)
        if event is not None and (oldest is None or event.pk < oldest.pk):
            oldest = event
    return OutboxLag(
        oldest_event_id=oldest.pk if oldest else None,
        oldest_occurred_at=oldest.occurred_at if oldest else None,
        age=(now - oldest.occurred_at) if oldest else None,
        endpoints_active=len(active),
        endpoints_failing=sum(1 for e in active if e.failing_since is not None),
        endpoints_disabled=WebhookEndpoint.objects.filter(is_active=False).count(),
    )
