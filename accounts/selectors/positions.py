"""Read a margin account's positions from the ledger, in the engine's terms."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from risk.engine import Position, Thresholds
from risk.models import RiskSettings
from risk.selectors import MarketSnapshot, market_snapshot, thresholds_current

from ..models import LedgerAccount, MarginAccount
from ..models.ledger import AccountKind


def margin_account_for(user) -> MarginAccount:
    """The user's margin account, created on first use."""
    account, _ = MarginAccount.objects.get_or_create(user=user)
    return account


def account_positions(margin_account: MarginAccount) -> dict[str, Position]:
    """Margin holdings and debts per asset symbol (only non-zero assets)."""
    rows = (
        LedgerAccount.objects.filter(
            owner_id=margin_account.user_id,
            kind__in=[AccountKind.MARGIN, AccountKind.LOAN_PRINCIPAL, AccountKind.LOAN_INTEREST],
        )
        .select_related("asset")
        .order_by("asset_id", "id")
    )
    values: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        if row.kind == AccountKind.MARGIN:
            values[row.asset.symbol]["margin"] = row.balance
        elif row.kind == AccountKind.LOAN_PRINCIPAL:
            values[row.asset.symbol]["principal"] = -row.balance
        else:
            values[row.asset.symbol]["interest"] = -row.balance
    return {
        symbol: Position(symbol=symbol, **fields)
        for symbol, fields in values.items()
        if any(v != 0 for v in fields.values())
    }


def wallet_balances(user) -> dict[str, dict[str, Decimal]]:
    """``{symbol: {"spot": x, "margin": y}}`` for every wallet asset the user holds."""
    rows = LedgerAccount.objects.filter(
        owner=user, kind__in=[AccountKind.SPOT, AccountKind.MARGIN]
    ).select_related("asset")
    out: dict[str, dict[str, Decimal]] = defaultdict(lambda: {"spot": Decimal(0), "margin": Decimal(0)})
    for row in rows:
        out[row.asset.symbol][row.kind] = row.balance
    return dict(out)


@dataclass(frozen=True)
class AccountState:
    """What a money action's check needs to decide, read once (under the lock in a service).

    ``positions`` are the margin holdings and debts; ``spot`` the spot wallet balances;
    ``market`` the terms of every asset involved with what is known of price freshness.
    """

    margin_account: MarginAccount
    positions: dict[str, Position]
    spot: dict[str, Decimal]
    market: MarketSnapshot
    thresholds: Thresholds
    collateral_repay_fee: Decimal

    def position(self, symbol: str) -> Position:
        return self.positions.get(symbol, Position(symbol))

    @property
    def has_liability(self) -> bool:
        return any(p.principal or p.interest for p in self.positions.values())

    @property
    def priced(self) -> bool:
        """True when every position has a price (fresh or stale), so the account can be valued."""
        return not set(self.positions) - set(self.market.terms)


def account_state(margin_account: MarginAccount, *, symbols: Iterable[str] = ()) -> AccountState:
    """The account's positions, spot balances, market terms and rules, for a check."""
    positions = account_positions(margin_account)
    spot = {
        symbol: balance
        for symbol, balance in LedgerAccount.objects.filter(
            owner_id=margin_account.user_id, kind=AccountKind.SPOT
        ).values_list("asset__symbol", "balance")
    }
    risk = RiskSettings.load()
    return AccountState(
        margin_account=margin_account,
        positions=positions,
        spot=spot,
        market=market_snapshot(symbols=set(positions) | set(symbols)),
        thresholds=thresholds_current(risk),
        collateral_repay_fee=risk.collateral_repay_fee,
    )
