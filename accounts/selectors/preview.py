"""What an action would do, before it is confirmed: the service's own check, run on today's state.

The preview reads the account as the service will (``account_state``) and asks the
service's pure check step (``transfer_check``, ``loan_borrow_check``, ``loan_repay_check``,
``loan_repay_with_collateral_check``). So it shows exactly what the confirm would do — or
its refusal, with the largest amount the action allows now, instead of a Confirm button.
Nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from margin_project.errors import DomainError, InvalidAmount
from margin_project.zones import Zone, zone_of
from risk import engine

from ..models import MarginAccount
from .positions import AccountState, account_state

ACTIONS = ("borrow", "repay", "to_margin", "to_spot", "repay_collateral")


@dataclass(frozen=True)
class Preview:
    action: str
    asset: str
    amount: Decimal | None  # what would move (repay all: everything owed)
    before: engine.Valuation | None  # None: a price is missing, the account cannot be valued
    after: engine.Valuation | None  # also shown for a refusal when it can be computed
    thresholds: engine.Thresholds
    refusal: DomainError | None = None
    largest: Decimal | None = None  # the most this action allows now (None: not known)
    shortfall: Decimal | None = None  # repay: what the margin wallet lacks
    spot: Decimal = Decimal(0)  # the asset in the spot wallet (for a way out)
    stale: list[str] = field(default_factory=list)  # stale prices the figures rest on
    missing: list[str] = field(default_factory=list)
    outcome: object | None = None  # the check's outcome when allowed

    @property
    def allowed(self) -> bool:
        return self.refusal is None

    @property
    def zone_before(self) -> Zone:
        return zone_of(self.before.margin_ratio if self.before else None, self.thresholds)

    @property
    def zone_after(self) -> Zone | None:
        return None if self.after is None else zone_of(self.after.margin_ratio, self.thresholds)

    @property
    def status_after(self) -> engine.Status | None:
        return None if self.after is None else engine.status(self.after, self.thresholds)

    @property
    def offer_largest(self) -> bool:
        """True when a smaller amount would be allowed: the page offers it in one click."""
        return (
            self.refusal is not None
            and self.largest is not None
            and self.largest > 0
            and self.amount is not None
            and self.largest < self.amount
            and self.refusal.field in ("amount", None)
        )


def action_preview(
    *,
    margin_account: MarginAccount,
    action: str,
    asset: str,
    amount: Decimal | None = None,
    repay_all: bool = False,
    collateral: str | None = None,
) -> Preview:
    """Valuation before and after ``action`` of ``amount`` ``asset`` as the service would decide it."""
    # Imported here: the services import this package's position readers.
    from ..services.loans import (
        loan_borrow_check,
        loan_repay_check,
        loan_repay_with_collateral_check,
        repay_request_check,
    )
    from ..services.transfers import Direction, transfer_check

    if action not in ACTIONS:
        raise InvalidAmount(f"Unknown action {action!r}.", field="action")
    symbols = {asset} | ({collateral} if collateral else set())
    state = account_state(margin_account, symbols=symbols)
    if asset not in state.market.assets:
        raise InvalidAmount(f"Unknown asset {asset!r}.", field="asset")
    repaying = action in ("repay", "repay_collateral")
    value = state.position(asset).owed if repaying and repay_all else amount
    outcome = refusal = None
    try:
        if repaying:
            repay_request_check(amount=None if repay_all else amount, repay_all=repay_all)
        if action in ("to_margin", "to_spot"):
            outcome = transfer_check(state=state, asset=asset, amount=amount, direction=Direction(action))
        elif action == "borrow":
            outcome = loan_borrow_check(state=state, asset=asset, amount=amount)
        elif action == "repay":
            outcome = loan_repay_check(state=state, asset=asset, amount=amount, repay_all=repay_all)
        else:
            outcome = loan_repay_with_collateral_check(
                state=state, asset=asset, collateral=collateral or "", amount=amount, repay_all=repay_all
            )
    except DomainError as error:
        refusal = error
    after_positions = _positions_after(state, action, asset, value, outcome)
    involved = set(state.positions) | symbols
    return Preview(
        action=action,
        asset=asset,
        amount=value,
        before=_value(state, state.positions),
        after=_value(state, after_positions) if after_positions is not None else None,
        thresholds=state.thresholds,
        refusal=refusal,
        largest=_largest(state, action, asset),
        shortfall=_shortfall(state, action, asset, value),
        spot=state.spot.get(asset, Decimal(0)),
        stale=sorted(involved & state.market.stale),
        missing=sorted(involved & state.market.missing),
        outcome=outcome,
    )


def _value(state: AccountState, positions: dict[str, engine.Position]) -> engine.Valuation | None:
    if set(positions) - set(state.market.terms):
        return None
    return engine.value(positions, state.market.terms)


def _positions_after(
    state: AccountState, action: str, asset: str, amount: Decimal | None, outcome: object | None
) -> dict[str, engine.Position] | None:
    """The positions after the action: the check's outcome, or for a refusal what it would
    have been (to show why), when that can be computed at all."""
    if outcome is not None:
        return getattr(outcome, "positions_after", None) or getattr(outcome, "positions", None)
    if amount is None or amount <= 0:
        return None
    try:
        if action == "to_margin":
            return engine.with_transfer(state.positions, asset, amount, into_margin=True)
        if action == "to_spot":
            return engine.with_transfer(state.positions, asset, amount, into_margin=False)
        if action == "borrow" and asset in state.market.terms:
            return engine.with_borrow(state.positions, state.market.terms[asset], amount)
    except ValueError:
        return None
    return None


def _largest(state: AccountState, action: str, asset: str) -> Decimal | None:
    """The most the action allows now, or None when no amount would pass (or it is not known)."""
    position = state.position(asset)
    fresh = not ((set(state.positions) | {asset}) & (state.market.stale | state.market.missing))
    if action == "to_margin":
        return state.spot.get(asset, Decimal(0))
    if action == "to_spot":
        if not state.has_liability:
            return position.margin
        if not fresh:
            return None
        return engine.max_transferable(state.positions, state.market.terms, asset, state.thresholds)
    if action == "borrow":
        if not (fresh and state.margin_account.multi_asset_mode and state.market.assets[asset].is_borrowable):
            return None
        return engine.max_borrowable(state.positions, state.market.terms, asset, state.thresholds).amount
    if action == "repay":
        return min(position.owed, position.margin)
    return None


def _shortfall(state: AccountState, action: str, asset: str, amount: Decimal | None) -> Decimal | None:
    if action != "repay" or amount is None:
        return None
    lacking = amount - state.position(asset).margin
    return lacking if lacking > 0 else None
