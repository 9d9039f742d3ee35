"""A customer's records read from the ledger by kind and time: borrows, repayments, transfers,
interest charges, movements of the margin wallet, liquidation sales.

Each returns a queryset scoped to the user (another customer's rows are never reachable),
newest first unless stated; the Binance surface pages and shapes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from risk.models import LineKind, LiquidationLine

from ..models import InterestAccrual, LedgerLeg, LedgerTransaction
from ..models.ledger import AccountKind, TransactionKind
from .history import interest_history


@dataclass(frozen=True)
class LoanMovement:
    """A borrow or a repayment as one row: what moved in or out of the margin wallet, split."""

    transaction: LedgerTransaction
    asset: str
    amount: Decimal  # into the wallet (borrow) or out of it (repayment), positive
    principal: Decimal
    interest: Decimal


def _customer_legs() -> Prefetch:
    return Prefetch(
        "legs",
        queryset=LedgerLeg.objects.filter(account__owner__isnull=False).select_related("account", "asset"),
        to_attr="customer_legs",
    )


def loan_movements(
    *,
    user,
    kind: str,
    start: datetime,
    end: datetime,
    asset: str | None = None,
    transaction_id: int | None = None,
) -> QuerySet[LedgerTransaction]:
    """Borrow (``kind="borrow"``) or repay transactions of the user's margin account, newest first.

    With ``transaction_id`` only that one (if it is the user's and of that kind), whatever the time.
    """
    rows = LedgerTransaction.objects.filter(margin_account__user=user, kind=kind)
    if transaction_id is not None:
        rows = rows.filter(pk=transaction_id)
    else:
        rows = rows.filter(created_at__gte=start, created_at__lte=end)
    if asset:
        rows = rows.filter(legs__account__kind=AccountKind.MARGIN, legs__asset__symbol=asset)
    return rows.prefetch_related(_customer_legs()).order_by("-id").distinct()


def loan_movement(transaction: LedgerTransaction) -> LoanMovement:
    """Split a borrow/repay transaction (fetched by ``loan_movements``) into amount, principal, interest."""
    amount = principal = interest = Decimal(0)
    asset = ""
    for leg in transaction.customer_legs:
        if leg.account.kind == AccountKind.MARGIN:
            amount += abs(leg.amount)
            asset = leg.asset.symbol
        elif leg.account.kind == AccountKind.LOAN_PRINCIPAL:
            principal += abs(leg.amount)
        elif leg.account.kind == AccountKind.LOAN_INTEREST and transaction.kind == TransactionKind.REPAY:
            interest += abs(leg.amount)  # a borrow's first-day interest is an interest charge instead
    return LoanMovement(
        transaction=transaction, asset=asset, amount=amount, principal=principal, interest=interest
    )


def margin_transfers(
    *, user, start: datetime, end: datetime, asset: str | None = None, into_margin: bool | None = None
) -> QuerySet[LedgerLeg]:
    """The margin-wallet legs of the user's spot <-> margin transfers, newest first.

    A positive amount came into margin from spot; a negative one went out to spot.
    """
    legs = LedgerLeg.objects.filter(
        account__owner=user,
        account__kind=AccountKind.MARGIN,
        transaction__kind=TransactionKind.TRANSFER,
        transaction__created_at__gte=start,
        transaction__created_at__lte=end,
    )
    if asset:
        legs = legs.filter(asset__symbol=asset)
    if into_margin is True:
        legs = legs.filter(amount__gt=0)
    elif into_margin is False:
        legs = legs.filter(amount__lt=0)
    return legs.select_related("transaction", "asset").order_by("-transaction_id", "-id")


def interest_charges(
    *, user, start: datetime, end: datetime, asset: str | None = None
) -> QuerySet[InterestAccrual]:
    """Interest charged on the user's loans between ``start`` and ``end``, newest first."""
    return (
        interest_history(user=user, asset=asset)
        .filter(created_at__gte=start, created_at__lte=end)
        .order_by("-created_at", "-id")
    )


def margin_wallet_flow(
    *,
    user,
    start: datetime,
    end: datetime,
    asset: str | None = None,
    kinds: list[str] | None = None,
    after_id: int | None = None,
) -> QuerySet[LedgerLeg]:
    """Every movement of the user's margin wallet (its ledger legs).

    Newest first; with ``after_id``, the legs after that one, oldest first (to page forward).
    """
    legs = LedgerLeg.objects.filter(
        account__owner=user,
        account__kind=AccountKind.MARGIN,
        transaction__created_at__gte=start,
        transaction__created_at__lte=end,
    )
    if asset:
        legs = legs.filter(asset__symbol=asset)
    if kinds is not None:
        legs = legs.filter(transaction__kind__in=kinds)
    legs = legs.select_related("transaction", "asset")
    if after_id is not None:
        return legs.filter(id__gt=after_id).order_by("id")
    return legs.order_by("-id")


def liquidation_sales(
    *, user, start: datetime | None = None, end: datetime | None = None
) -> QuerySet[LiquidationLine]:
    """Collateral sold in the user's liquidations, newest liquidation first."""
    lines = LiquidationLine.objects.filter(liquidation__margin_account__user=user, kind=LineKind.SALE)
    if start is not None:
        lines = lines.filter(liquidation__created_at__gte=start)
    if end is not None:
        lines = lines.filter(liquidation__created_at__lte=end)
    return lines.select_related("liquidation", "asset").order_by("-liquidation__created_at", "-id")


def liquidation_sold_symbols(*, transaction_ids: list[int]) -> dict[int, set[str]]:
    """For liquidation transactions: the symbols each sold (the rest of its margin legs repaid debt)."""
    sold: dict[int, set[str]] = {}
    rows = LiquidationLine.objects.filter(
        liquidation__transaction_id__in=transaction_ids, kind=LineKind.SALE
    ).values_list("liquidation__transaction_id", "asset__symbol")
    for txn_id, symbol in rows:
        sold.setdefault(txn_id, set()).add(symbol)
    return sold
