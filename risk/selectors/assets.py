"""Assets as the API lists them: terms, switches, price and its age."""

from __future__ import annotations

from django.utils import timezone

from margin_project.errors import NotFound

from .terms import MarketSnapshot, market_snapshot


def _asset_row(snapshot: MarketSnapshot, symbol: str, now) -> dict:
    asset = snapshot.assets[symbol]
    terms = snapshot.terms.get(symbol)
    observed = snapshot.observed_at.get(symbol)
    price_row = getattr(asset, "price", None)
    return {
        "symbol": symbol,
        "name": asset.name,
        "precision": asset.precision,
        "is_collateral": asset.is_collateral,
        "is_borrowable": asset.is_borrowable,
        "daily_interest_rate": asset.daily_interest_rate,
        "liquidation_priority": asset.liquidation_priority,
        "borrow_limit": asset.borrow_limit,
        "price": terms.price if terms else None,
        "price_source": price_row.source if price_row else None,
        "price_observed_at": observed,
        "price_age_seconds": int((now - observed).total_seconds()) if observed else None,
        "stale": symbol in snapshot.stale,
        "tiers": [
            {"up_to": tier.up_to, "factor": tier.factor}
            for tier in sorted(asset.tiers.all(), key=lambda t: (t.up_to is None, t.up_to or 0))
        ],
    }


def assets_list() -> list[dict]:
    snapshot, now = market_snapshot(), timezone.now()
    return [_asset_row(snapshot, symbol, now) for symbol in sorted(snapshot.assets)]


def asset_detail(*, symbol: str) -> dict:
    symbol = symbol.strip().upper()
    snapshot = market_snapshot(symbols={symbol})
    if symbol not in snapshot.assets:
        raise NotFound(f"Unknown asset {symbol[:16]!r}.", field="symbol")
    return _asset_row(snapshot, symbol, timezone.now())
