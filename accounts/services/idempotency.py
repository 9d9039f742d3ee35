"""Idempotency keys: claim one inside the request's transaction, store its response, replay it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from margin_project.errors import DomainError

from ..models import IdempotencyKey


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422


@dataclass(frozen=True)
class Replay:
    status: int
    body: object


def request_fingerprint(*, method: str, path: str, body: object) -> str:
    """SHA-256 of what the request asks for; key order and whitespace of the body do not matter."""
    canonical = json.dumps([method.upper(), path, body], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_claim(*, user, key: str, fingerprint: str, method: str, path: str) -> IdempotencyKey | Replay:
    """Insert the key row, or return the stored response of the request that holds it.

    Call inside ``transaction.atomic()``. On PostgreSQL a concurrent holder makes the
    insert wait until it commits (then its response is replayed) or rolls back (then
    this request goes ahead); on SQLite the write lock serialises the same way.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("idempotency_claim needs an open transaction")
    for _ in range(3):
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(
                    user=user, key=key, fingerprint=fingerprint, method=method, path=path[:255]
                )
        except IntegrityError:
            existing = IdempotencyKey.objects.filter(user=user, key=key).first()
            if existing is None:
                continue  # its holder gave it up between our insert and our read
            if existing.fingerprint != fingerprint:
                raise IdempotencyKeyReused(
                    "This Idempotency-Key was already used for a different request.",
                    field="Idempotency-Key",
                ) from None
            return Replay(status=existing.response_status, body=existing.response_body)
    raise IdempotencyKeyReused("This Idempotency-Key is busy; retry.", field="Idempotency-Key")


def idempotency_store(record: IdempotencyKey, *, status: int, body: object) -> None:
    """Keep the response to replay; committed with the operation it answers."""
    record.response_status = status
    record.response_body = body
    record.save(update_fields=["response_status", "response_body", "updated_at"])


def idempotency_release(record: IdempotencyKey) -> None:
    """Free a key whose request was refused, so the client can send it again."""
    record.delete()
