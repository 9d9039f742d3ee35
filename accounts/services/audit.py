"""Proving the ledger: every transaction balances, every balance equals its legs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from ..models import LedgerAccount, LedgerLeg


@dataclass
class AuditReport:
    transactions_checked: int = 0
    accounts_checked: int = 0
    unbalanced_transactions: list[tuple[int, str, Decimal]] = field(default_factory=list)
    balance_mismatches: list[tuple[int, str, Decimal, Decimal]] = field(default_factory=list)
    asset_totals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return (
            not self.unbalanced_transactions
            and not self.balance_mismatches
            and not any(self.asset_totals.values())
        )


def ledger_audit(*, batch_size: int = 5000) -> AuditReport:
    """Recompute every sum in Python ``Decimal`` (exact on SQLite too) and report differences."""
    report = AuditReport()
    per_txn: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    per_account: dict[int, Decimal] = defaultdict(Decimal)
    txn_ids: set[int] = set()
    legs = LedgerLeg.objects.values_list("transaction_id", "account_id", "asset_id", "amount").order_by("id")
    for txn_id, account_id, asset_id, amount in legs.iterator(chunk_size=batch_size):
        per_txn[(txn_id, asset_id)] += amount
        per_account[account_id] += amount
        txn_ids.add(txn_id)
    symbols = dict(LedgerAccount.objects.values_list("asset_id", "asset__symbol").distinct())
    report.transactions_checked = len(txn_ids)
    for (txn_id, asset_id), total in sorted(per_txn.items()):
        if total != 0:
            report.unbalanced_transactions.append((txn_id, symbols.get(asset_id, str(asset_id)), total))
    totals: dict[str, Decimal] = defaultdict(Decimal)
    accounts = LedgerAccount.objects.values_list("id", "asset__symbol", "balance").order_by("id")
    for account_id, symbol, balance in accounts.iterator(chunk_size=batch_size):
        report.accounts_checked += 1
        totals[symbol] += balance
        legs_sum = per_account.get(account_id, Decimal(0))
        if legs_sum != balance:
            report.balance_mismatches.append((account_id, symbol, balance, legs_sum))
    report.asset_totals = {s: t for s, t in sorted(totals.items())}
    return report
