"""One asset's borrow and transfer limits for a customer, and the customer's own risk records."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from accounts.services.validation import asset_get
from margin_project.errors import MissingPrice
from risk.models import Liquidation, MarginCall

from .positions import margin_account_for
from .summary import account_summary


def max_borrowable_of(*, user, asset: str) -> dict:
    """How much of ``asset`` the user may borrow now and what caps it."""
    asset_obj = asset_get(asset)
    summary = account_summary(margin_account=margin_account_for(user))
    if not asset_obj.is_borrowable:
        return {"asset": asset_obj.symbol, "amount": Decimal(0), "limited_by": "not_borrowable"}
    if not summary.margin_account.multi_asset_mode:
        return {"asset": asset_obj.symbol, "amount": Decimal(0), "limited_by": "multi_asset_mode_off"}
    limit = summary.max_borrowable.get(asset_obj.symbol)
    if limit is None:
        raise MissingPrice(f"No price yet for {asset_obj.symbol}.", field="asset")
    return {"asset": asset_obj.symbol, "amount": limit.amount, "limited_by": limit.limited_by}


def max_transferable_of(*, user, asset: str) -> dict:
    """How much of ``asset`` may leave the margin wallet now."""
    asset_obj = asset_get(asset)
    summary = account_summary(margin_account=margin_account_for(user))
    amount = summary.max_transferable.get(asset_obj.symbol, Decimal(0))
    return {"asset": asset_obj.symbol, "amount": amount}


def margin_calls_of(*, user) -> QuerySet[MarginCall]:
    return MarginCall.objects.filter(margin_account__user=user).order_by("-opened_at", "-id")


def liquidations_of(*, user) -> QuerySet[Liquidation]:
    return (
        Liquidation.objects.filter(margin_account__user=user)
        .prefetch_related("lines__asset", "lines__from_sale_of")
        .order_by("-created_at", "-id")
    )
