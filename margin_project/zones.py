"""The one vocabulary for where a margin ratio stands, used by every page, preview and list.

Four zones, from the thresholds (fractions: 1.25 means 125%):

=====================  ===============================  ====================================
zone                   where                             what it means
=====================  ===============================  ====================================
Healthy                ratio ≥ borrow level (or no debt)  borrow and move assets out freely
No new borrowing       margin call ≤ ratio < borrow       no borrow, no move out below the level
Margin call            liquidation < ratio < margin call  the customer is alerted
Liquidation            ratio ≤ liquidation                collateral is sold back to the target
=====================  ===============================  ====================================

Pure: takes plain ``Decimal``s (or anything with ``borrow``, ``margin_call`` and
``liquidation`` attributes, such as the engine's ``Thresholds``), so the admin, the pages
and the engine's callers share it without importing each other.
"""

from __future__ import annotations

import enum
from decimal import ROUND_FLOOR, Decimal
from typing import Protocol

RATIO_PLACES = 8  # the engine compares ratios rounded down to 8 places; so do the zones


class Levels(Protocol):
    borrow: Decimal
    margin_call: Decimal
    liquidation: Decimal


class Zone(enum.StrEnum):
    HEALTHY = "healthy"
    NO_NEW_BORROWING = "no_new_borrowing"
    MARGIN_CALL = "margin_call"
    LIQUIDATION = "liquidation"

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def hint(self) -> str:
        return HINTS[self]


LABELS = {
    Zone.HEALTHY: "Healthy",
    Zone.NO_NEW_BORROWING: "No new borrowing",
    Zone.MARGIN_CALL: "Margin call",
    Zone.LIQUIDATION: "Liquidation",
}
HINTS = {
    Zone.HEALTHY: "You may borrow and move assets out of margin.",
    Zone.NO_NEW_BORROWING: "Below the borrow level: no new borrowing or moving assets out.",
    Zone.MARGIN_CALL: "Below the margin-call level: add collateral or repay.",
    Zone.LIQUIDATION: "At or below the liquidation level: collateral is sold to repay loans.",
}
# Zones from the bottom of the bar up, as the gauge draws them.
ORDER = (Zone.LIQUIDATION, Zone.MARGIN_CALL, Zone.NO_NEW_BORROWING, Zone.HEALTHY)


def zone_of(ratio: Decimal | None, levels: Levels) -> Zone:
    """The zone of a margin ratio (a fraction); no ratio (no debt) is healthy."""
    if ratio is None:
        return Zone.HEALTHY
    ratio = ratio.quantize(Decimal(1).scaleb(-RATIO_PLACES), rounding=ROUND_FLOOR)
    if ratio <= levels.liquidation:
        return Zone.LIQUIDATION
    if ratio < levels.margin_call:
        return Zone.MARGIN_CALL
    if ratio < levels.borrow:
        return Zone.NO_NEW_BORROWING
    return Zone.HEALTHY


def zone_label(zone: str) -> str:
    """The label of a zone or of an account status code ("margin_call" -> "Margin call")."""
    try:
        return Zone(str(zone)).label
    except ValueError:
        return str(zone).replace("_", " ").capitalize()
