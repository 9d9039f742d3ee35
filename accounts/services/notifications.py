"""Telling customers: in-app notifications, their e-mail, marking them read.

Rows are written inside the caller's transaction; e-mail leaves through Celery only
after commit, so nobody is told about something that was rolled back.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
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


def notification_create(
    *, user, kind: str, title: str, body: str, link: str, dedupe_key: str
) -> Notification:
    """One in-app notification per event (``dedupe_key``), e-mailed after commit."""
    existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, kind=kind, title=title, body=body, link=link, dedupe_key=dedupe_key
            )
    except IntegrityError:
        return Notification.objects.get(dedupe_key=dedupe_key)
    from ..tasks import send_notification_email

    transaction.on_commit(lambda: send_notification_email.delay(notification.pk))
    return notification


def notification_email_send(*, notification_id: int) -> bool:
    """Send a notification's e-mail once: claim it first so a second delivery sends nothing."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    if not notification.user.email:
        return False
    try:
        send_mail(
            subject=f"[Margin desk] {notification.title}",
            message=f"{notification.body}\n\nDetails: {settings.SITE_URL}{notification.link}",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.user.email],
        )
    except Exception:
        # Give the claim back so the retry sends it.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True
