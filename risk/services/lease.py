"""Exclusive leases in the database: work on both SQLite and PostgreSQL, across machines."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import JobLease


def lease_acquire(*, name: str, ttl: timedelta) -> str | None:
    """Take the lease ``name`` for ``ttl`` (or until released); None if someone holds it."""
    token = uuid.uuid4().hex
    now = timezone.now()
    taken = JobLease.objects.filter(name=name, expires_at__lte=now).update(holder=token, expires_at=now + ttl)
    if taken:
        return token
    try:
        with transaction.atomic():
            JobLease.objects.create(name=name, holder=token, expires_at=now + ttl)
    except IntegrityError:
        return None
    return token


def lease_release(*, name: str, token: str) -> None:
    JobLease.objects.filter(name=name, holder=token).update(expires_at=timezone.now(), holder="")
