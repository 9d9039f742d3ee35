"""Read paths of prices: held prices, the log, and the current prices a form compares against."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from margin_project.formatting import price_text
from margin_project.money import plain

from ..models import Asset, PriceHold, PriceObservation, RiskSettings


def price_holds_pending() -> QuerySet[PriceHold]:
    """Every held price still waiting for a confirmation, newest first."""
    return (
        PriceHold.objects.filter(status=PriceHold.Status.PENDING)
        .select_related("asset", "observation", "observation__recorded_by")
        .order_by("-created_at", "-id")
    )


def price_observations_of(*, symbol: str) -> QuerySet[PriceObservation]:
    return PriceObservation.objects.filter(asset__symbol=symbol.strip().upper()).select_related(
        "recorded_by", "hold"
    )


def price_reference() -> dict[str, dict]:
    """Per asset (not the quote asset): the live price, its age in seconds, and its sanity band.

    What the Record price page compares a typed price with.
    """
    risk = RiskSettings.load()
    now = timezone.now()
    out = {}
    for asset in Asset.objects.exclude(symbol=settings.QUOTE_ASSET).select_related("price"):
        live = getattr(asset, "price", None)
        band = asset.max_price_move if asset.max_price_move is not None else risk.max_price_move
        out[asset.symbol] = {
            "price": plain(live.price) if live else None,
            "price_text": price_text(live.price) if live else None,  # as people read it
            "age_seconds": int((now - live.observed_at).total_seconds()) if live else None,
            "band": plain(band),
            "sources": asset.price_sources_required,
        }
    return out
