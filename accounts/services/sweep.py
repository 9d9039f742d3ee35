"""Margin sweeps: assess accounts with the engine; margin calls and liquidations follow.

The bulk screen (``accounts.selectors.screen``) picks candidates per chunk of account
ids; each candidate is decided here in its own transaction with its row locked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from risk import engine
from risk.models import MarginCall, RatioSnapshot, StatusChange
from risk.selectors import MarketSnapshot, market_snapshot, thresholds_current
from risk.services.alerts import stale_price_alert
from risk.services.lease import lease_acquire, lease_release

from ..models import MarginAccount
from ..selectors.positions import account_positions
from ..selectors.screen import REASSESS_EVERY, chunk_of, screen_candidates
from .liquidation import liquidation_execute
from .notifications import notification_create

LEASE_TTL = timedelta(minutes=5)


@dataclass(frozen=True)
class SweepOutcome:
    margin_account_id: int
    status: str
    margin_ratio: Decimal | None
    margin_call_opened: bool = False
    margin_call_closed: bool = False
    liquidation_id: int | None = None
    stale_symbols: tuple[str, ...] = ()


@dataclass
class ChunkResult:
    lo: int
    hi: int
    busy: bool = False
    candidates: int = 0
    outcomes: list[SweepOutcome] = field(default_factory=list)


def account_sweep(
    *,
    margin_account_id: int,
    now: datetime | None = None,
    market: MarketSnapshot | None = None,
    thresholds: engine.Thresholds | None = None,
) -> SweepOutcome:
    """Assess one account and act: open/close its margin call, liquidate at or below the level.

    No liquidation runs on a stale price: the risk desk is alerted instead. A chunk
    passes the ``market`` and ``thresholds`` it read once for all its accounts.
    """
    now = now or timezone.now()
    with transaction.atomic():
        account = (
            MarginAccount.objects.select_for_update()
            .select_related("user")
            .filter(pk=margin_account_id)
            .first()
        )
        if account is None:  # deleted since the task was queued: nothing to do
            return SweepOutcome(margin_account_id, "missing", None)
        thresholds = thresholds or thresholds_current()
        positions = account_positions(account)
        market = market or market_snapshot(symbols=set(positions), now=now)
        unpriced = sorted(set(positions) - set(market.terms))
        if unpriced:
            for symbol in unpriced:
                if symbol in market.assets:
                    stale_price_alert(asset=market.assets[symbol], accounts_affected=1)
            return SweepOutcome(
                account.pk, account.status, account.margin_ratio, stale_symbols=tuple(unpriced)
            )
        valuation = engine.value(positions, market.terms)
        status = engine.status(valuation, thresholds)
        stale = tuple(sorted(set(positions) & market.stale))
        open_call = (
            MarginCall.objects.select_for_update()
            .filter(margin_account=account, closed_at__isnull=True)
            .first()
        )
        opened = closed = False
        liquidation = None
        if status != engine.Status.HEALTHY and open_call is None:
            open_call = _margin_call_open(account, valuation, thresholds, now)
            opened = True
        if status == engine.Status.LIQUIDATION:
            if stale:
                for symbol in stale:
                    stale_price_alert(asset=market.assets[symbol], accounts_affected=1)
            else:
                liquidation = liquidation_execute(
                    margin_account=account,
                    positions=positions,
                    market=market,
                    thresholds=thresholds,
                    valuation=valuation,
                    margin_call=open_call,
                )
                if liquidation is not None:
                    positions = account_positions(account)
                    valuation = engine.value(positions, market.terms)
                    status = engine.status(valuation, thresholds)
        if open_call is not None:
            changed = False
            if status == engine.Status.HEALTHY:
                open_call.closed_at = now
                open_call.ratio_at_close = valuation.margin_ratio
                open_call.close_reason = "liquidated" if liquidation else "ratio recovered"
                closed = changed = True
            if valuation.margin_ratio is not None and valuation.margin_ratio < open_call.lowest_ratio:
                open_call.lowest_ratio = valuation.margin_ratio
                changed = True
            if changed:
                open_call.save()
        _record(account, valuation, str(status), now)
    return SweepOutcome(
        margin_account_id=account.pk,
        status=str(status),
        margin_ratio=valuation.margin_ratio,
        margin_call_opened=opened,
        margin_call_closed=closed,
        liquidation_id=liquidation.pk if liquidation else None,
        stale_symbols=stale,
    )


def _margin_call_open(account, valuation, thresholds, now) -> MarginCall:
    call = MarginCall.objects.create(
        margin_account=account,
        opened_at=now,
        ratio_at_open=valuation.margin_ratio,
        lowest_ratio=valuation.margin_ratio,
    )
    pct = (valuation.margin_ratio * 100).quantize(Decimal("0.01"))
    notification_create(
        user=account.user,
        kind="margin_call",
        title=f"Margin call: your margin ratio is {pct}%",
        body=(
            f"Your margin ratio fell to {pct}%, below the margin-call level of "
            f"{(thresholds.margin_call * 100):.0f}%. Add collateral or repay to avoid a partial "
            f"liquidation at {(thresholds.liquidation * 100):.0f}%."
        ),
        link="/",
        dedupe_key=f"margin_call:{call.pk}",
    )
    return call


def _record(account: MarginAccount, valuation: engine.Valuation, status: str, now: datetime) -> None:
    """Cache the assessment on the account; history when the status changes; a chart point now and then."""
    if account.status != status:
        StatusChange.objects.create(
            margin_account=account,
            at=now,
            from_status=account.status,
            to_status=status,
            margin_ratio=valuation.margin_ratio,
        )
    last = RatioSnapshot.objects.filter(margin_account=account).order_by("-taken_at").first()
    if last is None or now - last.taken_at >= REASSESS_EVERY or account.status != status:
        RatioSnapshot.objects.create(
            margin_account=account,
            taken_at=now,
            margin_ratio=valuation.margin_ratio,
            collateral_value=valuation.collateral_value,
            liability_value=valuation.liability,
            status=status,
        )
    account.status = status
    account.margin_ratio = valuation.margin_ratio
    account.collateral_value = valuation.collateral_value
    account.liability_value = valuation.liability
    account.has_liability = valuation.liability > 0
    account.assessed_at = now
    account.save(
        update_fields=[
            "status",
            "margin_ratio",
            "collateral_value",
            "liability_value",
            "has_liability",
            "assessed_at",
            "updated_at",
        ]
    )


def sweep_chunk(*, lo: int, hi: int, asset_id: int | None = None, now: datetime | None = None) -> ChunkResult:
    """Screen one chunk of accounts in SQL, then assess each candidate with the engine.

    Only one sweep of a chunk runs at a time (a lease in the database); a second
    one returns ``busy`` and does nothing.
    """
    result = ChunkResult(lo=lo, hi=hi)
    name = f"sweep:{lo}-{hi}"
    token = lease_acquire(name=name, ttl=LEASE_TTL)
    if token is None:
        result.busy = True
        return result
    try:
        candidates = screen_candidates(lo=lo, hi=hi, asset_id=asset_id, now=now)
        result.candidates = len(candidates)
        if candidates:
            market, thresholds = market_snapshot(now=now), thresholds_current()
        for account_id in candidates:
            result.outcomes.append(
                account_sweep(margin_account_id=account_id, now=now, market=market, thresholds=thresholds)
            )
    finally:
        lease_release(name=name, token=token)
    return result


def sweep_queue(*, margin_account_ids: list[int] | None = None) -> int:
    """Queue sweeps: every chunk, or just the given accounts. Returns tasks queued."""
    from ..selectors.screen import account_chunks
    from ..tasks import sweep_accounts_task, sweep_chunk_task

    if margin_account_ids is not None:
        ids = sorted(set(margin_account_ids))
        if ids:
            transaction.on_commit(lambda: sweep_accounts_task.delay(ids))
        return 1 if ids else 0
    chunks = account_chunks()
    for lo, hi in chunks:
        transaction.on_commit(lambda lo=lo, hi=hi: sweep_chunk_task.delay(lo, hi))
    return len(chunks)


__all__ = ["ChunkResult", "SweepOutcome", "account_sweep", "chunk_of", "sweep_chunk", "sweep_queue"]
