"""Interest rates over time, from the assets' change history (every edit is kept)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ..models import Asset


@dataclass(frozen=True)
class RatePeriod:
    since: datetime  # when this rate took effect (or the window's start, if earlier)
    daily_rate: Decimal


def daily_rate_history(*, asset: Asset, start: datetime, end: datetime) -> list[RatePeriod]:
    """The daily rates in force between ``start`` and ``end``, newest first.

    One row per rate: the rate in force at ``start`` (dated ``start``) and each change
    after it up to ``end``. Edits that left the rate unchanged are not rows.
    """
    history = asset.history.filter(history_date__lte=end).order_by("history_date", "history_id")
    periods: list[RatePeriod] = []
    for row in history.only("history_date", "daily_interest_rate"):
        if periods and periods[-1].daily_rate == row.daily_interest_rate:
            continue
        periods.append(RatePeriod(since=row.history_date, daily_rate=row.daily_interest_rate))
    if not periods:  # an asset created before history was kept: its current rate
        periods = [RatePeriod(since=asset.created_at, daily_rate=asset.daily_interest_rate)]
    in_window = [p for p in periods if p.since > start]
    before = [p for p in periods if p.since <= start]
    if before:
        in_window.insert(0, RatePeriod(since=start, daily_rate=before[-1].daily_rate))
    return list(reversed(in_window))
