"""Posting to the double-entry ledger: the one writer of balances."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from margin_project.errors import DomainError, InsufficientBalance, InvalidAmount
from margin_project.money import places_of, plain
from risk.models import Asset

from ..models import LedgerAccount, LedgerLeg, LedgerTransaction, MarginAccount
from ..models.ledger import DEBT_KINDS, HOUSE_KINDS, WALLET_KINDS, AccountKind


class LedgerUnbalanced(DomainError):
    code = "ledger_unbalanced"
    status = 500


@dataclass(frozen=True)
class Leg:
    account: LedgerAccount
    amount: Decimal


def ledger_account_get(*, owner, kind: AccountKind, asset: Asset) -> LedgerAccount:
    """The ledger account of ``owner`` (None for the house) of this kind and asset, created on first use."""
    if (owner is None) != (kind in HOUSE_KINDS):
        raise ValueError(f"{kind} accounts {'have no' if owner is None else 'need an'} owner")
    lookup = {"owner": owner, "kind": kind, "asset": asset}
    try:
        account = LedgerAccount.objects.filter(**lookup).first()
        if account is None:
            with transaction.atomic():
                account = LedgerAccount.objects.create(**lookup)
    except IntegrityError:
        # Another transaction created it between our read and our insert.
        account = LedgerAccount.objects.get(**lookup)
    return account


def house_account(kind: AccountKind, asset: Asset) -> LedgerAccount:
    return ledger_account_get(owner=None, kind=kind, asset=asset)


def lock_ledger_accounts(accounts: Sequence[LedgerAccount]) -> dict[int, LedgerAccount]:
    """Lock rows in the one global order (asset id, then id) so posters never deadlock."""
    ids = sorted({a.pk for a in accounts})
    locked = (
        LedgerAccount.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("asset")
        .order_by("asset_id", "id")
    )
    return {a.pk: a for a in locked}


@transaction.atomic
def ledger_post(
    *,
    kind: str,
    legs: Sequence[Leg],
    margin_account: MarginAccount | None = None,
    reference: str | None = None,
    memo: str = "",
    created_by=None,
) -> LedgerTransaction:
    """Post one balanced transaction and move the balances it touches.

    Refuses (and changes nothing) when a leg is zero or finer than its asset's
    precision, when the legs do not sum to zero per asset, when a wallet would go
    negative or a debt account positive.
    """
    if not legs:
        raise InvalidAmount("A ledger transaction needs legs.")
    locked = lock_ledger_accounts([leg.account for leg in legs])
    per_asset: dict[int, Decimal] = defaultdict(Decimal)
    new_balance: dict[int, Decimal] = {}
    for leg in legs:
        account = locked[leg.account.pk]
        if not isinstance(leg.amount, Decimal) or leg.amount.is_zero() or not leg.amount.is_finite():
            raise InvalidAmount(f"Ledger leg on {account} must be a non-zero decimal.")
        if places_of(leg.amount) > account.asset.precision:
            raise InvalidAmount(
                f"{leg.amount} {account.asset} is finer than its precision "
                f"of {account.asset.precision} places."
            )
        per_asset[account.asset_id] += leg.amount
        new_balance[account.pk] = new_balance.get(account.pk, account.balance) + leg.amount
    unbalanced = {asset_id: total for asset_id, total in per_asset.items() if total != 0}
    if unbalanced:
        raise LedgerUnbalanced(f"Legs do not sum to zero per asset: {unbalanced}")
    for pk, balance in new_balance.items():
        account = locked[pk]
        if account.kind in WALLET_KINDS and balance < 0:
            raise InsufficientBalance(
                f"Not enough {account.asset} in the {account.get_kind_display().lower()}: "
                f"{plain(account.balance)} available.",
                field="amount",
            )
        if account.kind in DEBT_KINDS and balance > 0:
            raise InvalidAmount(f"That would repay more {account.asset} than is owed.", field="amount")
    txn = LedgerTransaction.objects.create(
        kind=kind, margin_account=margin_account, reference=reference, memo=memo[:255], created_by=created_by
    )
    # One statement for all legs: PostgreSQL's balance trigger checks per statement.
    LedgerLeg.objects.bulk_create(
        [
            LedgerLeg(
                transaction=txn,
                account_id=leg.account.pk,
                asset_id=locked[leg.account.pk].asset_id,
                amount=leg.amount,
            )
            for leg in legs
        ]
    )
    for pk, balance in new_balance.items():
        account = locked[pk]
        account.balance = balance
        account.save(update_fields=["balance", "updated_at"])
        leg_account = next(leg.account for leg in legs if leg.account.pk == pk)
        leg_account.balance = balance  # keep the caller's instances current
    return txn
