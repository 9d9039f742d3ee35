"""Binance's parameter types: LONG, DECIMAL, ENUM, STRING, with Binance's codes when malformed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from .errors import BinanceError, mandatory, not_supported

_LONG = re.compile(r"^-?[0-9]{1,19}$")
DECIMAL_RANGE = r"^([0-9]{1,20})(\.[0-9]{1,20})?$"
_DECIMAL = re.compile(DECIMAL_RANGE)
_ASSET = re.compile(r"^[A-Za-z0-9]{1,16}$")
# Timestamps later than this are not dates (datetime's own limit is year 9999).
MAX_MS = 253_402_300_799_999


class Params:
    """The request's parameters, read by name and type."""

    def __init__(self, values: dict[str, str]):
        self.values = values

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise mandatory(name)
            return None
        return value

    def integer(self, name: str, *, required: bool = False, minimum: int | None = None) -> int | None:
        value = self.text(name, required=required)
        if value is None:
            return None
        if not _LONG.match(value):
            raise BinanceError(
                -1100, f"Illegal characters found in parameter '{name}'; legal range is '^[0-9]{{1,20}}$'."
            )
        number = int(value)
        if minimum is not None and number < minimum:
            raise BinanceError(-1130, f"Data sent for parameter '{name}' is not valid.")
        return number

    def decimal(self, name: str, *, required: bool = False) -> Decimal | None:
        value = self.text(name, required=required)
        if value is None:
            return None
        if not _DECIMAL.match(value):
            raise BinanceError(
                -1100, f"Illegal characters found in parameter '{name}'; legal range is '{DECIMAL_RANGE}'."
            )
        amount = Decimal(value)
        if amount <= 0:
            raise BinanceError(-1130, f"Data sent for parameter '{name}' is not valid: it must be above 0.")
        return amount

    def choice(self, name: str, choices: tuple[str, ...], *, required: bool = False) -> str | None:
        value = self.text(name, required=required)
        if value is None:
            return None
        value = value.upper()
        if value not in choices:
            raise mandatory(name)
        return value

    def asset(self, name: str = "asset", *, required: bool = True) -> str | None:
        value = self.text(name, required=required)
        if value is None:
            return None
        if not _ASSET.match(value):
            raise BinanceError(-1100, f"Illegal characters found in parameter '{name}'.")
        return value.upper()

    def time(self, name: str) -> datetime | None:
        value = self.integer(name)
        if value is None:
            return None
        if not 0 <= value <= MAX_MS:
            raise BinanceError(-1130, f"Data sent for parameter '{name}' is not valid.")
        return datetime.fromtimestamp(value / 1000, tz=UTC)

    def cross_only(self, *names: str) -> None:
        """Refuse isolated margin, which this desk does not have (-1020)."""
        is_isolated = self.text("isIsolated")
        if is_isolated is not None and is_isolated.upper() not in ("TRUE", "FALSE"):
            raise mandatory("isIsolated")
        if (is_isolated or "").upper() == "TRUE" or any(self.text(n) for n in names):
            raise not_supported("Isolated margin is not supported: this desk has one cross margin account.")


def time_window(
    params: Params, *, span: timedelta = timedelta(days=7), start_only_to_now: bool = True
) -> tuple[datetime, datetime]:
    """Binance's history window from ``startTime``/``endTime``.

    Neither: the last ``span``. Only ``startTime``: from it to now (or ``span`` after it).
    Only ``endTime``: the ``span`` before it. Both: as given (start after end is refused).
    """
    start, end = params.time("startTime"), params.time("endTime")
    now = timezone.now()
    if start is None and end is None:
        return now - span, now
    if end is None:
        return start, (now if start_only_to_now else start + span)
    if start is None:
        return end - span, end
    if start > end:
        raise BinanceError(-1128, "Combination of optional parameters invalid: startTime is after endTime.")
    return start, end


def page(params: Params, *, default_size: int = 10, max_size: int = 100) -> tuple[int, int]:
    """``current`` (from 1) and ``size`` (at most ``max_size``) as (offset, size)."""
    current = params.integer("current", minimum=1) or 1
    size = params.integer("size", minimum=1) or default_size
    size = min(size, max_size)
    offset = min((current - 1) * size, 10**9)
    return offset, size
