"""Crediting deposits and sending withdrawals: the edges with the outside world."""

from __future__ import annotations

from margin_project.errors import Conflict, InvalidReference, NotACustomer
from margin_project.formatting import amount_text
from margin_project.transactions import atomic_retry

from ..events import record_deposit_credited, record_withdrawal
from ..models import LedgerLeg, LedgerTransaction
from ..models.ledger import AccountKind, TransactionKind
from .common import margin_account_lock, wallet_account
from .ledger import Leg, house_account, ledger_post
from .validation import amount_parse, asset_get


@atomic_retry
def deposit_credit(
    *, user, asset: str, amount: object, reference: str, credited_by=None
) -> LedgerTransaction:
    """Credit a deposit seen on chain to the user's spot wallet (staff or the deposit watcher).

    ``reference`` (the external transaction id) is unique: the same reference again
    returns the first credit and moves nothing; with other details it is refused. Only a
    customer is credited: a staff user is refused (``NotACustomer``).
    """
    if user.is_staff or user.is_superuser:
        raise NotACustomer(
            f"{user.get_username()} is staff; deposits are credited to customers only.", field="username"
        )
    asset_obj = asset_get(asset)
    value = amount_parse(amount, asset_obj)
    reference = (reference or "").strip()
    if not reference:
        raise InvalidReference("A deposit needs its external reference.", field="reference")
    reference = f"deposit:{reference[:100]}"
    margin_account = margin_account_lock(user)
    existing = LedgerTransaction.objects.filter(reference=reference).first()
    if existing is not None:
        leg = LedgerLeg.objects.filter(transaction=existing, amount__gt=0).select_related("account").first()
        if leg and leg.account.owner_id == user.pk and leg.asset_id == asset_obj.pk and leg.amount == value:
            return existing
        raise Conflict("This deposit reference was already credited with other details.", field="reference")
    txn = ledger_post(
        kind=TransactionKind.DEPOSIT,
        legs=[
            Leg(house_account(AccountKind.EXTERNAL, asset_obj), -value),
            Leg(wallet_account(user, AccountKind.SPOT, asset_obj), value),
        ],
        margin_account=margin_account,
        reference=reference,
        memo=f"Deposit of {amount_text(value)} {asset_obj.symbol}",
        created_by=credited_by,
    )
    record_deposit_credited(transaction=txn, asset=asset_obj, amount=value)
    return txn


@atomic_retry
def withdrawal_create(*, user, asset: str, amount: object, destination: str = "") -> LedgerTransaction:
    """Send an amount out of the user's spot wallet to the outside world."""
    asset_obj = asset_get(asset)
    value = amount_parse(amount, asset_obj)
    margin_account = margin_account_lock(user)
    txn = ledger_post(
        kind=TransactionKind.WITHDRAWAL,
        legs=[
            Leg(wallet_account(user, AccountKind.SPOT, asset_obj), -value),
            Leg(house_account(AccountKind.EXTERNAL, asset_obj), value),
        ],
        margin_account=margin_account,
        memo=f"Withdrawal of {amount_text(value)} {asset_obj.symbol} to {destination[:100]}".strip(),
        created_by=user,
    )
    record_withdrawal(transaction=txn, asset=asset_obj, amount=value, destination=destination)
    return txn
