"""Read paths over a customer's history: ledger legs, interest, notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import InterestAccrual, LedgerLeg, Notification
from ..models.ledger import CUSTOMER_KINDS


def ledger_history(*, user, asset: str | None = None, kind: str | None = None) -> QuerySet[LedgerLeg]:
    """The user's ledger legs, newest first, optionally for one asset and one transaction kind."""
    legs = (
        LedgerLeg.objects.filter(account__owner=user, account__kind__in=CUSTOMER_KINDS)
        .select_related("transaction", "account", "asset")
        .order_by("-transaction_id", "-id")
    )
    if asset:
        legs = legs.filter(asset__symbol=asset.upper())
    if kind:
        legs = legs.filter(transaction__kind=kind)
    return legs


def interest_history(*, user, asset: str | None = None) -> QuerySet[InterestAccrual]:
    """Every interest charge on the user's loans: day, rate, principal charged on, amount."""
    accruals = InterestAccrual.objects.filter(loan__margin_account__user=user).select_related("loan__asset")
    if asset:
        accruals = accruals.filter(loan__asset__symbol=asset.upper())
    return accruals.order_by("-day", "-id")


def notifications_for(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(user=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
