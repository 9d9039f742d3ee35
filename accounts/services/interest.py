"""Daily interest accrual: set-based SQL, one database transaction per chunk of loans.

Binance charges an hour's interest at borrow time and then at the start of every
hour; we do the same by the day. The borrow service charges the first day; this
charges every loan that had principal outstanding at 00:00 UTC of ``day``, on that
principal (read back from the ledger), at the asset's daily rate, rounded up.
One ``InterestAccrual`` per (loan, day) under a unique constraint, so a re-run, a
retry or a duplicate delivery never charges a day twice.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from margin_project.sqlmoney import Dialect
from risk.models import Asset

from ..models import InterestAccrual, LedgerTransaction, Loan
from ..models.ledger import AccountKind, TransactionKind
from .ledger import house_account

CHUNK_SIZE = 2000


@dataclass
class AccrualResult:
    day: date
    loans_charged: int = 0
    amounts: dict[str, Decimal] = field(default_factory=dict)
    transaction_id: int | None = None


def day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def loan_id_chunks(*, size: int = CHUNK_SIZE) -> list[tuple[int, int]]:
    """Inclusive loan id ranges covering every loan, ``size`` ids each."""
    bounds = Loan.objects.aggregate(lo=Min("id"), hi=Max("id"))
    if bounds["lo"] is None:
        return []
    return [(lo, min(lo + size - 1, bounds["hi"])) for lo in range(bounds["lo"], bounds["hi"] + 1, size)]


def _candidates_sql(sql: Dialect) -> str:
    # Principal at 00:00 = -(balance now - every leg posted to it since 00:00).
    principal = sql.neg(
        sql.sub(
            "pa.balance",
            f"""COALESCE((SELECT {sql.sum("g.amount")} FROM accounts_ledgerleg g
                 JOIN accounts_ledgertransaction t ON t.id = g.transaction_id
                 WHERE g.account_id = pa.id AND t.created_at >= %(start)s), {sql.zero()})""",
        )
    )
    return f"""
        SELECT l.id AS loan_id, a.daily_interest_rate AS rate, a.precision AS places, {principal} AS principal
          FROM accounts_loan l
          JOIN accounts_ledgeraccount pa ON pa.id = l.principal_account_id
          JOIN risk_asset a ON a.id = l.asset_id
         WHERE l.id BETWEEN %(lo)s AND %(hi)s
           AND l.created_at < %(end)s
           AND NOT EXISTS (SELECT 1 FROM accounts_interestaccrual x
                            WHERE x.loan_id = l.id AND x.day = %(day)s AND x.kind = 'daily')
    """


def interest_accrue(
    *, day: date, loan_id_from: int | None = None, loan_id_to: int | None = None
) -> AccrualResult:
    """Charge one day's interest to every loan in the id range (all loans by default).

    One database transaction: the charges, their ledger legs and the balances move
    together or not at all, so a worker killed mid-chunk leaves nothing half done.
    """
    if loan_id_from is None or loan_id_to is None:
        bounds = Loan.objects.aggregate(lo=Min("id"), hi=Max("id"))
        if bounds["lo"] is None:
            return AccrualResult(day=day)
        loan_id_from, loan_id_to = bounds["lo"], bounds["hi"]
    params = {
        "day": day,
        "start": day_start(day),
        "end": day_start(day) + timedelta(days=1),
        "lo": loan_id_from,
        "hi": loan_id_to,
    }
    sql = Dialect(connection.vendor)
    with transaction.atomic():
        _lock_accounts(loan_id_from, loan_id_to)
        now = timezone.now()
        txn = LedgerTransaction.objects.create(
            kind=TransactionKind.INTEREST,
            memo=f"Daily interest for {day.isoformat()} (loans {loan_id_from}–{loan_id_to})",
        )
        params.update({"txn": txn.pk, "now": now})
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO accounts_interestaccrual
                    (loan_id, day, kind, rate, principal, amount, transaction_id, created_at, updated_at)
                SELECT c.loan_id, %(day)s, 'daily', c.rate, c.principal,
                       {sql.mul_ceil("c.principal", "c.rate", "c.places")}, %(txn)s, %(now)s, %(now)s
                  FROM ({_candidates_sql(sql)}) c
                 WHERE {sql.positive("c.principal")} AND {sql.positive("c.rate")}
                ON CONFLICT (loan_id, day) WHERE kind = 'daily' DO NOTHING
                """,
                params,
            )
            charged = cursor.rowcount
        if charged <= 0:
            txn.delete()
            return AccrualResult(day=day)
        income = _income_accounts(txn.pk)
        with connection.cursor() as cursor:
            _lock_rows(cursor, sorted(income.values()))
            cursor.execute(
                f"""
                INSERT INTO accounts_ledgerleg (transaction_id, account_id, asset_id, amount)
                SELECT %(txn)s, l.interest_account_id, l.asset_id, {sql.neg("x.amount")}
                  FROM accounts_interestaccrual x JOIN accounts_loan l ON l.id = x.loan_id
                 WHERE x.transaction_id = %(txn)s
                UNION ALL
                SELECT %(txn)s, h.id, h.asset_id, {sql.sum("x.amount")}
                  FROM accounts_interestaccrual x
                  JOIN accounts_loan l ON l.id = x.loan_id
                  JOIN accounts_ledgeraccount h
                    ON h.owner_id IS NULL AND h.kind = 'interest_income' AND h.asset_id = l.asset_id
                 WHERE x.transaction_id = %(txn)s
                 GROUP BY h.id, h.asset_id
                """,
                params,
            )
            cursor.execute(
                f"""
                UPDATE accounts_ledgeraccount
                   SET balance = {sql.add("accounts_ledgeraccount.balance", "g.amount")}, updated_at = %(now)s
                  FROM (SELECT account_id, {sql.sum("amount")} AS amount FROM accounts_ledgerleg
                         WHERE transaction_id = %(txn)s GROUP BY account_id) g
                 WHERE accounts_ledgeraccount.id = g.account_id
                """,
                params,
            )
        _fault_pause()
        amounts: dict[str, Decimal] = {}
        for symbol, amount in InterestAccrual.objects.filter(transaction=txn).values_list(
            "loan__asset__symbol", "amount"
        ):
            amounts[symbol] = amounts.get(symbol, Decimal(0)) + amount
    return AccrualResult(day=day, loans_charged=charged, amounts=amounts, transaction_id=txn.pk)


def _fault_pause() -> None:
    """Reliability tests only: hold the transaction open so the worker can be killed mid-chunk."""
    if settings.FAULT_ACCRUAL_PAUSE_SECONDS:
        if settings.FAULT_ACCRUAL_PAUSE_MARKER:
            Path(settings.FAULT_ACCRUAL_PAUSE_MARKER).write_text("in chunk")
        time.sleep(settings.FAULT_ACCRUAL_PAUSE_SECONDS)


def _lock_accounts(lo: int, hi: int) -> None:
    """Lock the margin accounts first, in id order, like every other writer."""
    if connection.vendor != "postgresql":
        return  # SQLite's IMMEDIATE transaction already holds the one write lock
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT m.id FROM accounts_marginaccount m
                WHERE m.id IN (SELECT margin_account_id FROM accounts_loan WHERE id BETWEEN %s AND %s)
                ORDER BY m.id FOR UPDATE""",
            [lo, hi],
        )


def _lock_rows(cursor, ids: list[int]) -> None:
    if ids and connection.vendor == "postgresql":
        cursor.execute(
            "SELECT id FROM accounts_ledgeraccount WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [ids]
        )


def _income_accounts(txn_id: int) -> dict[int, int]:
    """The house interest-income account of each asset charged in this transaction."""
    asset_ids = set(
        InterestAccrual.objects.filter(transaction_id=txn_id).values_list("loan__asset_id", flat=True)
    )
    return {
        asset.pk: house_account(AccountKind.INTEREST_INCOME, asset).pk
        for asset in Asset.objects.filter(pk__in=asset_ids)
    }


def interest_accrue_queue(*, day: date) -> int:
    """Queue the accrual of ``day`` as one task per chunk of loans; returns tasks queued."""
    from ..tasks import accrue_interest_chunk_task

    chunks = loan_id_chunks()
    for lo, hi in chunks:
        transaction.on_commit(lambda lo=lo, hi=hi: accrue_interest_chunk_task.delay(day.isoformat(), lo, hi))
    return len(chunks)


def interest_days_missing(*, through: date) -> list[date]:
    """Days up to ``through`` that the daily job has not run for yet (catch-up after an outage).

    From the day after the last daily charge (or after the earliest borrow when there
    has been none) to ``through``; charging is idempotent, so overlap costs only time.
    """
    last = InterestAccrual.objects.filter(kind="daily").aggregate(d=Max("day"))["d"]
    if last is None:
        first = InterestAccrual.objects.aggregate(d=Min("day"))["d"]
        if first is None:
            return []
        last = first
    return [last + timedelta(days=n) for n in range(1, (through - last).days + 1)]
