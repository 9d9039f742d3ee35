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

from accounts.models import MarginAccount
from accounts.selectors import AccountSummary, LoanLine, account_summary
from margin_project.money import round_down
from risk import engine
from risk.models import Liquidation, MarginCall

from .chart import Gauge, RatioChart, ratio_chart, ratio_gauge, ratio_history

QUOTE_PLACES = engine.QUOTE_PLACES
HUNDRED = Decimal(100)

STATUS_LABELS = {
    engine.Status.HEALTHY: "Healthy",
    engine.Status.MARGIN_CALL: "Margin call",
    engine.Status.LIQUIDATION: "Liquidation",
}


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
    gauge: Gauge

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
    return Dashboard(
        summary=summary,
        status=status,
        status_label=STATUS_LABELS[summary.status],
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
        # The recorded history, then the ratio as it stands now.
        chart=ratio_chart(
            [*ratio_history(margin_account=margin_account), (timezone.now(), summary.valuation.margin_ratio)],
            summary.thresholds,
        ),
        gauge=ratio_gauge(summary.valuation.margin_ratio, summary.thresholds),
    )
