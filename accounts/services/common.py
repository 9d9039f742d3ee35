"""Pieces every account service shares: locking, ledger accounts, the cached assessment."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from risk import engine
from risk.selectors import MarketSnapshot

from ..models import LedgerAccount, Loan, MarginAccount
from ..models.ledger import AccountKind
from ..selectors.positions import account_positions, margin_account_for
from .ledger import ledger_account_get


def margin_account_lock(user) -> MarginAccount:
    """Lock the user's margin account row (only it, not the joined user): the first lock of every write."""
    margin_account_for(user)  # created outside the lock on first use
    return (
        MarginAccount.objects.select_for_update(no_key=True, of=("self",))
        .select_related("user")
        .get(user=user)
    )


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


# The cached columns' largest values (numeric(24, 8) and numeric(40, 8)): a whale's
# ratio against a dust loan can exceed them; the list shows the cap, the engine decides.
RATIO_CAP = Decimal("9999999999999999.99999999")
VALUE_CAP = Decimal("99999999999999999999999999999999.99999999")


def margin_account_refresh(
    margin_account: MarginAccount, market: MarketSnapshot, thresholds: engine.Thresholds
) -> engine.Valuation | None:
    """Recompute and store the cached ratio/status shown in lists.

    Skipped (None) when a price the account needs is missing or stale: a cached status
    is never computed on a price no decision may use; the sweep refreshes it later.
    The write that called this stands either way.
    """
    positions = account_positions(margin_account)
    if set(positions) - set(market.terms) or set(positions) & market.stale:
        return None
    valuation = engine.value(positions, market.terms)
    margin_account.collateral_value = min(valuation.collateral_value, VALUE_CAP)
    margin_account.liability_value = min(valuation.liability, VALUE_CAP)
    ratio = valuation.margin_ratio
    margin_account.margin_ratio = None if ratio is None else min(ratio, RATIO_CAP)
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
