"""Celery tasks: thin interfaces that load by id and call one service.

All run with acks_late (settings): a task is acknowledged only once done and is
delivered again if its worker dies, so every task here is safe to run twice.
Database errors (deadlock, lock timeout, a busy SQLite) retry with backoff.
"""

from __future__ import annotations

import logging
from datetime import date

from celery import shared_task
from django.utils import timezone

from margin_project.celery import RETRY

from .selectors.screen import account_chunks, chunks_exposed_to
from .services.interest import interest_accrue, interest_days_missing, loan_id_chunks
from .services.notifications import notification_email_send
from .services.sweep import account_sweep, sweep_chunk

log = logging.getLogger(__name__)


@shared_task(name="accounts.sweep_all", ignore_result=True)
def sweep_all_task() -> int:
    """Every minute: one sweep task per chunk of account ids."""
    chunks = account_chunks()
    for lo, hi in chunks:
        sweep_chunk_task.delay(lo, hi)
    return len(chunks)


@shared_task(name="accounts.sweep_chunk", bind=True, ignore_result=True, **RETRY)
def sweep_chunk_task(self, lo: int, hi: int, asset_id: int | None = None) -> int:
    result = sweep_chunk(lo=lo, hi=hi, asset_id=asset_id)
    if result.busy:
        if asset_id is not None:
            # A price moved: do not wait for the next minute, try again in a moment.
            raise self.retry(countdown=2, max_retries=30)
        return 0
    return result.candidates


@shared_task(name="accounts.sweep_asset", ignore_result=True, **RETRY)
def sweep_asset_task(asset_id: int) -> int:
    """A price moved: sweep the chunks holding accounts exposed to the asset."""
    chunks = chunks_exposed_to(asset_id=asset_id)
    for lo, hi in chunks:
        sweep_chunk_task.delay(lo, hi, asset_id)
    return len(chunks)


@shared_task(name="accounts.sweep_accounts", ignore_result=True, **RETRY)
def sweep_accounts_task(margin_account_ids: list[int]) -> int:
    """Staff asked for these accounts now: assess each, screen or not."""
    for account_id in margin_account_ids:
        account_sweep(margin_account_id=account_id)
    return len(margin_account_ids)


@shared_task(name="accounts.accrue_interest", ignore_result=True, **RETRY)
def accrue_interest_task(day: str | None = None) -> int:
    """00:00 UTC: charge the day that starts, catching up any day a past run missed."""
    through = date.fromisoformat(day) if day else timezone.now().date()
    days = interest_days_missing(through=through) or [through]
    chunks = loan_id_chunks()
    for missing in days:
        for lo, hi in chunks:
            accrue_interest_chunk_task.delay(missing.isoformat(), lo, hi)
    return len(days) * len(chunks)


@shared_task(name="accounts.accrue_interest_chunk", ignore_result=True, **RETRY)
def accrue_interest_chunk_task(day: str, lo: int, hi: int) -> int:
    result = interest_accrue(day=date.fromisoformat(day), loan_id_from=lo, loan_id_to=hi)
    return result.loans_charged


@shared_task(name="accounts.send_notification_email", ignore_result=True, **RETRY)
def send_notification_email(notification_id: int) -> bool:
    return notification_email_send(notification_id=notification_id)
