"""Posting to the double-entry ledger: the one writer of balances.

Locks. A customer's ledger rows are locked (``FOR NO KEY UPDATE OF`` the ledger rows
only, never the joined asset) in the one global order (asset id, id), after the
customer's margin account. The house's rows (lending pool, interest income,
insurance fund, external world) are shared by every customer, so they are *not*
locked up front: their balances move by one atomic ``balance = balance + x`` UPDATE
per row at the end of the posting, in id order. Two customers' postings then wait on
a house row only for the instant between that UPDATE and their commit, instead of
from the start of the posting, and never hold it while waiting for another row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from margin_project.errors import BalanceOverflow, DomainError, InsufficientBalance, InvalidAmount
from margin_project.money import COLUMN_LIMIT, places_of, plain
from margin_project.sqlmoney import Dialect
from margin_project.transactions import atomic_retry
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
    """Lock these ledger rows (and only them: not the joined asset) in the one global order.

    The order is (asset id, then id), so posters never deadlock. ``no_key``: leg inserts
    elsewhere only need the row to exist (a foreign-key share lock), which this lets through.
    """
    ids = sorted({a.pk for a in accounts})
    locked = (
        LedgerAccount.objects.select_for_update(no_key=True, of=("self",))
        .filter(pk__in=ids)
        .select_related("asset")
        .order_by("asset_id", "id")
    )
    return {a.pk: a for a in locked}


def _house_balances_move(deltas: dict[int, Decimal]) -> dict[int, Decimal]:
    """Add each delta to its house row in one atomic UPDATE each (id order); the new balances.

    Refuses (``BalanceOverflow``, the caller's transaction rolls back) a balance that
    would leave the column, without asking the database to overflow.
    """
    dialect = Dialect(connection.vendor)
    table = LedgerAccount._meta.db_table
    field = LedgerAccount._meta.get_field("balance")
    new_balance = dialect.add("balance", "%s")
    # Both dialects place the parameters of `within` in the same order: limit, delta, limit, delta.
    sql = (
        f"UPDATE {table} SET balance = {new_balance}, updated_at = %s "
        f"WHERE id = %s AND {dialect.within(new_balance, '%s')} RETURNING balance"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    moved: dict[int, Decimal] = {}
    for pk in sorted(deltas):
        delta = field.get_db_prep_value(deltas[pk], connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [delta, now, pk, COLUMN_LIMIT, delta, COLUMN_LIMIT, delta])
            row = cursor.fetchone()
        if row is None:
            raise BalanceOverflow("That would take a house balance beyond what it can hold.", field="amount")
        moved[pk] = field.from_db_value(row[0], None, connection)
    return moved


@atomic_retry
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
    negative or a debt account positive, or when a balance would no longer fit its
    column. Runs in the money context: no sum here ever rounds.
    """
    if not legs:
        raise InvalidAmount("A ledger transaction needs legs.")
    house_ids = {leg.account.pk for leg in legs if leg.account.kind in HOUSE_KINDS}
    accounts = lock_ledger_accounts([leg.account for leg in legs if leg.account.pk not in house_ids])
    # The house's rows are read, not locked: their balances move by an atomic UPDATE below.
    accounts.update(LedgerAccount.objects.select_related("asset").in_bulk(house_ids))
    per_asset: dict[int, Decimal] = defaultdict(Decimal)
    new_balance: dict[int, Decimal] = {}
    house_delta: dict[int, Decimal] = defaultdict(Decimal)
    for leg in legs:
        account = accounts[leg.account.pk]
        if not isinstance(leg.amount, Decimal) or leg.amount.is_zero() or not leg.amount.is_finite():
            raise InvalidAmount(f"Ledger leg on {account} must be a non-zero decimal.")
        if places_of(leg.amount) > account.asset.precision:
            raise InvalidAmount(
                f"{leg.amount} {account.asset} is finer than its precision "
                f"of {account.asset.precision} places."
            )
        per_asset[account.asset_id] += leg.amount
        if account.pk in house_ids:
            house_delta[account.pk] += leg.amount
        else:
            new_balance[account.pk] = new_balance.get(account.pk, account.balance) + leg.amount
    unbalanced = {asset_id: total for asset_id, total in per_asset.items() if total != 0}
    if unbalanced:
        raise LedgerUnbalanced(f"Legs do not sum to zero per asset: {unbalanced}")
    for pk, balance in new_balance.items():
        account = accounts[pk]
        if account.kind in WALLET_KINDS and balance < 0:
            raise InsufficientBalance(
                f"Not enough {account.asset} in the {account.get_kind_display().lower()}: "
                f"{plain(account.balance)} available.",
                field="amount",
            )
        if account.kind in DEBT_KINDS and balance > 0:
            raise InvalidAmount(f"That would repay more {account.asset} than is owed.", field="amount")
        if abs(balance) >= COLUMN_LIMIT:
            raise BalanceOverflow(
                f"That would take the {account.get_kind_display().lower()} beyond the largest "
                f"{account.asset} balance the desk can hold.",
                field="amount",
            )
    txn = LedgerTransaction.objects.create(
        kind=kind, margin_account=margin_account, reference=reference, memo=memo[:255], created_by=created_by
    )
    # One statement for all legs: PostgreSQL's balance trigger checks per statement.
    LedgerLeg.objects.bulk_create(
        [
            LedgerLeg(
                transaction=txn,
                account_id=leg.account.pk,
                asset_id=accounts[leg.account.pk].asset_id,
                amount=leg.amount,
            )
            for leg in legs
        ]
    )
    for pk, balance in new_balance.items():
        account = accounts[pk]
        account.balance = balance
        account.save(update_fields=["balance", "updated_at"])
    # Last and in id order: the shared rows are held from here to the commit only.
    new_balance.update(_house_balances_move({pk: d for pk, d in house_delta.items() if d}))
    for leg in legs:
        if leg.account.pk in new_balance:
            leg.account.balance = new_balance[leg.account.pk]  # keep the caller's instances current
    return txn
