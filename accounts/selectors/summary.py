"""The account summary: everything a customer or the risk desk asks about one account."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from margin_project.zones import Zone, zone_of
from risk import engine
from risk.selectors import MarketSnapshot, market_snapshot, thresholds_current

from ..models import MarginAccount
from .positions import account_positions, wallet_balances


@dataclass(frozen=True)
class LoanLine:
    symbol: str
    principal: Decimal
    interest: Decimal
    daily_rate: Decimal
    value: Decimal


@dataclass(frozen=True)
class AccountSummary:
    margin_account: MarginAccount
    positions: dict[str, engine.Position]
    wallets: dict[str, dict[str, Decimal]]
    valuation: engine.Valuation
    status: engine.Status
    thresholds: engine.Thresholds
    loans: list[LoanLine]
    max_borrowable: dict[str, engine.Borrowable]
    max_transferable: dict[str, Decimal]
    liquidation_prices: dict[str, engine.LiquidationPrices]
    market: MarketSnapshot

    @property
    def stale_symbols(self) -> set[str]:
        return set(self.positions) & set(self.market.stale)

    @property
    def zone(self) -> Zone:
        """Where the ratio stands, in the words every page uses."""
        return zone_of(self.valuation.margin_ratio, self.thresholds)


def account_summary(*, margin_account: MarginAccount) -> AccountSummary:
    """Valuation, status, loans and limits of one account, computed by the engine."""
    market = market_snapshot()
    thresholds = thresholds_current()
    positions = {s: p for s, p in account_positions(margin_account).items() if s in market.terms}
    terms = market.terms
    valuation = engine.value(positions, terms)
    loans = [
        LoanLine(
            symbol=p.symbol,
            principal=p.principal,
            interest=p.interest,
            daily_rate=terms[p.symbol].daily_rate,
            value=(p.principal + p.interest) * terms[p.symbol].price,
        )
        for p in positions.values()
        if p.principal or p.interest
    ]
    borrowable = {
        symbol: engine.max_borrowable(positions, terms, symbol, thresholds)
        for symbol, t in terms.items()
        if t.borrowable and market.assets[symbol].is_borrowable
    }
    transferable = {
        symbol: engine.max_transferable(positions, terms, symbol, thresholds)
        for symbol, p in positions.items()
        if p.margin > 0
    }
    liquidation_prices = {
        symbol: engine.liquidation_prices(positions, terms, symbol, thresholds)
        for symbol, p in positions.items()
        # The quote asset's price is 1 by definition: it cannot move.
        if p.margin > 0 and terms[symbol].collateral and symbol != settings.QUOTE_ASSET
    }
    return AccountSummary(
        margin_account=margin_account,
        positions=positions,
        wallets=wallet_balances(margin_account.user),
        valuation=valuation,
        status=engine.status(valuation, thresholds),
        thresholds=thresholds,
        loans=loans,
        max_borrowable=borrowable,
        max_transferable=transferable,
        liquidation_prices=liquidation_prices,
        market=market,
    )
