"""Alerts to the risk desk: in the admin and by e-mail after commit."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..events import record_stale_price_alert
from ..models import Asset, StaffAlert


@transaction.atomic
def stale_price_alert(*, asset: Asset, accounts_affected: int) -> StaffAlert:
    """Open (or refresh) the risk desk's alert that ``asset``'s price is stale (a new one is an event)."""
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
    record_stale_price_alert(alert)
    from ..tasks import send_staff_alert_email

    transaction.on_commit(lambda: send_staff_alert_email.delay(alert.pk))
    return alert


def stale_price_alerts_resolve(*, asset: Asset) -> int:
    """A fresh price closes the asset's open stale-price alert."""
    return StaffAlert.objects.filter(
        kind=StaffAlert.Kind.STALE_PRICE, asset=asset, resolved_at__isnull=True
    ).update(resolved_at=timezone.now())


def price_held_alert(*, asset: Asset, message: str) -> StaffAlert:
    """Open (or update) the risk desk's alert that a price of ``asset`` is held for confirmation.

    The e-mail leaves after commit, and only if the alert is still open then: a held
    price confirmed by a second source in the same batch alerts nobody.
    """
    alert = StaffAlert.objects.filter(
        kind=StaffAlert.Kind.PRICE_HELD, asset=asset, resolved_at__isnull=True
    ).first()
    if alert:
        alert.message = message
        alert.save(update_fields=["message", "updated_at"])
        return alert
    alert = StaffAlert.objects.create(kind=StaffAlert.Kind.PRICE_HELD, asset=asset, message=message)
    from ..tasks import send_staff_alert_email

    def send_if_open() -> None:
        if StaffAlert.objects.filter(pk=alert.pk, resolved_at__isnull=True).exists():
            send_staff_alert_email.delay(alert.pk)

    transaction.on_commit(send_if_open)
    return alert


def price_held_alerts_resolve(*, asset: Asset) -> int:
    """No price of the asset is held any more: close its held-price alert."""
    return StaffAlert.objects.filter(
        kind=StaffAlert.Kind.PRICE_HELD, asset=asset, resolved_at__isnull=True
    ).update(resolved_at=timezone.now())


def staff_alert_email_send(*, alert_id: int) -> None:
    alert = StaffAlert.objects.get(pk=alert_id)
    send_mail(
        subject=f"[Margin desk risk] {alert.get_kind_display()}",
        message=alert.message,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[settings.RISK_DESK_EMAIL],
    )
