"""Recording prices: the one writer of ``AssetPrice``, behind a sanity band and a second source.

Every reported price is appended to the observation log, then decided:

- **live** when enough independent reporters agree: the live price becomes the median
  of the latest report of each reporter within the confirmation window that lies within
  the band of this one. Enough is the asset's ``price_sources_required`` (default 1),
  and at least 2 when that median moves more than the sanity band from the live price
  (the asset's ``max_price_move``, else the risk settings', default 15 %).
- **held** otherwise: a ``PriceHold`` waits for a second reporter (within the band,
  within the window) or a second staff member (with the confirm permission, never the
  one who recorded it) to confirm it; staff are alerted. Meanwhile the live price stays
  as it was and keeps ageing; while a move beyond the band is held (and younger than
  the maximum price age) the asset counts as stale (``risk.selectors.market_snapshot``):
  no borrowing, transfer out of margin or liquidation relies on it. Actions that only
  lower risk never depend on prices.

A reporter is the account that reported (a staff or feed user), or, for the command
line and in-process feeds, the source's name: one account cannot confirm itself by
inventing a second source name. ``price_changed`` is sent only when the live price
actually changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Q
from django.utils import timezone

from margin_project.errors import Conflict, DomainError, InvalidAmount, NotFound, UnknownAsset
from margin_project.money import decimal_parse, places_of, plain, quantum
from margin_project.transactions import atomic_retry

from ..events import record_price_recorded
from ..models import Asset, AssetPrice, PriceDecision, PriceHold, PriceObservation, RiskSettings
from ..signals import price_changed
from .alerts import price_held_alert, price_held_alerts_resolve, stale_price_alerts_resolve

MAX_PRICE_PLACES = 18
MAX_PRICE = Decimal(10) ** 21
REPORTS = (PriceDecision.LIVE, PriceDecision.HELD)


class SecondPersonRequired(DomainError):
    code = "second_person_required"
    status = 403


class StaffRequired(DomainError):
    code = "forbidden"
    status = 403


@dataclass(frozen=True)
class PriceOutcome:
    """What one report did: the log entry, the live price after it, the hold if it was held."""

    asset: Asset
    observation: PriceObservation
    live: AssetPrice | None
    hold: PriceHold | None = None
    changed: bool = False

    @property
    def decision(self) -> str:
        return self.observation.decision


def price_parse(value: object, *, field: str = "price") -> Decimal:
    """A price in the quote asset: exact, positive, at most 18 places, below 10**21."""
    price = decimal_parse(value, field=field, what="price")
    if price <= 0:
        raise InvalidAmount("The price must be greater than zero.", field=field)
    if places_of(price) > MAX_PRICE_PLACES or price >= MAX_PRICE:
        raise InvalidAmount("The price has too many digits.", field=field)
    return price


def price_band(asset: Asset, risk: RiskSettings | None = None) -> Decimal:
    """The largest relative move one update of ``asset`` may make without a confirmation."""
    if asset.max_price_move is not None:
        return asset.max_price_move
    return (risk or RiskSettings.load()).max_price_move


def price_change(new: Decimal, reference: Decimal) -> Decimal:
    """The relative change from ``reference`` to ``new`` (-0.9 is -90 %)."""
    return (new - reference) / reference


def _within(price: Decimal, reference: Decimal, band: Decimal) -> bool:
    return abs(price - reference) <= band * reference


def _median(prices: list[Decimal]) -> Decimal:
    ordered = sorted(prices)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    mean = (ordered[middle - 1] + ordered[middle]) / 2
    return mean.quantize(quantum(MAX_PRICE_PLACES), rounding=ROUND_HALF_EVEN)


def _percent(change: Decimal) -> str:
    return f"{change * 100:+.2f} %"


def _reporter(recorded_by, source: str) -> str:
    return f"user:{recorded_by.pk}" if recorded_by is not None else f"source:{source}"


def _asset_locked(asset: Asset | str) -> Asset:
    """The asset's row, locked: decisions about one asset's price are taken one at a time."""
    lookup = Q(pk=asset.pk) if isinstance(asset, Asset) else Q(symbol=str(asset).strip().upper())
    # NO KEY: ledger legs of the asset only need it to exist (a key-share lock), so they pass.
    locked = Asset.objects.select_for_update(no_key=True, of=("self",)).filter(lookup).first()
    if locked is None:
        raise UnknownAsset(f"Unknown asset {str(asset).strip()[:16]!r}.", field="asset")
    return locked


def _live_set(asset: Asset, live: AssetPrice | None, price: Decimal, source: str, observed_at: datetime):
    """Store the live price; returns (row, whether the price changed)."""
    if live is None:
        live = AssetPrice.objects.create(
            asset=asset, price=price, source=source[:64], observed_at=observed_at
        )
        changed = True
    else:
        changed = live.price != price
        live.price, live.source, live.observed_at = price, source[:64], observed_at
        live.save(update_fields=["price", "source", "observed_at", "updated_at"])
    record_price_recorded(live)
    stale_price_alerts_resolve(asset=asset)
    if changed:
        price_changed.send(sender=AssetPrice, asset_id=asset.pk)
    return live, changed


def _holds_resolve(holds: Iterable[PriceHold], status: str, resolution: str, by=None) -> None:
    now = timezone.now()
    for hold in holds:
        hold.status, hold.resolved_at, hold.resolved_by = status, now, by
        hold.resolution = resolution[:255]
        hold.save(update_fields=["status", "resolved_at", "resolved_by", "resolution", "updated_at"])


def _alerts_settle(asset: Asset) -> None:
    if not PriceHold.objects.filter(asset=asset, status=PriceHold.Status.PENDING).exists():
        price_held_alerts_resolve(asset=asset)


@atomic_retry
def price_observe(
    *,
    asset: Asset | str,
    price: object,
    source: str = "manual",
    observed_at: datetime | None = None,
    recorded_by=None,
) -> PriceOutcome:
    """Record a reported price of ``asset`` (in the quote asset) and decide: live, held or ignored.

    A report older than the live price is logged and ignored (feeds deliver out of order).
    """
    if isinstance(asset, str) and not asset.strip():
        raise UnknownAsset("Name an asset by its symbol.", field="asset")
    value = price_parse(price)
    source = (str(source or "").strip() or "manual")[:64]
    now = timezone.now()
    observed_at = observed_at or now
    if observed_at > now + timedelta(minutes=1):
        raise InvalidAmount("The price's time is in the future.", field="observed_at")
    asset = _asset_locked(asset)
    risk = RiskSettings.load()
    live = AssetPrice.objects.filter(asset=asset).first()
    reporter = _reporter(recorded_by, source)
    report = {
        "asset": asset,
        "price": value,
        "source": source,
        "observed_at": observed_at,
        "recorded_by": recorded_by,
        "reporter": reporter,
        "previous_price": live.price if live else None,
    }
    if live is not None and observed_at < live.observed_at:
        observation = PriceObservation.objects.create(
            **report,
            decision=PriceDecision.IGNORED,
            live_price=live.price,
            note=f"Observed before the live price ({live.observed_at:%Y-%m-%d %H:%M:%S} UTC).",
        )
        return PriceOutcome(asset=asset, observation=observation, live=live)

    band = price_band(asset, risk)
    others = (
        PriceObservation.objects.filter(
            asset=asset,
            decision__in=REPORTS,
            observed_at__gte=observed_at - risk.price_confirm_window,
            observed_at__lte=observed_at,
        )
        .exclude(reporter=reporter)
        .exclude(hold__status__in=[PriceHold.Status.REJECTED, PriceHold.Status.SUPERSEDED])
        .order_by("reporter", "-observed_at", "-id")
    )
    latest: dict[str, PriceObservation] = {}
    for other in others:
        latest.setdefault(other.reporter, other)
    agreeing = [value] + [o.price for o in latest.values() if _within(o.price, value, band)]
    candidate = _median(agreeing)
    moved = live is not None and not _within(candidate, live.price, band)
    needed = max(asset.price_sources_required, 2 if moved else 1)
    change = f" ({_percent(price_change(candidate, live.price))})" if live else ""

    # The reporter's own earlier pending holds give way to its new report.
    own = PriceHold.objects.filter(
        asset=asset, status=PriceHold.Status.PENDING, observation__reporter=reporter
    )
    if len(agreeing) >= needed:
        sources = f"median of {len(agreeing)} sources" if len(agreeing) > 1 else source
        live, changed = _live_set(
            asset, live, candidate, source if len(agreeing) == 1 else sources, observed_at
        )
        confirmed = [
            hold
            for hold in PriceHold.objects.filter(asset=asset, status=PriceHold.Status.PENDING)
            .exclude(observation__reporter=reporter)
            .select_related("observation")
            if _within(hold.observation.price, candidate, band)
        ]
        observation = PriceObservation.objects.create(
            **report,
            decision=PriceDecision.LIVE,
            live_price=candidate,
            note=f"Live at {plain(candidate)}{change}: {sources}.",
            confirms=confirmed[0].observation if len(confirmed) == 1 else None,
        )
        _holds_resolve(confirmed, PriceHold.Status.CONFIRMED, f"Confirmed by {source} (#{observation.pk}).")
        _holds_resolve(own, PriceHold.Status.SUPERSEDED, f"Replaced by a newer report (#{observation.pk}).")
        _alerts_settle(asset)
        return PriceOutcome(asset=asset, observation=observation, live=live, changed=changed)

    if moved:
        reason = PriceHold.Reason.OUT_OF_BAND
        why = (
            f"{plain(candidate)}{change} moves more than the ±{band * 100:.4g} % band from "
            f"{plain(live.price)}: it needs a second source or a second staff member"
        )
    else:
        reason = PriceHold.Reason.TOO_FEW_SOURCES
        why = f"{len(agreeing)} of the {needed} sources {asset.symbol} needs have reported {plain(value)}"
    observation = PriceObservation.objects.create(
        **report, decision=PriceDecision.HELD, live_price=live.price if live else None, note=f"Held: {why}."
    )
    _holds_resolve(own, PriceHold.Status.SUPERSEDED, f"Replaced by a newer report (#{observation.pk}).")
    hold = PriceHold.objects.create(asset=asset, observation=observation, reason=reason)
    price_held_alert(
        asset=asset,
        message=f"A price of {asset.symbol} from {source} is held: {why}. The live price stays "
        f"{plain(live.price) if live else 'unset'} until it is confirmed.",
    )
    return PriceOutcome(asset=asset, observation=observation, live=live, hold=hold)


def _hold_locked(hold_id: int) -> PriceHold:
    hold = PriceHold.objects.select_related("asset", "observation").filter(pk=hold_id).first()
    if hold is None:
        raise NotFound("No such held price.", field="hold")
    _asset_locked(hold.asset)  # the asset first, as price_observe locks it
    hold.refresh_from_db(fields=["status"])
    if hold.status != PriceHold.Status.PENDING:
        raise Conflict(f"That price is no longer held: it was {hold.get_status_display().lower()}.")
    return hold


@atomic_retry
def price_hold_confirm(*, hold_id: int, staff_user) -> PriceOutcome:
    """A second staff member makes a held price live (never the one who recorded it)."""
    if not getattr(staff_user, "is_staff", False):
        raise StaffRequired("Only staff may confirm a price.")
    hold = _hold_locked(hold_id)
    held = hold.observation
    if held.recorded_by_id == staff_user.pk:
        raise SecondPersonRequired(
            "A held price is confirmed by a second staff member, not by the one who recorded it."
        )
    risk = RiskSettings.load()
    if held.observed_at < timezone.now() - risk.max_price_age:
        raise Conflict("That price is too old to confirm; record a fresh one.", code="stale_price")
    asset = hold.asset
    live = AssetPrice.objects.filter(asset=asset).first()
    if live is not None and live.observed_at > held.observed_at:
        raise Conflict("A newer price is live already; record a fresh one to move it.")
    who = staff_user.get_username()
    before = live.price if live is not None else None
    live, changed = _live_set(asset, live, held.price, f"{held.source} ✓ {who}", held.observed_at)
    observation = PriceObservation.objects.create(
        asset=asset,
        price=held.price,
        source=f"staff:{who}"[:64],
        observed_at=held.observed_at,
        recorded_by=staff_user,
        reporter=_reporter(staff_user, ""),
        decision=PriceDecision.CONFIRMED,
        previous_price=before,
        live_price=held.price,
        note=f"Held price #{held.pk} from {held.source} confirmed by {who}.",
        confirms=held,
    )
    _holds_resolve([hold], PriceHold.Status.CONFIRMED, f"Confirmed by {who} (#{observation.pk}).", staff_user)
    # Older holds of the asset are moot now that a price is confirmed.
    older = PriceHold.objects.filter(
        asset=asset, status=PriceHold.Status.PENDING, observation__observed_at__lte=held.observed_at
    )
    _holds_resolve(older, PriceHold.Status.SUPERSEDED, f"Superseded by #{observation.pk}.")
    _alerts_settle(asset)
    return PriceOutcome(asset=asset, observation=observation, live=live, hold=hold, changed=changed)


@atomic_retry
def price_hold_reject(*, hold_id: int, staff_user, reason: str = "") -> PriceHold:
    """Staff dismiss a held price: it never goes live (the recorder may retract their own)."""
    if not getattr(staff_user, "is_staff", False):
        raise StaffRequired("Only staff may reject a price.")
    hold = _hold_locked(hold_id)
    held = hold.observation
    who = staff_user.get_username()
    live = AssetPrice.objects.filter(asset=hold.asset).first()
    observation = PriceObservation.objects.create(
        asset=hold.asset,
        price=held.price,
        source=f"staff:{who}"[:64],
        observed_at=held.observed_at,
        recorded_by=staff_user,
        reporter=_reporter(staff_user, ""),
        decision=PriceDecision.REJECTED,
        previous_price=live.price if live else None,
        live_price=live.price if live else None,
        note=f"Held price #{held.pk} from {held.source} rejected by {who}. {reason.strip()}"[:255],
        confirms=held,
    )
    _holds_resolve([hold], PriceHold.Status.REJECTED, f"Rejected by {who} (#{observation.pk}).", staff_user)
    _alerts_settle(hold.asset)
    return hold


def price_record(
    *,
    asset: Asset | str,
    price: object,
    source: str = "manual",
    observed_at: datetime | None = None,
    recorded_by=None,
) -> AssetPrice | None:
    """Report a price (see ``price_observe``); the live price after it (None before the first)."""
    return price_observe(
        asset=asset, price=price, source=source, observed_at=observed_at, recorded_by=recorded_by
    ).live


@atomic_retry
def prices_record(
    *,
    quotes: Iterable[tuple[str, object]],
    source: str,
    observed_at: datetime | None = None,
    recorded_by=None,
) -> list[PriceOutcome]:
    """Report several prices at once: all or none (a feed's batch)."""
    return [
        price_observe(
            asset=symbol, price=price, source=source, observed_at=observed_at, recorded_by=recorded_by
        )
        for symbol, price in quotes
    ]
