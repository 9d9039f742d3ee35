"""Turn configuration rows into the engine's plain inputs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from margin_project.errors import MissingPrice, StalePrice
from risk.engine import AssetTerms, Band, Thresholds

from ..models import Asset, PriceHold, RiskSettings


@dataclass(frozen=True)
class MarketSnapshot:
    """Engine terms for a set of assets, with what is known about price freshness."""

    terms: dict[str, AssetTerms]
    assets: dict[str, Asset]
    observed_at: dict[str, datetime | None] = field(default_factory=dict)
    stale: frozenset[str] = frozenset()
    missing: frozenset[str] = frozenset()
    # A move beyond the sanity band is held for confirmation: these count as stale too.
    held: frozenset[str] = frozenset()

    def require_prices(self, symbols: Iterable[str], *, fresh: bool = True) -> None:
        """Refuse when a valuation would rest on a missing or stale price (or one held back).

        ``fresh=False``: only a missing price refuses (a view of what a risk-reducing action
        would do may show the last known prices).
        """
        symbols = set(symbols)
        if missing := sorted(symbols & self.missing):
            raise MissingPrice(f"No price yet for {', '.join(missing)}.", field="asset")
        if not fresh:
            return
        if held := sorted(symbols & self.held):
            raise StalePrice(
                f"A move of the price of {', '.join(held)} beyond the sanity band is waiting for "
                "confirmation; try again once it is confirmed or rejected.",
                field="asset",
            )
        if stale := sorted(symbols & self.stale):
            raise StalePrice(
                f"The price of {', '.join(stale)} is stale; try again once the feed has updated.",
                field="asset",
            )


def thresholds_current(risk: RiskSettings | None = None) -> Thresholds:
    risk = risk or RiskSettings.load()
    return Thresholds(
        borrow=risk.borrow_level,
        transfer_out=risk.transfer_out_level,
        margin_call=risk.margin_call_level,
        liquidation=risk.liquidation_level,
        target=risk.target_level,
        liquidation_fee=risk.liquidation_fee,
    )


def market_snapshot(*, symbols: Iterable[str] | None = None, now: datetime | None = None) -> MarketSnapshot:
    """Terms for the given symbols (all assets when None).

    An asset without a price is left out of ``terms`` and named in ``missing``.
    An asset whose price is older than the maximum age, or with a move beyond the
    sanity band held for confirmation (younger than that age), is ``stale``.
    The quote asset is worth exactly 1 and is never stale.
    """
    now = now or timezone.now()
    max_age = RiskSettings.load().max_price_age
    queryset = Asset.objects.select_related("price").prefetch_related("tiers")
    holds = PriceHold.objects.filter(
        status=PriceHold.Status.PENDING,
        reason=PriceHold.Reason.OUT_OF_BAND,
        observation__observed_at__gte=now - max_age,
    )
    if symbols is not None:
        queryset = queryset.filter(symbol__in=set(symbols))
        holds = holds.filter(asset__symbol__in=set(symbols))
    held = set(holds.values_list("asset__symbol", flat=True)) - {settings.QUOTE_ASSET}
    terms: dict[str, AssetTerms] = {}
    assets: dict[str, Asset] = {}
    observed: dict[str, datetime | None] = {}
    stale: set[str] = set()
    missing: set[str] = set()
    for asset in queryset:
        assets[asset.symbol] = asset
        price_row = getattr(asset, "price", None)
        if asset.symbol == settings.QUOTE_ASSET:
            price = Decimal(1)
            observed[asset.symbol] = price_row.observed_at if price_row else None
        elif price_row is None:
            missing.add(asset.symbol)
            observed[asset.symbol] = None
            continue
        else:
            price = price_row.price
            observed[asset.symbol] = price_row.observed_at
            if now - price_row.observed_at > max_age or asset.symbol in held:
                stale.add(asset.symbol)
        tiers = sorted(asset.tiers.all(), key=lambda t: (t.up_to is None, t.up_to or 0))
        # No tiers means no collateral value; the placeholder band is never used then.
        bands = tuple(Band(up_to=t.up_to, factor=t.factor) for t in tiers) or (
            Band(up_to=None, factor=Decimal(1)),
        )
        terms[asset.symbol] = AssetTerms(
            symbol=asset.symbol,
            price=price,
            precision=asset.precision,
            bands=bands,
            collateral=asset.is_collateral and bool(tiers),
            borrowable=asset.is_borrowable,
            daily_rate=asset.daily_interest_rate,
            liquidation_priority=asset.liquidation_priority,
            borrow_limit=asset.borrow_limit,
        )
    return MarketSnapshot(
        terms=terms,
        assets=assets,
        observed_at=observed,
        stale=frozenset(stale),
        missing=frozenset(missing),
        held=frozenset(held),
    )
