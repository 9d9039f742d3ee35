"""What an action would do to the margin ratio, before it is confirmed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from margin_project.errors import InvalidAmount
from margin_project.money import round_up
from risk import engine
from risk.selectors import market_snapshot, thresholds_current

from ..models import MarginAccount
from .positions import account_positions

ACTIONS = ("borrow", "repay", "to_margin", "to_spot")
# They only lower risk: never refused for a stale price (the preview shows the last known prices).
RISK_REDUCING = ("repay", "to_margin")


@dataclass(frozen=True)
class Preview:
    before: engine.Valuation
    after: engine.Valuation
    status_after: engine.Status


def action_preview(*, margin_account: MarginAccount, action: str, asset: str, amount: Decimal) -> Preview:
    """Valuation before and after ``action`` of ``amount`` ``asset`` (nothing is written)."""
    if action not in ACTIONS:
        raise InvalidAmount(f"Unknown action {action!r}.", field="action")
    positions = account_positions(margin_account)
    market = market_snapshot(symbols=set(positions) | {asset})
    market.require_prices(set(positions) | {asset}, fresh=action not in RISK_REDUCING)
    terms = market.terms
    current = positions.get(asset, engine.Position(symbol=asset))
    if action == "borrow":
        interest = round_up(amount * terms[asset].daily_rate, terms[asset].precision)
        changed = replace(
            current,
            margin=current.margin + amount,
            principal=current.principal + amount,
            interest=current.interest + interest,
        )
    elif action == "repay":
        paid_interest = min(amount, current.interest)
        changed = replace(
            current,
            margin=max(current.margin - amount, Decimal(0)),
            interest=current.interest - paid_interest,
            principal=max(current.principal - (amount - paid_interest), Decimal(0)),
        )
    elif action == "to_margin":
        changed = replace(current, margin=current.margin + amount)
    else:
        changed = replace(current, margin=max(current.margin - amount, Decimal(0)))
    after_positions = {**positions, asset: changed}
    after = engine.value(after_positions, terms)
    return Preview(
        before=engine.value(positions, terms),
        after=after,
        status_after=engine.status(after, thresholds_current()),
    )
