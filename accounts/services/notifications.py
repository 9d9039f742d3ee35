"""Marking notifications read (sending lives with the risk workers)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from ..models import Notification


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all when ``ids`` is None); returns how many changed.

    Ids of other users' notifications are ignored, never an error that leaks they exist.
    """
    notifications = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        notifications = notifications.filter(pk__in=list(ids))
    return notifications.update(read_at=timezone.now())
