"""Benchmark the workers' bulk paths: daily interest accrual and the margin sweep.

Builds N accounts with a BTC collateral position and a USDT loan directly in SQL
(balanced ledger legs included), then times, in one process:
  1. interest accrual for a day over all loans (chunked as the tasks chunk it),
  2. the same day again (the idempotent no-op a retry or the hourly healing costs),
  3. the sweep screen over all chunks (SQL only),
  4. a full sweep: screen + exact engine + margin calls for the candidates.

Usage (PostgreSQL; a scratch database, it is flushed):
    createdb -h 127.0.0.1 -U postgres margin_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/margin_bench \\
        .venv/bin/python bench/bench_workers.py --accounts 100000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "margin_project.settings")
# Notifications leave through Celery as in production; the bench only queues them.
os.environ.setdefault("CELERY_BROKER_DIR", tempfile.mkdtemp(prefix="bench-broker-"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import MarginAccount  # noqa: E402
from accounts.selectors.screen import account_chunks, screen_candidates  # noqa: E402
from accounts.services.interest import interest_accrue, loan_id_chunks  # noqa: E402
from accounts.services.sweep import sweep_chunk  # noqa: E402
from risk.models import RiskSettings  # noqa: E402


def build(accounts: int) -> None:
    """N customers: q BTC in margin (q from 0.75 to 1.5) against a 40 000 USDT loan taken out to spot."""
    call_command("flush", "--no-input", verbosity=0)
    call_command("seed_demo", "--no-customers", verbosity=0)
    # No price feed runs here: keep the seeded prices fresh for the whole run, or the
    # sweep would (rightly) refuse to liquidate on them once they are 5 minutes old.
    RiskSettings.objects.filter(pk=1).update(max_price_age=timedelta(days=1))
    now = timezone.now() - timedelta(days=1)
    with transaction.atomic(), connection.cursor() as c:
        c.execute("SELECT id FROM risk_asset WHERE symbol = 'BTC'")
        btc = c.fetchone()[0]
        c.execute("SELECT id FROM risk_asset WHERE symbol = 'USDT'")
        usdt = c.fetchone()[0]
        c.execute(
            """INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email,
                                          is_staff, is_active, date_joined)
               SELECT '!', false, 'bench' || g, '', '', '', false, true, %s FROM generate_series(1, %s) g""",
            [now, accounts],
        )
        c.execute(
            """INSERT INTO accounts_marginaccount (user_id, multi_asset_mode, status, collateral_value,
                       liability_value, has_liability, assessed_at, created_at, updated_at)
               SELECT id, true, 'healthy', 0, 0, true, %s, %s, %s
                 FROM accounts_user WHERE username LIKE 'bench%%'""",
            [timezone.now(), now, now],
        )
        # Quantities 0.75..1.5 BTC: at 60 000 x 0.90 about 8% of accounts are below 110%.
        c.execute(
            """INSERT INTO accounts_ledgeraccount (owner_id, kind, asset_id, balance, created_at, updated_at)
               SELECT u.id, k.kind, k.asset_id,
                      CASE k.kind WHEN 'margin' THEN 0.75 + (u.id %% 751) / 1000.0
                                  WHEN 'spot' THEN 40000 ELSE -40000 END, %s, %s
                 FROM accounts_user u
                 CROSS JOIN (VALUES ('margin', %s), ('spot', %s), ('loan_principal', %s),
                                    ('loan_interest', %s)) AS k(kind, asset_id)
                WHERE u.username LIKE 'bench%%'""",
            [now, now, btc, usdt, usdt, usdt],
        )
        c.execute("UPDATE accounts_ledgeraccount SET balance = 0 WHERE kind = 'loan_interest'")
        c.execute(
            """INSERT INTO accounts_loan (margin_account_id, asset_id, principal_account_id,
                                          interest_account_id, created_at, updated_at)
               SELECT m.id, %s, p.id, i.id, %s, %s FROM accounts_marginaccount m
                 JOIN accounts_ledgeraccount p ON p.owner_id = m.user_id AND p.kind = 'loan_principal'
                 JOIN accounts_ledgeraccount i ON i.owner_id = m.user_id AND i.kind = 'loan_interest'""",
            [usdt, now, now],
        )
        # The opening balances as one balanced ledger transaction (external world on the other side).
        c.execute(
            """INSERT INTO accounts_ledgertransaction (kind, memo, created_at, updated_at)
               VALUES ('correction', 'bench opening balances', %s, %s) RETURNING id""",
            [now, now],
        )
        txn = c.fetchone()[0]
        c.execute(
            """INSERT INTO accounts_ledgeraccount (owner_id, kind, asset_id, balance, created_at, updated_at)
               SELECT NULL, 'external', a, 0, %s, %s FROM (VALUES (%s), (%s)) v(a)
               ON CONFLICT DO NOTHING""",
            [now, now, btc, usdt],
        )
        c.execute(
            """INSERT INTO accounts_ledgerleg (transaction_id, account_id, asset_id, amount)
               SELECT %s, id, asset_id, balance FROM accounts_ledgeraccount
                WHERE owner_id IS NOT NULL AND balance <> 0
               UNION ALL
               SELECT %s, x.id, x.asset_id, -t.total
                 FROM accounts_ledgeraccount x
                 JOIN (SELECT asset_id, SUM(balance) AS total FROM accounts_ledgeraccount
                        WHERE owner_id IS NOT NULL GROUP BY asset_id) t ON t.asset_id = x.asset_id
                WHERE x.owner_id IS NULL AND x.kind = 'external' AND t.total <> 0""",
            [txn, txn],
        )
        c.execute(
            """UPDATE accounts_ledgeraccount x SET balance = l.amount FROM accounts_ledgerleg l
                WHERE l.account_id = x.id AND x.kind = 'external' AND l.transaction_id = %s""",
            [txn],
        )
    connection.cursor().execute("ANALYZE")


def timed(label: str, fn):
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    print(f"{label:<48} {elapsed:8.2f} s   {result}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run the benchmark on PostgreSQL (DATABASE_URL=postgres://...).")
    print(f"building {args.accounts} accounts and loans ...", flush=True)
    timed(
        "build (SQL bulk insert)", lambda: build(args.accounts) or f"{MarginAccount.objects.count()} accounts"
    )
    day = timezone.now().date() + timedelta(days=1)

    def accrue() -> str:
        charged = sum(
            interest_accrue(day=day, loan_id_from=lo, loan_id_to=hi).loans_charged
            for lo, hi in loan_id_chunks()
        )
        return f"{charged} loans charged in {len(loan_id_chunks())} chunks"

    timed("interest accrual, one day, all loans", accrue)
    timed("interest accrual, same day again (no-op)", accrue)

    def screen() -> str:
        found = sum(len(screen_candidates(lo=lo, hi=hi)) for lo, hi in account_chunks())
        return f"{found} candidates in {len(account_chunks())} chunks"

    timed("sweep screen only (SQL), all chunks", screen)

    def sweep() -> str:
        results = [sweep_chunk(lo=lo, hi=hi) for lo, hi in account_chunks()]
        opened = sum(o.margin_call_opened for r in results for o in r.outcomes)
        liquidated = sum(o.liquidation_id is not None for r in results for o in r.outcomes)
        return (
            f"{sum(r.candidates for r in results)} assessed, {opened} margin calls opened, "
            f"{liquidated} liquidated"
        )

    timed("full sweep (screen + engine + margin calls)", sweep)
    timed("full sweep again (calls already open)", sweep)
    call_command("audit_ledger")


if __name__ == "__main__":
    main()
