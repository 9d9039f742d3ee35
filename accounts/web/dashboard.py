"""The dashboard's page model: the account summary arranged for display.

Every number comes from ``account_summary`` (the engine); this only lines the figures
up per asset and adds the few sums a person wants to read (market value, net equity,
how far each liquidation price is from today's price).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Loan, MarginAccount
from accounts.selectors import AccountSummary, LoanLine, account_summary
from margin_project.formatting import nice_ceiling
from margin_project.money import round_down
from margin_project.zones import Zone
from risk import engine
from risk.models import Liquidation, MarginCall

from .chart import COMPACT, Gauge, RatioChart, ratio_chart, ratio_gauge, ratio_history

QUOTE_PLACES = engine.QUOTE_PLACES
HUNDRED = Decimal(100)
MAX_FIXES = 3  # spot assets named in a margin call's fix


@dataclass(frozen=True)
class AssetLine:
    symbol: str
    name: str
    spot: Decimal
    margin: Decimal
    price: Decimal | None  # None: no price yet
    observed_at: datetime | None
    stale: bool
    is_collateral: bool
    factor: Decimal | None  # effective collateral factor of the margin holding
    market_value: Decimal
    collateral_value: Decimal
    share: Decimal  # of the total collateral value, as a fraction
    owed: Decimal


@dataclass(frozen=True)
class LiquidationPriceLine:
    symbol: str
    price: Decimal
    margin_call: Decimal | None
    liquidation: Decimal | None

    @staticmethod
    def _move(target: Decimal | None, price: Decimal) -> Decimal | None:
        if target is None:
            return None
        return ((target / price - 1) * HUNDRED).quantize(Decimal("0.01"))

    @property
    def margin_call_move(self) -> Decimal | None:
        """Percent change of the price that would open a margin call (negative: a fall)."""
        return self._move(self.margin_call, self.price)

    @property
    def liquidation_move(self) -> Decimal | None:
        return self._move(self.liquidation, self.price)


@dataclass(frozen=True)
class BorrowableLine:
    symbol: str
    name: str
    amount: Decimal
    limited_by: str
    daily_rate: Decimal


@dataclass(frozen=True)
class Fix:
    """Moving this much of an asset from spot into margin brings the ratio to each level."""

    symbol: str
    spot: Decimal
    to_margin_call: Decimal | None  # None: even all of it would not reach the level
    to_borrow: Decimal | None

    @property
    def prefill(self) -> Decimal:
        """The amount the transfer form is filled with: enough to leave the margin call."""
        return self.to_margin_call if self.to_margin_call is not None else self.spot


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool
    url_name: str


@dataclass(frozen=True)
class Dashboard:
    summary: AccountSummary
    status: str
    status_label: str
    lines: list[AssetLine]
    market_value: Decimal
    net_equity: Decimal
    loans: list[LoanLine]
    borrowable: list[BorrowableLine]
    liquidation_prices: list[LiquidationPriceLine]
    stale: list[str]
    missing: list[str]
    open_margin_call: MarginCall | None
    recent_liquidations: list[Liquidation]
    chart: RatioChart
    chart_compact: RatioChart  # the same history drawn for a phone's width
    gauge: Gauge
    zone: Zone
    fixes: list[Fix]
    checklist: list[Step]

    @property
    def show_checklist(self) -> bool:
        return not all(step.done for step in self.checklist)

    @property
    def valuation(self) -> engine.Valuation:
        return self.summary.valuation

    @property
    def thresholds(self) -> engine.Thresholds:
        return self.summary.thresholds


def _asset_lines(summary: AccountSummary) -> list[AssetLine]:
    rows = {row.symbol: row for row in summary.valuation.rows}
    market = summary.market
    symbols = sorted(
        set(rows) | {s for s, w in summary.wallets.items() if w["spot"] or w["margin"]},
        key=lambda s: (-(rows[s].collateral_value if s in rows else 0), s),
    )
    lines = []
    for symbol in symbols:
        row = rows.get(symbol)
        terms = market.terms.get(symbol)
        asset = market.assets.get(symbol)
        wallet = summary.wallets.get(symbol, {"spot": Decimal(0), "margin": Decimal(0)})
        factor = None
        if row is not None and terms is not None and terms.collateral:
            factor = row.effective_factor
        elif terms is not None and terms.collateral:
            factor = terms.first_factor
        lines.append(
            AssetLine(
                symbol=symbol,
                name=asset.name if asset else symbol,
                spot=wallet["spot"],
                margin=row.margin if row else wallet["margin"],
                price=terms.price if terms else None,
                observed_at=market.observed_at.get(symbol),
                stale=symbol in market.stale,
                is_collateral=bool(terms and terms.collateral),
                factor=factor,
                market_value=round_down(row.market_value, QUOTE_PLACES) if row else Decimal(0),
                collateral_value=row.collateral_value if row else Decimal(0),
                share=row.share if row else Decimal(0),
                owed=(row.principal + row.interest) if row else Decimal(0),
            )
        )
    return lines


def margin_call_fixes(summary: AccountSummary, *, limit: int = MAX_FIXES) -> list[Fix]:
    """What in the spot wallet would lift the ratio out of the margin call, and how much.

    For each collateral asset held in spot, the least transfer into margin (the engine's
    ``transfer_in_needed``, rounded up to four significant digits so the figure reads well
    and is never short) to reach the margin-call and the borrow level; assets that reach
    the margin-call level with what is there come first, then by value held.
    """
    thresholds, terms = summary.thresholds, summary.market.terms
    if summary.valuation.liability == 0 or summary.zone in (Zone.HEALTHY,):
        return []
    fixes = []
    for symbol, wallet in summary.wallets.items():
        spot = wallet["spot"]
        if spot <= 0 or symbol not in terms or not terms[symbol].collateral:
            continue

        def needed(level: Decimal, symbol: str = symbol, spot: Decimal = spot) -> Decimal | None:
            amount = engine.transfer_in_needed(summary.positions, terms, symbol, level)
            if amount is None or amount == 0:
                return amount
            amount = min(nice_ceiling(amount, terms[symbol].unit), spot)
            after = engine.with_transfer(summary.positions, symbol, amount, into_margin=True)
            return amount if engine.value(after, terms).margin_ratio >= level else None

        fixes.append(Fix(symbol, spot, needed(thresholds.margin_call), needed(thresholds.borrow)))
    fixes.sort(key=lambda fix: (fix.to_margin_call is None, -fix.spot * terms[fix.symbol].price, fix.symbol))
    return fixes[:limit]


def onboarding_checklist(summary: AccountSummary) -> list[Step]:
    """A new customer's first steps, each done or not: two-factor, mode, collateral, borrow."""
    account = summary.margin_account
    has_collateral = any(row.collateral_value > 0 for row in summary.valuation.rows)
    return [
        Step(
            "two_factor",
            "Set up two-factor authentication",
            TOTPDevice.objects.filter(user_id=account.user_id, confirmed=True).exists(),
            "two-factor",
        ),
        Step("mode", "Turn on multi-asset mode", account.multi_asset_mode, "mode"),
        Step("collateral", "Move collateral from spot to margin", has_collateral, "transfer"),
        Step("borrow", "Borrow against it", Loan.objects.filter(margin_account=account).exists(), "borrow"),
    ]


def dashboard_build(*, margin_account: MarginAccount) -> Dashboard:
    """Everything the dashboard shows for one account."""
    summary = account_summary(margin_account=margin_account)
    market = summary.market
    lines = _asset_lines(summary)
    market_value = sum((line.market_value for line in lines), Decimal(0))
    borrowable = sorted(
        (
            BorrowableLine(
                symbol=symbol,
                name=market.assets[symbol].name,
                amount=limit.amount,
                limited_by=limit.limited_by,
                daily_rate=market.terms[symbol].daily_rate,
            )
            for symbol, limit in summary.max_borrowable.items()
        ),
        key=lambda line: (line.amount == 0, -line.amount * market.terms[line.symbol].price, line.symbol),
    )
    liquidation_prices = [
        LiquidationPriceLine(
            symbol=symbol,
            price=market.terms[symbol].price,
            margin_call=prices.margin_call,
            liquidation=prices.liquidation,
        )
        for symbol, prices in sorted(summary.liquidation_prices.items())
        if summary.valuation.liability > 0
    ]
    held = {s for s, w in summary.wallets.items() if w["margin"]}
    status = str(summary.status)
    # The recorded history, then the ratio as it stands now.
    now = (timezone.now(), summary.valuation.margin_ratio)
    history = [*ratio_history(margin_account=margin_account), now]
    return Dashboard(
        summary=summary,
        status=status,
        status_label=summary.zone.label,
        lines=lines,
        market_value=market_value,
        net_equity=market_value - summary.valuation.liability,
        loans=summary.loans,
        borrowable=borrowable,
        liquidation_prices=liquidation_prices,
        stale=sorted(summary.stale_symbols),
        missing=sorted(held & set(market.missing)),
        open_margin_call=MarginCall.objects.filter(
            margin_account=margin_account, closed_at__isnull=True
        ).first(),
        recent_liquidations=list(Liquidation.objects.filter(margin_account=margin_account)[:3]),
        chart=ratio_chart(history, summary.thresholds),
        chart_compact=ratio_chart(history, summary.thresholds, size=COMPACT),
        gauge=ratio_gauge(summary.valuation.margin_ratio, summary.thresholds),
        zone=summary.zone,
        fixes=margin_call_fixes(summary) if summary.status != engine.Status.HEALTHY else [],
        checklist=onboarding_checklist(summary),
    )
