"""How the back office shows numbers: exact decimals, ratios as percents, status badges.

Money is shown exactly (``plain()``); nothing goes through float.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from margin_project.money import plain, round_down

EMPTY = "—"
STATUS_COLOURS = {
    "healthy": ("#1b5e20", "#e8f5e9"),
    "margin_call": ("#8a4b00", "#fff3e0"),
    "liquidation": ("#b71c1c", "#ffebee"),
}
STATUS_LABELS = {"healthy": "Healthy", "margin_call": "Margin call", "liquidation": "Liquidation"}


def money(value: Decimal | None) -> str:
    """An exact amount as plain fixed-point text (``plain()``): copyable back into a form."""
    return EMPTY if value is None else plain(value)


def percent(ratio: Decimal | None, places: int = 2) -> str:
    """A ratio as a percent, rounded down (so 104.999% never shows as 105%); — for none."""
    if ratio is None:
        return EMPTY
    return f"{plain(round_down(ratio * 100, places))}%"


def rate_percent(rate: Decimal | None) -> str:
    """A daily rate as an exact percent: 0.0002 -> 0.02%."""
    return EMPTY if rate is None else f"{plain(rate * 100)}%"


def status_badge(status: str) -> SafeString:
    colour, background = STATUS_COLOURS.get(str(status), ("#333", "#eee"))
    label = STATUS_LABELS.get(str(status), str(status))
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
