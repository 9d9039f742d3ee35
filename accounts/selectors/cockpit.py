"""The risk desk's numbers at a glance (the admin home page), each with the list it counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from margin_project.events.selectors import events_outbox_lag
from margin_project.formatting import quote_text
from risk.models import Asset, Liquidation, MarginCall, RiskSettings, StaffAlert

from ..models import LedgerAccount
from ..models.ledger import AccountKind


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: str | int
    url: str
    alarm: bool = False  # drawn in red when something needs a look


@dataclass(frozen=True)
class StalePrice:
    symbol: str
    observed_at: datetime | None  # None: never priced


@dataclass(frozen=True)
class Cockpit:
    figures: list[Figure]
    insurance_fund: list[tuple[str, Decimal]]  # per asset, non-zero balances
    stale: list[StalePrice]
    stale_alerts: int  # open stale-price alerts (prices a sweep could not use)
    max_price_age: timedelta

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


# Webhook deliveries further behind than this (or an endpoint failing) are drawn in red.
OUTBOX_LAG_ALARM = timedelta(minutes=5)


def _outbox_lag_figure(now: datetime) -> Figure:
    """How far webhook delivery is behind: the age of the oldest event an active endpoint awaits."""
    lag = events_outbox_lag(now=now)
    if lag.caught_up:
        value = "caught up"
    else:
        minutes = int(lag.age.total_seconds() // 60)
        value = f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"
    return Figure(
        "outbox_lag",
        "Webhook outbox lag",
        value,
        _admin("events_webhookendpoint_changelist"),
        alarm=lag.endpoints_failing > 0 or (lag.age is not None and lag.age > OUTBOX_LAG_ALARM),
    )


def _admin(name: str, **query) -> str:
    url = reverse(f"admin:{name}")
    return f"{url}?{urlencode(query)}" if query else url


def desk_cockpit(*, now: datetime | None = None) -> Cockpit:
    """Accounts in margin call, liquidations and bad debt in 24 h, the insurance fund, stale
    prices and open alerts, from a handful of queries."""
    now = now or timezone.now()
    since = now - timedelta(hours=24)
    max_age = RiskSettings.load().max_price_age
    cutoff = now - max_age
    in_call = MarginCall.objects.filter(closed_at__isnull=True).values("margin_account").distinct().count()
    recent = Liquidation.objects.filter(created_at__gte=since)
    liquidations = list(recent.values_list("bad_debt_value", flat=True))
    bad_debt = sum(liquidations, Decimal(0))
    stale = [
        StalePrice(symbol, observed)
        for symbol, observed in Asset.objects.exclude(symbol=settings.QUOTE_ASSET)
        .filter(Q(price__isnull=True) | Q(price__observed_at__lt=cutoff))
        .order_by("symbol")
        .values_list("symbol", "price__observed_at")
    ]
    open_alerts = StaffAlert.objects.filter(resolved_at__isnull=True)
    alerts = open_alerts.count()
    stale_alerts = open_alerts.filter(kind=StaffAlert.Kind.STALE_PRICE).count()
    fund = [
        (symbol, balance)
        for symbol, balance in LedgerAccount.objects.filter(
            owner__isnull=True, kind=AccountKind.INSURANCE_FUND
        )
        .order_by("asset__symbol")
        .values_list("asset__symbol", "balance")
        if balance
    ]
    since_text = since.isoformat(timespec="seconds")
    figures = [
        Figure(
            "margin_calls",
            "Accounts in margin call",
            in_call,
            _admin("accounts_marginaccount_changelist", risk="margin_call"),
            alarm=in_call > 0,
        ),
        Figure(
            "liquidations",
            "Liquidations in 24 h",
            len(liquidations),
            _admin("risk_liquidation_changelist", created_at__gte=since_text),
        ),
        Figure(
            "bad_debt",
            "Bad debt in 24 h (USDT)",
            quote_text(bad_debt),
            _admin("risk_liquidation_changelist", created_at__gte=since_text, bad_debt_value__gt="0"),
            alarm=bad_debt > 0,
        ),
        Figure(
            "stale_prices",
            "Stale prices",
            len(stale),
            _admin("risk_assetprice_changelist", observed_at__lt=cutoff.isoformat(timespec="seconds")),
            alarm=bool(stale),
        ),
        Figure(
            "open_alerts",
            "Open alerts",
            alerts,
            _admin("risk_staffalert_changelist", resolved_at__isnull="True"),
            alarm=alerts > 0,
        ),
        _outbox_lag_figure(now),
    ]
    return Cockpit(
        figures=figures, insurance_fund=fund, stale=stale, stale_alerts=stale_alerts, max_price_age=max_age
    )
