"""How the back office shows numbers and statuses: thin wrappers over ``margin_project.formatting``
and ``margin_project.zones``, so the admin reads numbers exactly as the customer pages do.

Text helpers (``money``, ``percent``, ``price``) return plain strings, safe to put in
f-strings; ``money_html`` adds the exact value on hover for list columns.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from margin_project import formatting
from margin_project.zones import zone_label

EMPTY = formatting.EMPTY
STATUS_COLOURS = {
    "healthy": ("#1b5e20", "#e8f5e9"),
    "no_new_borrowing": ("#5d4a00", "#fff8e1"),
    "margin_call": ("#8a4b00", "#fff3e0"),
    "liquidation": ("#b71c1c", "#ffebee"),
}


def money(value: Decimal | None, places: int | None = None) -> str:
    """An amount as people read it: grouped, no trailing zeros ("42,010.5"); — for none."""
    return formatting.amount_text(value, places)


def money_html(value: Decimal | None, places: int | None = None) -> SafeString:
    """``money`` with the exact value on hover."""
    return formatting.with_exact(money(value, places), value)


def price(value: Decimal | None) -> str:
    """A price to significant digits: "0.4", "61,250.5"."""
    return formatting.price_text(value)


def percent(ratio: Decimal | None, places: int = 2) -> str:
    """A ratio as a percent, rounded down (so 104.999% never shows as 105%); — for none."""
    return formatting.percent_text(ratio, places)


def rate_percent(rate: Decimal | None) -> str:
    """A daily rate as an exact percent: 0.0002 -> 0.02%."""
    return formatting.percent_text(rate)


def status_badge(status: str) -> SafeString:
    colour, background = STATUS_COLOURS.get(str(status), ("#333", "#eee"))
    label = zone_label(status)
    return format_html(
        '<span class="risk-status risk-status-{}" style="color:{};background:{};padding:1px 6px;'
        'border-radius:8px;font-weight:600;white-space:nowrap">{}</span>',
        status,
        colour,
        background,
        label,
    )


def age(moment: datetime | None, now: datetime | None = None) -> str:
    """How long ago, coarse: 42s, 5m, 3h, 2d."""
    if moment is None:
        return EMPTY
    seconds = int(((now or timezone.now()) - moment) / timedelta(seconds=1))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{max(seconds, 0)}s"
