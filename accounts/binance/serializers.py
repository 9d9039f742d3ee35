"""Values as Binance writes them: amounts and rates as decimal strings, times as epoch milliseconds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

from margin_project.money import plain


def num(value: Decimal | int | None) -> str:
    """A decimal as Binance sends numbers: a string, exact, no exponent ("0.5", "20000")."""
    return plain(Decimal(value or 0))


def ms(moment: datetime | date) -> int:
    """Epoch milliseconds (a date is its 00:00 UTC)."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time.min, tzinfo=UTC)
    return int(moment.timestamp() * 1000)
