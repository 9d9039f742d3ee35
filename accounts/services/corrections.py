"""Ledger corrections: a mistake is put right by a new posted transaction, never by an edit.

Each correction is one balanced ``correction`` transaction with the staff member who
posted it and the reason in its memo, so the ledger keeps both the mistake and its fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from margin_project.errors import DomainError, InvalidCorrection
from margin_project.transactions import atomic_retry
from risk.selectors import market_snapshot, thresholds_current

from ..models import LedgerTransaction
from ..models.ledger import HOUSE_KINDS, AccountKind, TransactionKind
from .common import margin_account_lock, margin_account_refresh
from .ledger import Leg, ledger_account_get, ledger_post
from .validation import asset_get, signed_amount_parse

MIN_REASON = 10


@dataclass(frozen=True)
class CorrectionLeg:
    """One side of a correction: whose account (None: the house's), which kind, asset and signed amount."""

    owner: object | None
    kind: AccountKind
    asset: str
    amount: object


@atomic_retry
def ledger_correction(*, legs: Sequence[CorrectionLeg], reason: str, staff_user) -> LedgerTransaction:
    """Post a correcting transaction; refuse (changing nothing) unless it is balanced and explained.

    The legs must concern at most one customer; their amounts must sum to zero per asset
    (``ledger_post`` checks that, and that no wallet goes negative nor any debt positive).
    The customer's cached margin ratio is refreshed afterwards.
    """
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise InvalidCorrection(
            f"Give the reason for the correction (at least {MIN_REASON} characters).", field="reason"
        )
    if not getattr(staff_user, "is_staff", False):
        raise DomainError("Only staff may post a correction.", code="forbidden")
    customers = {leg.owner.pk: leg.owner for leg in legs if leg.owner is not None}
    if len(customers) > 1:
        raise InvalidCorrection("A correction concerns one customer at a time.")
    margin_account = margin_account_lock(next(iter(customers.values()))) if customers else None
    posted = []
    for leg in legs:
        if (leg.owner is None) != (leg.kind in HOUSE_KINDS):
            owner = "the house" if leg.kind in HOUSE_KINDS else "a customer"
            raise InvalidCorrection(f"A {AccountKind(leg.kind).label.lower()} account belongs to {owner}.")
        asset = asset_get(leg.asset)
        account = ledger_account_get(owner=leg.owner, kind=leg.kind, asset=asset)
        posted.append(Leg(account, signed_amount_parse(leg.amount, asset)))
    txn = ledger_post(
        kind=TransactionKind.CORRECTION,
        legs=posted,
        margin_account=margin_account,
        memo=f"Correction: {reason}",
        created_by=staff_user,
    )
    if margin_account is not None:
        margin_account_refresh(margin_account, market_snapshot(), thresholds_current())
    return txn
