"""Recording prices: the one writer of ``AssetPrice``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from margin_project.errors import InvalidAmount, UnknownAsset
from margin_project.money import places_of

from ..events import record_price_recorded
from ..models import Asset, AssetPrice
from ..signals import price_changed
from .alerts import stale_price_alerts_resolve

MAX_PRICE_PLACES = 18


@transaction.atomic
def price_record(
    *, asset: Asset | str, price: object, source: str = "manual", observed_at: datetime | None = None
) -> AssetPrice:
    """Store the latest price of ``asset`` in the quote asset.

    A price older than the one stored is ignored (feeds deliver out of order).
    """
    if isinstance(asset, str):
        try:
            asset = Asset.objects.get(symbol=asset.strip().upper())
        except Asset.DoesNotExist:
            raise UnknownAsset(f"Unknown asset {asset[:16]!r}.", field="asset") from None
    if isinstance(price, (float, bool)):
        raise InvalidAmount("Send prices as decimal strings.", field="price")
    try:
        value = Decimal(str(price).strip())
    except Exception:
        raise InvalidAmount("The price must be a decimal number.", field="price") from None
    if not value.is_finite() or value <= 0:
        raise InvalidAmount("The price must be greater than zero.", field="price")
    if places_of(value) > MAX_PRICE_PLACES or value >= Decimal(10) ** 21:
        raise InvalidAmount("The price has too many digits.", field="price")
    observed_at = observed_at or timezone.now()
    if observed_at > timezone.now() + timedelta(minutes=1):
        raise InvalidAmount("The price's time is in the future.", field="observed_at")
    current = AssetPrice.objects.select_for_update().filter(asset=asset).first()
    if current is None:
        current = AssetPrice.objects.create(
            asset=asset, price=value, source=source[:64], observed_at=observed_at
        )
    elif observed_at < current.observed_at:
        return current
    else:
        current.price, current.source, current.observed_at = value, source[:64], observed_at
        current.save(update_fields=["price", "source", "observed_at", "updated_at"])
    record_price_recorded(current)
    stale_price_alerts_resolve(asset=asset)
    price_changed.send(sender=AssetPrice, asset_id=asset.pk)
    return current


@transaction.atomic
def prices_record(
    *, quotes: Iterable[tuple[str, object]], source: str, observed_at: datetime | None = None
) -> list[AssetPrice]:
    """Record several prices at once: all or none (a feed's batch)."""
    return [
        price_record(asset=symbol, price=price, source=source, observed_at=observed_at)
        for symbol, price in quotes
    ]
