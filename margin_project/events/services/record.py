"""Writing events: inside the business transaction, one row each, or set-based in bulk."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from ..catalog import CATALOG, payload_check
from ..models import Event, WebhookEndpoint
from ..sql import writer_marker_take


class OutsideTransaction(RuntimeError):
    """An event written outside ``transaction.atomic``: it could commit without its change."""


def _require_transaction(what: str) -> None:
    if not connection.in_atomic_block:
        raise OutsideTransaction(
            f"{what} must run inside the transaction of the change it records (transaction.atomic)."
        )


@dataclass(frozen=True)
class EventDraft:
    """An event to write with ``events_record_bulk``."""

    type: str
    account_id: int | None
    payload: Mapping[str, object]
    occurred_at: datetime | None = None


def event_record(
    *, type: str, account_id: int | None, payload: Mapping[str, object], occurred_at: datetime | None = None
) -> Event:
    """Write one event in the current transaction; it commits or rolls back with the change.

    Refuses to run outside ``transaction.atomic`` and refuses a payload that does not match
    its type in the catalogue. Webhook delivery is queued after commit.
    """
    _require_transaction("event_record")
    definition = payload_check(type, payload)
    writer_marker_take()
    event = Event.objects.create(
        type=type,
        version=definition.version,
        account_id=account_id,
        occurred_at=occurred_at or timezone.now(),
        payload=dict(payload),
    )
    _dispatch_after_commit(event.pk, event.pk)
    return event


def events_record_bulk(*, events: Sequence[EventDraft], batch_size: int = 2000) -> list[Event]:
    """Write many events in the current transaction with one INSERT per batch (ids in list order)."""
    _require_transaction("events_record_bulk")
    if not events:
        return []
    now = timezone.now()
    rows = [
        Event(
            type=draft.type,
            version=payload_check(draft.type, draft.payload).version,
            account_id=draft.account_id,
            occurred_at=draft.occurred_at or now,
            payload=dict(draft.payload),
        )
        for draft in events
    ]
    writer_marker_take()
    created = Event.objects.bulk_create(rows, batch_size=batch_size)
    _dispatch_after_commit(min(e.pk for e in created), max(e.pk for e in created))
    return created


def events_record_select(*, type: str, select_sql: str, params: Mapping[str, object] | Sequence = ()) -> int:
    """Write one event of ``type`` per row of a query, set-based (``INSERT ... SELECT``).

    ``select_sql`` returns the columns ``account_id``, ``occurred_at``, ``payload`` (a JSON
    object built with ``sql.json_object``; decimals through ``sql.decimal_text``) and
    ``ordering`` (ids follow it). Payloads are not checked row by row: the query's builder
    is tested against the catalogue instead. Returns the number of events written.
    """
    _require_transaction("events_record_select")
    definition = CATALOG[type]
    writer_marker_take()
    insert = f"""
        INSERT INTO events_event (type, version, account_id, occurred_at, payload)
        SELECT %(event_type)s, %(event_version)s, q.account_id, q.occurred_at, q.payload
          FROM ({select_sql}) q
         ORDER BY q.ordering
    """
    params = {**dict(params), "event_type": type, "event_version": definition.version}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH ins AS ({insert} RETURNING id) SELECT MIN(id), MAX(id), COUNT(*) FROM ins", params
            )
            lo, hi, count = cursor.fetchone()
        else:
            # SQLite: this transaction holds the write lock, so the new ids are all above this.
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM events_event")
            before = cursor.fetchone()[0]
            cursor.execute(insert, params)
            count = cursor.rowcount
            cursor.execute("SELECT MAX(id) FROM events_event")
            lo, hi = before + 1, cursor.fetchone()[0]
    if count:
        _dispatch_after_commit(lo, hi)
    return count


@dataclass
class _DispatchAfterCommit:
    """One per transaction: after commit, wake the endpoints matching the events it wrote."""

    lo: int
    hi: int

    def __call__(self) -> None:
        from ..tasks import dispatch_task

        # No active endpoint, no message: without webhooks a commit costs the broker nothing.
        # (An endpoint turned on later is woken by that change; the minute's healing run
        # catches any event a new endpoint should still get.)
        if WebhookEndpoint.objects.filter(is_active=True).exists():
            dispatch_task.delay(self.lo, self.hi)


def _dispatch_after_commit(lo: int, hi: int) -> None:
    for _savepoints, func, _robust in connection.run_on_commit:
        if isinstance(func, _DispatchAfterCommit):
            func.lo, func.hi = min(func.lo, lo), max(func.hi, hi)
            return
    # Robust: a broker hiccup must not fail the request whose change already committed;
    # the minute's healing dispatch delivers the events anyway.
    transaction.on_commit(_DispatchAfterCommit(lo, hi), robust=True)
