"""Celery tasks of events and webhooks, on their own queue so they never wait behind a sweep.

Each is a thin interface over one service, idempotent and safe to run twice: the
endpoint's lease and cursor decide what is sent, so a duplicate message sends nothing
twice (and a lost one is made up by the minute's healing run).
"""

from __future__ import annotations

from celery import shared_task

from margin_project.celery import RETRY

from .services import (
    endpoints_for_events,
    endpoints_with_work,
    events_purge,
    webhook_delivery_send_now,
    webhook_endpoint_deliver,
)

QUEUE = "webhooks"  # routed by CELERY_TASK_ROUTES (settings/events.py)
# Retries further off than this are left to the healing run, not held by the broker.
SCHEDULE_LIMIT_SECONDS = 300


@shared_task(name="events.dispatch", ignore_result=True, **RETRY)
def dispatch_task(lo: int, hi: int) -> int:
    """After a transaction committed events ``lo``..``hi``: wake the endpoints that receive them."""
    endpoint_ids = endpoints_for_events(lo=lo, hi=hi)
    for endpoint_id in endpoint_ids:
        deliver_task.delay(endpoint_id)
    return len(endpoint_ids)


@shared_task(name="events.deliver", bind=True, ignore_result=True, **RETRY)
def deliver_task(self, endpoint_id: int) -> int:
    """Deliver an endpoint's pending events in order; schedule itself again when due."""
    run = webhook_endpoint_deliver(endpoint_id=endpoint_id)
    if run.more:
        deliver_task.delay(endpoint_id)
    elif run.retry_in is not None and run.retry_in <= SCHEDULE_LIMIT_SECONDS and not self.request.is_eager:
        # (Run eagerly, in tests, a countdown would not wait: the healing run retries instead.)
        deliver_task.apply_async((endpoint_id,), countdown=run.retry_in)
    return run.delivered


@shared_task(name="events.resend", ignore_result=True, **RETRY)
def resend_task(delivery_id: int) -> str | None:
    """A person asked to send one delivery again."""
    from .models import WebhookDelivery

    outcome = webhook_delivery_send_now(delivery_id=delivery_id)
    endpoint_id = WebhookDelivery.objects.filter(pk=delivery_id).values_list("endpoint_id", flat=True).first()
    if endpoint_id is not None:
        deliver_task.delay(endpoint_id)  # if it was the one holding the queue up, the rest follow
    return outcome


@shared_task(name="events.heal", ignore_result=True, **RETRY)
def heal_task() -> int:
    """Every minute: wake every endpoint with work that no live worker is doing."""
    endpoint_ids = endpoints_with_work()
    for endpoint_id in endpoint_ids:
        deliver_task.delay(endpoint_id)
    return len(endpoint_ids)


@shared_task(name="events.purge", ignore_result=True, **RETRY)
def purge_task() -> int:
    """Daily: drop events and attempts older than the retention (never one still to deliver)."""
    return events_purge().events
