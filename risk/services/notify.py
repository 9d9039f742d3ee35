"""Telling people: in-app notifications and e-mail to customers, alerts to the risk desk.

Rows are written inside the caller's transaction; e-mail leaves through Celery only
after commit, so nobody is told about something that was rolled back.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Notification

from ..models import Asset, StaffAlert


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


def stale_price_alert(*, asset: Asset, accounts_affected: int) -> StaffAlert:
    """Open (or refresh) the risk desk's alert that ``asset``'s price is stale."""
    alert = StaffAlert.objects.filter(
        kind=StaffAlert.Kind.STALE_PRICE, asset=asset, resolved_at__isnull=True
    ).first()
    if alert:
        alert.accounts_affected = max(alert.accounts_affected, accounts_affected)
        alert.save(update_fields=["accounts_affected", "updated_at"])
        return alert
    try:
        with transaction.atomic():
            alert = StaffAlert.objects.create(
                kind=StaffAlert.Kind.STALE_PRICE,
                asset=asset,
                accounts_affected=accounts_affected,
                message=(
                    f"The price of {asset.symbol} is stale: accounts needing it are not liquidated "
                    "until a fresh price arrives."
                ),
            )
    except IntegrityError:
        return StaffAlert.objects.get(kind=StaffAlert.Kind.STALE_PRICE, asset=asset, resolved_at__isnull=True)
    from ..tasks import send_staff_alert_email

    transaction.on_commit(lambda: send_staff_alert_email.delay(alert.pk))
    return alert


def stale_price_alerts_resolve(*, asset: Asset) -> int:
    """A fresh price closes the asset's open stale-price alert."""
    return StaffAlert.objects.filter(
        kind=StaffAlert.Kind.STALE_PRICE, asset=asset, resolved_at__isnull=True
    ).update(resolved_at=timezone.now())


def staff_alert_email_send(*, alert_id: int) -> None:
    alert = StaffAlert.objects.get(pk=alert_id)
    send_mail(
        subject=f"[Margin desk risk] {alert.get_kind_display()}",
        message=alert.message,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[settings.RISK_DESK_EMAIL],
    )
