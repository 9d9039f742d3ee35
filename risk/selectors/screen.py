"""The sweep's bulk screen: one SQL statement per chunk finds the accounts to assess.

It must never miss an account the engine would flag, so it errs towards flagging:
collateral is valued low (every band at the asset's lowest factor, nothing above the
last bounded band), liability at full price, with a little slack for SQLite's float
arithmetic. The exact engine then decides each candidate in its own transaction.
Accounts already in margin call or liquidation, with an open margin call, with an
unpriced asset, or not assessed for a while are always candidates.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Max, Min
from django.utils import timezone

from accounts.models import MarginAccount

from ..models import RiskSettings

CHUNK_SIZE = 1000
# Accounts with a liability are re-assessed (and their ratio snapshot taken) this often.
REASSESS_EVERY = timedelta(minutes=15)
SLACK = Decimal("0.000001")


def chunk_of(account_id: int, size: int = CHUNK_SIZE) -> tuple[int, int]:
    """The aligned id range an account belongs to: the same for every kind of sweep."""
    lo = ((account_id - 1) // size) * size + 1
    return lo, lo + size - 1


def account_chunks(*, size: int = CHUNK_SIZE) -> list[tuple[int, int]]:
    bounds = MarginAccount.objects.aggregate(lo=Min("id"), hi=Max("id"))
    if bounds["lo"] is None:
        return []
    first, last = chunk_of(bounds["lo"], size), chunk_of(bounds["hi"], size)
    return [(lo, lo + size - 1) for lo in range(first[0], last[0] + 1, size)]


def chunks_exposed_to(*, asset_id: int, size: int = CHUNK_SIZE) -> list[tuple[int, int]]:
    """Chunks holding at least one account with margin or debt in the asset."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT DISTINCT m.id FROM accounts_marginaccount m
                 JOIN accounts_ledgeraccount la ON la.owner_id = m.user_id
                WHERE la.asset_id = %s AND la.kind IN ('margin', 'loan_principal', 'loan_interest')
                  AND {_num("la.balance")} <> 0""",
            [asset_id],
        )
        return sorted({chunk_of(row[0], size) for row in cursor.fetchall()})


def _num(column: str) -> str:
    return f"CAST({column} AS REAL)" if connection.vendor == "sqlite" else column


def screen_candidates(
    *, lo: int, hi: int, asset_id: int | None = None, now: datetime | None = None
) -> list[int]:
    """Margin account ids in [lo, hi] that the engine should assess now."""
    now = now or timezone.now()
    level = RiskSettings.load().margin_call_level
    n = _num
    exposed = ""
    params: dict[str, object] = {
        "lo": lo,
        "hi": hi,
        "quote": settings.QUOTE_ASSET,
        "level": level,
        "slack": SLACK,
        "cutoff": now - REASSESS_EVERY,
    }
    if asset_id is not None:
        exposed = f"""AND EXISTS (SELECT 1 FROM accounts_ledgeraccount x
                       WHERE x.owner_id = m.user_id AND x.asset_id = %(asset)s
                         AND x.kind IN ('margin', 'loan_principal', 'loan_interest')
                         AND {n("x.balance")} <> 0)"""
        params["asset"] = asset_id
    query = f"""
        WITH terms AS (
            SELECT a.id AS asset_id,
                   CASE WHEN a.is_collateral THEN COALESCE(MIN({n("t.factor")}), 0) ELSE 0 END AS fmin,
                   CASE WHEN COUNT(t.id) > 0 AND COUNT(t.id) = COUNT(t.up_to)
                        THEN MAX({n("t.up_to")}) END AS cap,
                   CASE WHEN a.symbol = %(quote)s THEN 1 ELSE {n("p.price")} END AS price
              FROM risk_asset a
              LEFT JOIN risk_collateraltier t ON t.asset_id = a.id
              LEFT JOIN risk_assetprice p ON p.asset_id = a.id
             GROUP BY a.id, a.is_collateral, a.symbol, p.price
        ),
        exposure AS (
            SELECT m.id AS account_id,
                   SUM(CASE WHEN la.kind = 'margin' THEN
                            (CASE WHEN tm.cap IS NULL OR {n("la.balance")} * tm.price < tm.cap
                                  THEN {n("la.balance")} * tm.price ELSE tm.cap END) * tm.fmin
                       ELSE 0 END) AS cv_low,
                   SUM(CASE WHEN la.kind <> 'margin' THEN -{n("la.balance")} * tm.price ELSE 0 END) AS l_high,
                   SUM(CASE WHEN tm.price IS NULL THEN 1 ELSE 0 END) AS unpriced
              FROM accounts_marginaccount m
              JOIN accounts_ledgeraccount la
                ON la.owner_id = m.user_id AND la.kind IN ('margin', 'loan_principal', 'loan_interest')
              JOIN terms tm ON tm.asset_id = la.asset_id
             WHERE m.id BETWEEN %(lo)s AND %(hi)s AND {n("la.balance")} <> 0
             GROUP BY m.id
        )
        SELECT m.id FROM accounts_marginaccount m
          LEFT JOIN exposure e ON e.account_id = m.id
         WHERE m.id BETWEEN %(lo)s AND %(hi)s {exposed}
           AND (m.status <> 'healthy'
                OR EXISTS (SELECT 1 FROM risk_margincall mc
                            WHERE mc.margin_account_id = m.id AND mc.closed_at IS NULL)
                OR (e.l_high > 0 AND (e.unpriced > 0
                                      OR e.cv_low < e.l_high * %(level)s * (1 + %(slack)s) + %(slack)s
                                      OR m.assessed_at IS NULL OR m.assessed_at < %(cutoff)s)))
         ORDER BY m.id
    """
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return [row[0] for row in cursor.fetchall()]
