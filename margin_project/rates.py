"""Request rates as people write them: "1200" (a minute), "1200/minute", "20/s", "100/day".

Plain Python (no Django), so the settings can check every rate at start-up and the
throttles can parse one the same way.
"""

from __future__ import annotations

import re

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_ALIASES = {"s": "second", "sec": "second", "m": "minute", "min": "minute", "h": "hour", "d": "day"}
_RATE = re.compile(r"^\s*(\d+)\s*(?:/\s*([a-z]+)\s*)?$")


class RateError(ValueError):
    pass


def rate_parse(text: str) -> tuple[int, int]:
    """(number of requests, period in seconds); a bare number is per minute."""
    match = _RATE.match(str(text).lower())
    if not match:
        raise RateError(
            f"{text!r} is not a rate: write a number of requests per minute (1200) or "
            "a number per second, minute, hour or day (20/second, 1200/minute, 100/day)."
        )
    count, period = int(match.group(1)), match.group(2) or "minute"
    period = _ALIASES.get(period, period)
    if period not in PERIODS and period.endswith("s"):  # "minutes", "secs"
        period = _ALIASES.get(period[:-1], period[:-1])
    if period not in PERIODS:
        raise RateError(f"{text!r}: the period must be second, minute, hour or day.")
    if count <= 0:
        raise RateError(f"{text!r}: the number of requests must be at least 1.")
    return count, PERIODS[period]


def rate_normalise(text: str) -> str:
    """The rate in DRF's own spelling ("1200/minute")."""
    count, seconds = rate_parse(text)
    name = next(name for name, length in PERIODS.items() if length == seconds)
    return f"{count}/{name}"
