"""Registering webhook endpoints: by customers for their account, by staff for anything."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from margin_project.errors import DomainError, NotFound

from ..catalog import types_for
from ..models import DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint
from ..selectors import endpoint_get, events_account_owned, events_horizon
from ..signing import secret_new
from ..urlcheck import webhook_url_check

MAX_ENDPOINTS_PER_USER = 20


@dataclass(frozen=True)
class Registered:
    endpoint: WebhookEndpoint
    secret: str  # shown to the owner this once


def _types_clean(event_types: object, *, staff: bool) -> list[str]:
    if event_types is None:
        return []
    if not isinstance(event_types, (list, tuple)) or not all(isinstance(t, str) for t in event_types):
        raise DomainError("event_types is a list of event type names.", field="event_types")
    allowed = {t.name for t in types_for(staff=staff)}
    for name in event_types:
        if name not in allowed:
            raise DomainError(
                f"{name[:64]!r} is not an event type you can receive.",
                field="event_types",
                code="unknown_event_type",
            )
    return sorted(set(event_types))


def _account_clean(*, owner, account_id: int | None) -> int | None:
    """Staff may narrow to any account; a customer's endpoint is always their own account's."""
    if account_id is None:
        return None
    account_model = Event._meta.get_field("account").related_model
    if owner.is_staff:
        if not account_model.objects.filter(pk=account_id).exists():
            raise NotFound("No such account.", field="account_id")
        return account_id
    if not events_account_owned(user=owner, account_id=account_id):
        raise NotFound("No such account.", field="account_id")
    return None  # a customer's endpoint always follows their own account


@transaction.atomic
def webhook_endpoint_create(
    *,
    owner,
    url: object,
    event_types: Sequence[str] | None = None,
    description: str = "",
    account_id: int | None = None,
) -> Registered:
    """Register a URL for events (after the current ones); returns it with its secret, shown once.

    A customer's endpoint receives their own account's events (naming another account is
    not found); staff may receive house-wide events and every account's, or one account's.
    """
    staff = bool(owner.is_staff)
    url = webhook_url_check(url)
    types = _types_clean(event_types, staff=staff)
    account_id = _account_clean(owner=owner, account_id=account_id)
    if WebhookEndpoint.objects.filter(owner=owner).count() >= MAX_ENDPOINTS_PER_USER:
        raise DomainError(
            f"At most {MAX_ENDPOINTS_PER_USER} webhook endpoints per user.", field="url", code="too_many"
        )
    secret = secret_new()
    endpoint = WebhookEndpoint.objects.create(
        owner=owner,
        account_id=account_id,
        url=url,
        description=(description or "").strip()[:200],
        event_types=types,
        secret=secret,
        cursor=events_horizon(),
    )
    return Registered(endpoint=endpoint, secret=secret)


@transaction.atomic
def webhook_endpoint_update(
    *,
    owner,
    endpoint_id: int,
    url: object = None,
    event_types: Sequence[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change an endpoint. Turning it back on resumes at the event it stopped at, with a fresh
    retry window, so nothing after the failure is lost (within the retention)."""
    endpoint = endpoint_get(user=owner, endpoint_id=endpoint_id)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if url is not None:
        endpoint.url = webhook_url_check(url)
    if event_types is not None:
        endpoint.event_types = _types_clean(event_types, staff=bool(owner.is_staff))
    if description is not None:
        endpoint.description = description.strip()[:200]
    if is_active is False and endpoint.is_active:
        endpoint.is_active, endpoint.disabled_reason = False, "Turned off by its owner."
        endpoint.disabled_at = timezone.now()
    endpoint.save()
    if is_active and not endpoint.is_active:
        webhook_endpoints_enable(ids=[endpoint.pk])
        endpoint.refresh_from_db()
    return endpoint


@transaction.atomic
def webhook_endpoints_enable(*, ids: Sequence[int]) -> int:
    """Turn endpoints back on: each resumes at the event it stopped at, with a fresh retry window."""
    ids = list(WebhookEndpoint.objects.filter(pk__in=list(ids), is_active=False).values_list("pk", flat=True))
    WebhookEndpoint.objects.filter(pk__in=ids).update(
        is_active=True, disabled_at=None, disabled_reason="", failing_since=None
    )
    WebhookDelivery.objects.filter(
        endpoint_id__in=ids, status__in=[DeliveryStatus.FAILED, DeliveryStatus.RETRYING]
    ).update(status=DeliveryStatus.PENDING, first_attempt_at=None, next_attempt_at=None)
    endpoints_wake(ids=ids)
    return len(ids)


@transaction.atomic
def webhook_endpoint_delete(*, owner, endpoint_id: int) -> None:
    endpoint_get(user=owner, endpoint_id=endpoint_id).delete()


@transaction.atomic
def webhook_endpoint_secret_rotate(*, owner, endpoint_id: int) -> Registered:
    """A new secret (shown once); the old one stops signing at once."""
    endpoint = endpoint_get(user=owner, endpoint_id=endpoint_id)
    endpoint.secret = secret_new()
    endpoint.save(update_fields=["secret", "updated_at"])
    return Registered(endpoint=endpoint, secret=endpoint.secret)


def webhook_delivery_resend(*, delivery: WebhookDelivery) -> None:
    """Send one delivery again now (after commit, by a worker), out of order, and log it.

    The caller has checked the user may (the owner, through the selectors; staff in admin).
    """
    from ..tasks import resend_task

    transaction.on_commit(lambda: resend_task.delay(delivery.pk))


def endpoints_wake(*, ids: Sequence[int]) -> None:
    """Queue the in-order deliverer of each endpoint after commit."""
    from ..tasks import deliver_task

    for endpoint_id in ids:
        transaction.on_commit(lambda endpoint_id=endpoint_id: deliver_task.delay(endpoint_id))
