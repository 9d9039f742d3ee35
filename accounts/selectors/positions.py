"""Read a margin account's positions from the ledger, in the engine's terms."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from risk.engine import Position

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
