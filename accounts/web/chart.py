"""The margin ratio over time and the threshold gauge, drawn as inline SVG (no JS library).

Coordinates are computed in ``Decimal`` like every other number here, and rounded to
one decimal place for the SVG attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.utils import timezone

from accounts.models import MarginAccount
from margin_project.zones import ORDER as ZONE_ORDER
from margin_project.zones import Zone
from risk import engine
from risk.models import RatioSnapshot

WIDTH, HEIGHT = 1100, 260
COMPACT = (400, 300)  # the phone's chart: fewer, larger pixels per label
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 12, 28
HISTORY_DAYS = 7
MAX_ROWS = 2000  # newest snapshots read for the chart
MAX_POINTS = 240  # buckets drawn; each keeps its lowest ratio so dips stay visible
CEILING_PERCENT = Decimal(500)  # ratios above are drawn at the top edge
HUNDRED = Decimal(100)
ONE_DP = Decimal("0.1")


def ratio_history(
    *, margin_account: MarginAccount, days: int = HISTORY_DAYS
) -> list[tuple[datetime, Decimal | None]]:
    """(taken at, margin ratio as a fraction or None when nothing was owed), oldest first."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        RatioSnapshot.objects.filter(margin_account=margin_account, taken_at__gte=since)
        .order_by("-taken_at")
        .values_list("taken_at", "margin_ratio")[:MAX_ROWS]
    )
    return list(reversed(list(rows)))


def _downsample(points: list[tuple[datetime, Decimal | None]]) -> list[tuple[datetime, Decimal | None]]:
    if len(points) <= MAX_POINTS:
        return points
    size = -(-len(points) // MAX_POINTS)
    out = []
    for start in range(0, len(points), size):
        bucket = points[start : start + size]
        ratios = [r for _, r in bucket if r is not None]
        out.append((bucket[0][0], min(ratios) if ratios else None))
    return out


def _coord(value: Decimal) -> str:
    return str(value.quantize(ONE_DP))


@dataclass(frozen=True)
class Line:
    y: str
    label: str
    css: str


@dataclass(frozen=True)
class RatioChart:
    width: int = WIDTH
    height: int = HEIGHT
    segments: list[str] = field(default_factory=list)  # polyline "x,y x,y" strings
    dots: list[tuple[str, str]] = field(default_factory=list)  # lone points
    lines: list[Line] = field(default_factory=list)  # threshold lines
    ticks: list[Line] = field(default_factory=list)  # y-axis labels
    start_label: str = ""
    end_label: str = ""
    points: int = 0

    @property
    def empty(self) -> bool:
        return self.points == 0

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT


def ratio_chart(
    history: list[tuple[datetime, Decimal | None]],
    thresholds: engine.Thresholds,
    *,
    now: datetime | None = None,
    size: tuple[int, int] = (WIDTH, HEIGHT),
) -> RatioChart:
    """Polylines of the ratio (in %) against time, with the threshold levels marked.

    ``size`` is the SVG's coordinate box: the wide chart for desktops, ``COMPACT`` for phones
    (the same data drawn in a narrower box, so its labels stay readable when scaled down).
    """
    width, height = size
    points = _downsample(history)
    if not any(ratio is not None for _, ratio in points):
        return RatioChart(width=width, height=height)
    now = now or timezone.now()
    levels = [
        (thresholds.liquidation * HUNDRED, "Liquidation", "level-liquidation"),
        (thresholds.margin_call * HUNDRED, "Margin call", "level-call"),
        (thresholds.borrow * HUNDRED, "Borrow", "level-borrow"),
    ]
    ratios = [min(r * HUNDRED, CEILING_PERCENT) for _, r in points if r is not None]
    low = min([Decimal(100), *ratios])
    high = max([thresholds.borrow * HUNDRED + 25, *ratios])
    low = (low / 10).to_integral_value(ROUND_FLOOR) * 10
    high = (high / 50).to_integral_value(ROUND_CEILING) * 50
    start, end = points[0][0], max(now, points[-1][0])
    span = max((end - start) // timedelta(microseconds=1), 1)
    plot_w = Decimal(width - LEFT - RIGHT)
    plot_h = Decimal(height - TOP - BOTTOM)

    def x_of(at: datetime) -> str:
        return _coord(LEFT + plot_w * Decimal((at - start) // timedelta(microseconds=1)) / span)

    def y_of(percent: Decimal) -> str:
        return _coord(TOP + plot_h * (high - min(percent, high)) / (high - low))

    segments: list[list[str]] = [[]]
    for at, ratio in points:
        if ratio is None:
            if segments[-1]:
                segments.append([])
            continue
        segments[-1].append(f"{x_of(at)},{y_of(ratio * HUNDRED)}")
    drawn = [s for s in segments if s]
    step = (high - low) / 4
    return RatioChart(
        width=width,
        height=height,
        segments=[" ".join(s) for s in drawn if len(s) > 1],
        dots=[tuple(s[0].split(",")) for s in drawn if len(s) == 1],
        lines=[Line(y_of(level), f"{label} {level.normalize():f}%", css) for level, label, css in levels],
        ticks=[Line(y_of(low + step * i), f"{(low + step * i).normalize():f}%", "") for i in range(5)],
        start_label=timezone.localtime(start).strftime("%d %b %H:%M"),
        end_label=timezone.localtime(end).strftime("%d %b %H:%M"),
        points=sum(1 for _, ratio in points if ratio is not None),
    )


@dataclass(frozen=True)
class Gauge:
    """Where the ratio sits among the thresholds, as percentages of the bar's width.

    The bar is piecewise: each zone (liquidation, margin call, caution, healthy) gets a
    fixed share of the width, so levels only 5 points apart stay readable.
    """

    marker: Decimal | None  # None: no liability, no ratio
    zones: list[tuple[Decimal, Decimal, str, str]]  # (start %, width %, css class, name)
    ticks: list[tuple[Decimal, str]]  # (position %, label)
    ceiling: Decimal


ZONE_WIDTHS = (Decimal(12), Decimal(16), Decimal(24), Decimal(48))


def ratio_gauge(ratio: Decimal | None, thresholds: engine.Thresholds) -> Gauge:
    liq, call, borrow = (
        thresholds.liquidation * HUNDRED,
        thresholds.margin_call * HUNDRED,
        thresholds.borrow * HUNDRED,
    )
    ceiling = max(Decimal(300), borrow * 2)
    edges = [Decimal(100), liq, call, borrow, ceiling]
    css = {
        Zone.LIQUIDATION: "zone-liquidation",
        Zone.MARGIN_CALL: "zone-call",
        Zone.NO_NEW_BORROWING: "zone-caution",
        Zone.HEALTHY: "zone-healthy",
    }
    names = [(css[zone], zone.label) for zone in ZONE_ORDER]

    def pos(percent: Decimal) -> Decimal:
        offset = Decimal(0)
        for index, width in enumerate(ZONE_WIDTHS):
            low, high = edges[index], edges[index + 1]
            if percent <= high or index == len(ZONE_WIDTHS) - 1:
                if high <= low:
                    return offset
                share = (min(max(percent, low), high) - low) / (high - low)
                return (offset + width * share).quantize(ONE_DP)
            offset += width
        return offset  # pragma: no cover - the loop always returns

    zones = []
    offset = Decimal(0)
    for width, (css, name) in zip(ZONE_WIDTHS, names, strict=True):
        zones.append((offset, width, css, name))
        offset += width
    ticks = [(pos(level), f"{level.normalize():f}%") for level in (liq, call, borrow)]
    marker = None if ratio is None else pos(ratio * HUNDRED)
    return Gauge(marker=marker, zones=zones, ticks=ticks, ceiling=ceiling)
