"""Moving assets between the spot and the margin wallet."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from margin_project.errors import AssetDisabled, InsufficientBalance, InvalidDirection, RatioTooLow
from margin_project.formatting import amount_text, percent_text
from margin_project.transactions import atomic_retry
from risk import engine

from ..events import record_transfer
from ..models import LedgerTransaction
from ..models.ledger import AccountKind, TransactionKind
from ..selectors.positions import AccountState, account_state
from .common import margin_account_lock, margin_account_refresh, wallet_account
from .ledger import Leg, ledger_post
from .validation import amount_parse, asset_get


class Direction(StrEnum):
    TO_MARGIN = "to_margin"
    TO_SPOT = "to_spot"


def direction_parse(direction: object) -> Direction:
    try:
        return Direction(direction)
    except ValueError:
        raise InvalidDirection("Direction must be 'to_margin' or 'to_spot'.", field="direction") from None


@dataclass(frozen=True)
class TransferOutcome:
    """What a transfer would do: the account's positions after it."""

    asset: str
    amount: Decimal
    direction: Direction
    positions_after: dict[str, engine.Position]


def transfer_check(
    *, state: AccountState, asset: str, amount: Decimal, direction: Direction
) -> TransferOutcome:
    """Decide a transfer on the account as ``state`` holds it: the outcome, or the refusal.

    Pure (reads nothing, writes nothing): the service calls it under the account's lock
    and the page's preview calls it on the same state, so a preview never offers what the
    confirm would refuse. Moving into margin only lowers risk, so it never depends on a
    price; moving out must keep the ratio at the transfer-out level on fresh prices.
    """
    asset_obj = state.market.assets[asset]
    if direction is Direction.TO_MARGIN:
        if not (asset_obj.is_collateral or asset_obj.is_borrowable):
            raise AssetDisabled(
                f"{asset} is not accepted as collateral and cannot be moved to margin.", field="asset"
            )
        available = state.spot.get(asset, Decimal(0))
        if amount > available:
            raise InsufficientBalance(
                f"Not enough {asset} in the spot wallet: {amount_text(available)} available.", field="amount"
            )
        return TransferOutcome(
            asset, amount, direction, engine.with_transfer(state.positions, asset, amount, into_margin=True)
        )
    held = state.position(asset).margin
    if amount > held:
        raise InsufficientBalance(
            f"Not enough {asset} in the margin wallet: {amount_text(held)} available.", field="amount"
        )
    if state.has_liability:
        state.market.require_prices(state.positions)
        allowed = engine.max_transferable(state.positions, state.market.terms, asset, state.thresholds)
        if amount > allowed:
            raise RatioTooLow(
                f"At most {amount_text(allowed)} {asset} can leave margin while keeping the margin ratio "
                f"at {percent_text(state.thresholds.transfer_out)} or more.",
                field="amount",
            )
    return TransferOutcome(
        asset, amount, direction, engine.with_transfer(state.positions, asset, amount, into_margin=False)
    )


@dataclass(frozen=True)
class TransferResult:
    transaction: LedgerTransaction
    asset: str  # the normalised symbol
    amount: Decimal
    direction: Direction


@atomic_retry
def transfer(*, user, asset: str, amount: object, direction: str) -> TransferResult:
    """Move ``amount`` of ``asset`` spot -> margin or margin -> spot.

    Into margin only assets that count as collateral or can be borrowed (to repay); that
    lowers risk, so it depends only on the spot balance, never on prices. Out of margin
    while a liability is open only on fresh prices and while the margin ratio stays at
    or above the transfer-out level.
    """
    direction = direction_parse(direction)
    asset_obj = asset_get(asset)
    value = amount_parse(amount, asset_obj)
    margin_account = margin_account_lock(user)
    state = account_state(margin_account, symbols={asset_obj.symbol})
    transfer_check(state=state, asset=asset_obj.symbol, amount=value, direction=direction)
    if direction is Direction.TO_SPOT:
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
        memo=f"{amount_text(value)} {asset_obj.symbol} {source} → {target}",
        created_by=user,
    )
    record_transfer(transaction=txn, asset=asset_obj, amount=value, direction=direction)
    margin_account_refresh(margin_account, state.market, state.thresholds)
    return TransferResult(transaction=txn, asset=asset_obj.symbol, amount=value, direction=direction)
