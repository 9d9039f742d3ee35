"""Moving assets between the spot and the margin wallet."""

from __future__ import annotations

from enum import StrEnum

from margin_project.errors import AssetDisabled, InvalidAmount, RatioTooLow
from margin_project.money import plain
from margin_project.transactions import atomic_retry
from risk import engine
from risk.selectors import market_snapshot, thresholds_current

from ..models import LedgerTransaction
from ..models.ledger import AccountKind, TransactionKind
from ..selectors.positions import account_positions
from .common import margin_account_lock, margin_account_refresh, wallet_account
from .ledger import Leg, ledger_post
from .validation import amount_parse, asset_get


class Direction(StrEnum):
    TO_MARGIN = "to_margin"
    TO_SPOT = "to_spot"


@atomic_retry
def transfer(*, user, asset: str, amount: object, direction: str) -> LedgerTransaction:
    """Move ``amount`` of ``asset`` spot -> margin or margin -> spot.

    Into margin only assets that count as collateral or can be borrowed (to repay); that
    lowers risk, so it depends only on the spot balance, never on prices. Out of margin
    while a liability is open only on fresh prices and while the margin ratio stays at
    or above the transfer-out level.
    """
    try:
        direction = Direction(direction)
    except ValueError:
        raise InvalidAmount("Direction must be 'to_margin' or 'to_spot'.", field="direction") from None
    asset_obj = asset_get(asset)
    value = amount_parse(amount, asset_obj)
    if direction is Direction.TO_MARGIN and not (asset_obj.is_collateral or asset_obj.is_borrowable):
        raise AssetDisabled(
            f"{asset_obj.symbol} is not accepted as collateral and cannot be moved to margin.",
            field="asset",
        )
    margin_account = margin_account_lock(user)
    thresholds = thresholds_current()
    if direction is Direction.TO_SPOT:
        positions = account_positions(margin_account)
        held = positions.get(asset_obj.symbol, engine.Position(symbol=asset_obj.symbol)).margin
        has_liability = any(p.principal or p.interest for p in positions.values())
        if has_liability and value <= held:
            market = market_snapshot(symbols=set(positions))
            market.require_prices(positions)
            allowed = engine.max_transferable(positions, market.terms, asset_obj.symbol, thresholds)
            if value > allowed:
                raise RatioTooLow(
                    f"At most {plain(allowed)} {asset_obj.symbol} can leave margin while keeping "
                    f"the margin ratio at {thresholds.transfer_out * 100:.0f}% or more.",
                    field="amount",
                )
        source, target = AccountKind.MARGIN, AccountKind.SPOT
    else:
        source, target = AccountKind.SPOT, AccountKind.MARGIN
    txn = ledger_post(
        kind=TransactionKind.TRANSFER,
        legs=[
            Leg(wallet_account(user, source, asset_obj), -value),
            Leg(wallet_account(user, target, asset_obj), value),
        ],
        margin_account=margin_account,
        memo=f"{value} {asset_obj.symbol} {source} → {target}",
        created_by=user,
    )
    margin_account_refresh(
        margin_account, market_snapshot(symbols=set(account_positions(margin_account))), thresholds
    )
    return txn
