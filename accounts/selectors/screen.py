"""The sweep's bulk screen: one SQL statement per chunk finds the accounts to assess.

It values collateral band by band as the engine does, and picks every account whose
status could differ from the one last recorded: a healthy account near or below the
margin-call level, an account in margin call that may have recovered or reached the
liquidation level, any account in liquidation (a stale price may have held it back),
an open margin call out of step with the status, an unpriced asset, or an account not
assessed for 15 minutes (for the ratio chart). A small slack around each level covers
the engine's rounding and SQLite's float arithmetic, so the screen never misses an
account the engine would act on (a Hypothesis test checks it). An account near a level
whose collateral value and liability have not moved since its last assessment keeps
that assessment: an account simply staying in margin call, or left by a liquidation
just above the target, is not re-assessed every minute.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Max, Min
from django.utils import timezone

from risk.models import RiskSettings

from ..models import MarginAccount

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
    risk = RiskSettings.load()
    n = _num
    exposed = ""
    params: dict[str, object] = {
        "lo": lo,
        "hi": hi,
        "quote": settings.QUOTE_ASSET,
        "call": risk.margin_call_level,
        "liquidation": risk.liquidation_level,
        "settings_changed": risk.updated_at,
        "slack": SLACK,
        "cutoff": now - REASSESS_EVERY,
    }
    if asset_id is not None:
        exposed = f"""AND EXISTS (SELECT 1 FROM accounts_ledgeraccount x
                       WHERE x.owner_id = m.user_id AND x.asset_id = %(asset)s
                         AND x.kind IN ('margin', 'loan_principal', 'loan_interest')
                         AND {n("x.balance")} <> 0)"""
        params["asset"] = asset_id
    # Collateral value exactly as the engine tiers it (band by band, like tax brackets);
    # on PostgreSQL numeric is exact, on SQLite the REAL arithmetic is covered by the slack.
    cv = "COALESCE(c.value, 0)"
    call_high = "e.liability * %(call)s * (1 + %(slack)s) + %(slack)s"
    call_low = "e.liability * %(call)s * (1 - %(slack)s) - %(slack)s"
    liquidation_high = "e.liability * %(liquidation)s * (1 + %(slack)s) + %(slack)s"
    # Near a level but unchanged since the engine last looked (same values, same settings):
    # its decision stands. This keeps accounts a liquidation left just above the target
    # from being re-assessed every minute; any price, balance, tier or setting change
    # moves the values (or the settings' time) and brings them back.
    moved = f"""(m.assessed_at IS NULL OR m.assessed_at < %(settings_changed)s
                 OR ABS({cv} - {n("m.collateral_value")}) > %(slack)s * (1 + {cv})
                 OR ABS(e.liability - {n("m.liability_value")}) > %(slack)s * (1 + e.liability))"""
    query = f"""
        WITH bands AS (
            SELECT t.asset_id, {n("t.factor")} AS factor, {n("t.up_to")} AS upper,
                   COALESCE(LAG({n("t.up_to")}) OVER (PARTITION BY t.asset_id
                                                       ORDER BY {n("t.up_to")} NULLS LAST), 0) AS lower
              FROM risk_collateraltier t
        ),
        prices AS (
            SELECT a.id AS asset_id, a.is_collateral,
                   CASE WHEN a.symbol = %(quote)s THEN 1 ELSE {n("p.price")} END AS price
              FROM risk_asset a LEFT JOIN risk_assetprice p ON p.asset_id = a.id
        ),
        holdings AS (
            SELECT m.id AS account_id, la.kind, la.asset_id, {n("la.balance")} * pr.price AS market_value,
                   pr.is_collateral, pr.price
              FROM accounts_marginaccount m
              JOIN accounts_ledgeraccount la
                ON la.owner_id = m.user_id AND la.kind IN ('margin', 'loan_principal', 'loan_interest')
              JOIN prices pr ON pr.asset_id = la.asset_id
             WHERE m.id BETWEEN %(lo)s AND %(hi)s AND {n("la.balance")} <> 0
        ),
        collateral AS (
            SELECT h.account_id,
                   SUM(CASE WHEN h.is_collateral THEN b.factor * (
                            CASE WHEN b.upper IS NULL OR h.market_value < b.upper
                                 THEN h.market_value ELSE b.upper END - b.lower)
                       ELSE 0 END) AS value
              FROM holdings h JOIN bands b ON b.asset_id = h.asset_id
             WHERE h.kind = 'margin' AND h.market_value > b.lower
             GROUP BY h.account_id
        ),
        exposure AS (
            SELECT h.account_id,
                   SUM(CASE WHEN h.kind <> 'margin' THEN -h.market_value ELSE 0 END) AS liability,
                   SUM(CASE WHEN h.price IS NULL THEN 1 ELSE 0 END) AS unpriced
              FROM holdings h GROUP BY h.account_id
        )
        SELECT m.id FROM accounts_marginaccount m
          LEFT JOIN exposure e ON e.account_id = m.id
          LEFT JOIN collateral c ON c.account_id = m.id
         WHERE m.id BETWEEN %(lo)s AND %(hi)s {exposed}
           AND ((e.liability > 0 AND (e.unpriced > 0 OR m.assessed_at IS NULL OR m.assessed_at < %(cutoff)s))
                OR m.status = 'liquidation'
                OR (m.status = 'healthy'
                    AND (EXISTS (SELECT 1 FROM risk_margincall mc
                                  WHERE mc.margin_account_id = m.id AND mc.closed_at IS NULL)
                         OR (e.liability > 0 AND {cv} < {call_high} AND {moved})))
                OR (m.status = 'margin_call'
                    AND (COALESCE(e.liability, 0) = 0
                         OR NOT EXISTS (SELECT 1 FROM risk_margincall mc
                                         WHERE mc.margin_account_id = m.id AND mc.closed_at IS NULL)
                         OR (({cv} >= {call_low} OR {cv} <= {liquidation_high}) AND {moved}))))
         ORDER BY m.id
    """
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return [row[0] for row in cursor.fetchall()]
