"""Read paths over a customer's history: actions (one per ledger transaction), legs, interest,
notifications, and the USDT value of each at the time it happened."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from margin_project.formatting import amount_text
from margin_project.money import plain
from risk.models import Asset, AssetPrice

from ..models import InterestAccrual, LedgerAccount, LedgerLeg, LedgerTransaction, Notification
from ..models.ledger import CUSTOMER_KINDS, AccountKind, TransactionKind


def ledger_history(*, user, asset: str | None = None, kind: str | None = None) -> QuerySet[LedgerLeg]:
    """The user's ledger legs, newest first, optionally for one asset and one transaction kind."""
    legs = (
        LedgerLeg.objects.filter(account__owner=user, account__kind__in=CUSTOMER_KINDS)
        .select_related("transaction", "account", "asset")
        .order_by("-transaction_id", "-id")
    )
    if asset:
        legs = legs.filter(asset__symbol=asset.upper())
    if kind:
        legs = legs.filter(transaction__kind=kind)
    return legs


def interest_history(*, user, asset: str | None = None) -> QuerySet[InterestAccrual]:
    """Every interest charge on the user's loans: day, rate, principal charged on, amount."""
    accruals = InterestAccrual.objects.filter(loan__margin_account__user=user).select_related("loan__asset")
    if asset:
        accruals = accruals.filter(loan__asset__symbol=asset.upper())
    return accruals.order_by("-day", "-id")


def notifications_for(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(user=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def held_assets(*, user) -> list[str]:
    """Symbols the user has ever held or owed (the only ones worth filtering by)."""
    symbols = (
        LedgerAccount.objects.filter(owner=user, kind__in=CUSTOMER_KINDS, legs__isnull=False)
        .values_list("asset__symbol", flat=True)
        .distinct()
    )
    return sorted(set(symbols))


def interest_totals(*, user) -> list[tuple[str, Decimal]]:
    """Interest charged to date, per asset (summed exactly, in Python)."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    charges = InterestAccrual.objects.filter(loan__margin_account__user=user)
    for symbol, amount in charges.values_list("loan__asset__symbol", "amount"):
        totals[symbol] += amount
    return sorted(totals.items())


# --- actions: one row per ledger transaction -------------------------------------------------


@dataclass(frozen=True)
class ActionRow:
    """One thing that happened to the account (a borrow, a repayment, a transfer, ...)."""

    transaction: LedgerTransaction
    description: str
    legs: list[LedgerLeg]
    assets: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.transaction.kind

    @property
    def kind_label(self) -> str:
        return self.transaction.get_kind_display()


def history_actions(*, user, legs: QuerySet[LedgerLeg]) -> QuerySet[LedgerTransaction]:
    """The transactions behind ``legs`` (already filtered), newest first, each with the user's own legs."""
    own = (
        LedgerLeg.objects.filter(account__owner=user, account__kind__in=CUSTOMER_KINDS)
        .select_related("account", "asset")
        .order_by("id")
    )
    return (
        LedgerTransaction.objects.filter(pk__in=legs.values("transaction_id"))
        .order_by("-id")
        .prefetch_related(Prefetch("legs", queryset=own, to_attr="own_legs"))
    )


def action_rows(transactions: Iterable[LedgerTransaction]) -> list[ActionRow]:
    """Each transaction described as the customer would say it."""
    return [
        ActionRow(
            transaction=txn,
            description=action_describe(txn.kind, txn.own_legs),
            legs=txn.own_legs,
            assets=sorted({leg.asset.symbol for leg in txn.own_legs}),
        )
        for txn in transactions
    ]


def _sum(legs: list[LedgerLeg], kind: str, sign: int) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for leg in legs:
        if leg.account.kind == kind and (leg.amount > 0) == (sign > 0):
            out[leg.asset.symbol] += abs(leg.amount)
    return out


def _list(amounts: dict[str, Decimal]) -> str:
    return ", ".join(f"{amount_text(v)} {s}" for s, v in sorted(amounts.items()) if v) or "nothing"


def action_describe(kind: str, legs: list[LedgerLeg]) -> str:
    """ "Borrowed 1,000 USDT (first day's interest 0.25 USDT)" from the customer's legs of one action."""
    spot_in, spot_out = _sum(legs, AccountKind.SPOT, 1), _sum(legs, AccountKind.SPOT, -1)
    margin_in, margin_out = _sum(legs, AccountKind.MARGIN, 1), _sum(legs, AccountKind.MARGIN, -1)
    principal_new = _sum(legs, AccountKind.LOAN_PRINCIPAL, -1)
    interest_new = _sum(legs, AccountKind.LOAN_INTEREST, -1)
    principal_paid = _sum(legs, AccountKind.LOAN_PRINCIPAL, 1)
    interest_paid = _sum(legs, AccountKind.LOAN_INTEREST, 1)
    repaid = defaultdict(Decimal)
    for amounts in (principal_paid, interest_paid):
        for symbol, value in amounts.items():
            repaid[symbol] += value
    match kind:
        case TransactionKind.DEPOSIT:
            return f"Deposit of {_list(spot_in)} to your spot wallet"
        case TransactionKind.WITHDRAWAL:
            return f"Withdrawal of {_list(spot_out)} from your spot wallet"
        case TransactionKind.TRANSFER:
            if margin_in:
                return f"Moved {_list(margin_in)} from spot to margin"
            return f"Moved {_list(margin_out)} from margin to spot"
        case TransactionKind.BORROW:
            interest = f" (first day's interest {_list(interest_new)})" if interest_new else ""
            return f"Borrowed {_list(principal_new)}{interest}"
        case TransactionKind.REPAY:
            return (
                f"Repaid {_list(repaid)}: interest {_list(interest_paid) if interest_paid else '0'}, "
                f"principal {_list(principal_paid) if principal_paid else '0'}"
            )
        case TransactionKind.COLLATERAL_REPAY:
            sold = {s: v for s, v in margin_out.items() if s not in repaid}
            return f"Repaid {_list(repaid)} by selling {_list(sold)} of collateral"
        case TransactionKind.INTEREST:
            return f"Interest charged: {_list(interest_new)}"
        case TransactionKind.LIQUIDATION:
            return f"Partial liquidation: sold or used {_list(margin_out)}; repaid {_list(repaid)}"
        case TransactionKind.BAD_DEBT:
            return f"Debt covered by the insurance fund: {_list(repaid)}"
    moved = [f"{'+' if leg.amount > 0 else ''}{amount_text(leg.amount)} {leg.asset.symbol}" for leg in legs]
    return f"{TransactionKind(kind).label}: {', '.join(moved)}"


# --- the value in USDT at the time -----------------------------------------------------------


class PriceBook:
    """Prices of assets at past moments, from the recorded price history.

    ``at(symbol, moment)`` is the last price recorded at or before ``moment`` with the basis
    "at the time"; before the first record it is today's price, said so ("current price").
    """

    AT_THE_TIME = "price at the time"
    CURRENT = "current price (no earlier record)"
    QUOTE = "quote asset"

    def __init__(self, symbols: Iterable[str]):
        symbols = set(symbols) - {settings.QUOTE_ASSET}
        self._times: dict[str, list[datetime]] = defaultdict(list)
        self._prices: dict[str, list[Decimal]] = defaultdict(list)
        rows = (
            AssetPrice.history.filter(asset__symbol__in=symbols)
            .order_by("history_date", "history_id")
            .values_list("asset__symbol", "history_date", "price")
        )
        for symbol, moment, price in rows:
            self._times[symbol].append(moment)
            self._prices[symbol].append(price)
        priced = Asset.objects.filter(symbol__in=symbols, price__isnull=False)
        self._current = dict(priced.values_list("symbol", "price__price"))

    def at(self, symbol: str, moment: datetime) -> tuple[Decimal | None, str]:
        if symbol == settings.QUOTE_ASSET:
            return Decimal(1), self.QUOTE
        index = bisect.bisect_right(self._times.get(symbol, []), moment)
        if index:
            return self._prices[symbol][index - 1], self.AT_THE_TIME
        return self._current.get(symbol), self.CURRENT


HISTORY_CSV_HEADER = [
    "transaction",
    "time_utc",
    "kind",
    "description",
    "account",
    "asset",
    "amount",
    "price_usdt",
    "value_usdt",
    "price_basis",
]


def history_csv_rows(*, user, legs: QuerySet[LedgerLeg]) -> Iterator[list[str]]:
    """One CSV row per leg of each action, with its USDT value at the time (exact decimals)."""
    transactions = list(history_actions(user=user, legs=legs))
    book = PriceBook(leg.asset.symbol for txn in transactions for leg in txn.own_legs)
    yield HISTORY_CSV_HEADER
    for txn in transactions:
        description = action_describe(txn.kind, txn.own_legs)
        for leg in txn.own_legs:
            price, basis = book.at(leg.asset.symbol, txn.created_at)
            yield [
                str(txn.pk),
                txn.created_at.isoformat(),
                txn.kind,
                description,
                leg.account.kind,
                leg.asset.symbol,
                _exact(leg.amount),
                _exact(price),
                _exact(None if price is None else leg.amount * price),
                basis,
            ]


INTEREST_CSV_HEADER = [
    "day",
    "asset",
    "kind",
    "principal",
    "daily_rate",
    "amount",
    "price_usdt",
    "value_usdt",
    "price_basis",
]


def interest_csv_rows(*, user, accruals: QuerySet[InterestAccrual]) -> Iterator[list[str]]:
    """One CSV row per interest charge, with its USDT value when it was charged."""
    rows = list(accruals.select_related("loan__asset", "transaction"))
    book = PriceBook(accrual.loan.asset.symbol for accrual in rows)
    yield INTEREST_CSV_HEADER
    for accrual in rows:
        moment = accrual.transaction.created_at
        price, basis = book.at(accrual.loan.asset.symbol, moment)
        yield [
            accrual.day.isoformat(),
            accrual.loan.asset.symbol,
            accrual.kind,
            _exact(accrual.principal),
            _exact(accrual.rate),
            _exact(accrual.amount),
            _exact(price),
            _exact(None if price is None else accrual.amount * price),
            basis,
        ]


def _exact(value: Decimal | None) -> str:
    return "" if value is None else plain(value)
