"""Request weight per minute, as Binance counts it: per client address (IP) and per customer (UID).

Each endpoint costs its Binance weight. The count lives in the "api" cache (Redis when
configured, so every web process shares it) in fixed one-minute windows, and is reported
in ``X-SAPI-USED-IP-WEIGHT-1M`` / ``X-MBX-USED-WEIGHT-1M`` and ``X-SAPI-USED-UID-WEIGHT-1M``.
Past the limit a call is refused with 429, code -1003 and ``Retry-After`` (seconds to the
next minute), and not run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

from .errors import BinanceError

WINDOW = 60


@dataclass(frozen=True)
class Usage:
    used: int
    limit: int
    retry_after: int

    @property
    def exceeded(self) -> bool:
        return self.used > self.limit


def weight_use(*, scope: str, ident: str, weight: int, now: float | None = None) -> Usage:
    """Add ``weight`` to this minute's count of ``scope`` ("ip" or "uid") for ``ident``."""
    now = time.time() if now is None else now
    limit = settings.BINANCE_IP_WEIGHT_LIMIT if scope == "ip" else settings.BINANCE_UID_WEIGHT_LIMIT
    minute = int(now // WINDOW)
    cache = caches["api"]
    key = f"binance:weight:{scope}:{ident}:{minute}"
    cache.add(key, 0, timeout=WINDOW * 2)
    try:
        used = cache.incr(key, weight)
    except ValueError:  # expired between add and incr
        cache.set(key, weight, timeout=WINDOW * 2)
        used = weight
    return Usage(used=used, limit=limit, retry_after=max(1, WINDOW - int(now % WINDOW)))


def too_much(usage: Usage) -> BinanceError:
    return BinanceError(
        -1003,
        f"Too much request weight used; current limit is {usage.limit} request weight per 1 MINUTE. "
        "Please use WebSocket Streams for live updates to avoid polling the API.",
        retry_after=usage.retry_after,
    )
