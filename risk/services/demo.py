"""The demo's price ticker: keeps the seeded prices alive with a small random walk.

Without a feed, prices go stale after the maximum price age and the desk refuses to
borrow or liquidate on them. The demo ticker re-records each seeded asset's price through
``price_record`` (the one writer of prices, so sweeps follow as for a real feed), moving it
a little and pulling it back toward the demo's price, so the demo neither freezes nor drifts.
It runs only where ``DEMO_PRICE_TICKER`` is on (``bin/run``), never by default.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_EVEN, Context, Decimal

from django.conf import settings
from django.db import transaction

from ..demo_data import ASSETS, MARKET_MOVE
from ..models import Asset, AssetPrice
from .prices import price_record

SOURCE = "demo-ticker"
STEP = Decimal("0.0005")  # at most ±0.05 % a tick
PULL = Decimal("0.05")  # each tick closes 5 % of the gap to the demo price
DIGITS = 8  # significant digits a ticked price keeps


def demo_anchors() -> dict[str, Decimal]:
    """The demo's price of each seeded asset (after the seeded market move)."""
    return {row[0]: MARKET_MOVE.get(row[0], row[3]) for row in ASSETS}


def demo_price_next(current: Decimal, anchor: Decimal, step: Decimal) -> Decimal:
    """One step of the walk: ``current`` moved by ``step`` (a fraction) and pulled toward ``anchor``."""
    moved = current * (1 + step) + (anchor - current) * PULL
    return Context(prec=DIGITS, rounding=ROUND_HALF_EVEN).plus(max(moved, anchor / 10))


@transaction.atomic
def demo_prices_tick(*, rng: random.Random | None = None) -> list[AssetPrice]:
    """Re-record every seeded asset's price, one small random step each (the quote asset stays 1)."""
    rng = rng or random.Random()
    anchors = demo_anchors()
    recorded = []
    assets = (
        Asset.objects.filter(symbol__in=anchors).exclude(symbol=settings.QUOTE_ASSET).select_related("price")
    )
    for asset in assets.order_by("symbol"):
        price_row = getattr(asset, "price", None)
        current = price_row.price if price_row else anchors[asset.symbol]
        step = STEP * Decimal(rng.randint(-1000, 1000)) / 1000
        recorded.append(
            price_record(
                asset=asset, price=demo_price_next(current, anchors[asset.symbol], step), source=SOURCE
            )
        )
    return recorded
