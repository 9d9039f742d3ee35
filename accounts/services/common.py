"""Pieces every account service shares: locking, ledger accounts, the cached assessment."""

from __future__ import annotations

from django.utils import timezone

from risk import engine
from risk.selectors import MarketSnapshot

from ..models import LedgerAccount, Loan, MarginAccount
from ..models.ledger import AccountKind
from ..selectors.positions import account_positions, margin_account_for
from .ledger import ledger_account_get


def margin_account_lock(user) -> MarginAccount:
    """Lock the user's margin account row: the first lock of every customer write."""
    margin_account_for(user)  # created outside the lock on first use
    return MarginAccount.objects.select_for_update().select_related("user").get(user=user)


def wallet_account(user, kind: AccountKind, asset) -> LedgerAccount:
    return ledger_account_get(owner=user, kind=kind, asset=asset)


def loan_get_or_create(margin_account: MarginAccount, asset) -> Loan:
    """The account's loan in ``asset`` with its two debt accounts."""
    loan = (
        Loan.objects.filter(margin_account=margin_account, asset=asset)
        .select_related("principal_account", "interest_account")
        .first()
    )
    if loan is None:
        user = margin_account.user
        loan = Loan.objects.create(
            margin_account=margin_account,
            asset=asset,
            principal_account=ledger_account_get(owner=user, kind=AccountKind.LOAN_PRINCIPAL, asset=asset),
            interest_account=ledger_account_get(owner=user, kind=AccountKind.LOAN_INTEREST, asset=asset),
        )
    return loan


def margin_account_refresh(
    margin_account: MarginAccount, market: MarketSnapshot, thresholds: engine.Thresholds
) -> engine.Valuation | None:
    """Recompute and store the cached ratio/status shown in lists (None if a price is missing)."""
    positions = account_positions(margin_account)
    if set(positions) - set(market.terms):
        return None
    valuation = engine.value(positions, market.terms)
    margin_account.collateral_value = valuation.collateral_value
    margin_account.liability_value = valuation.liability
    margin_account.margin_ratio = valuation.margin_ratio
    margin_account.has_liability = valuation.liability > 0
    margin_account.status = str(engine.status(valuation, thresholds))
    margin_account.assessed_at = timezone.now()
    margin_account.save(
        update_fields=[
            "collateral_value",
            "liability_value",
            "margin_ratio",
            "has_liability",
            "status",
            "assessed_at",
            "updated_at",
        ]
    )
    return valuation
