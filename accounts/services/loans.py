"""Borrowing against the collateral pool and repaying."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from margin_project.errors import (
    AssetDisabled,
    InsufficientBalance,
    InvalidAmount,
    ModeOff,
    RatioTooLow,
)
from margin_project.money import plain, round_up
from margin_project.transactions import atomic_retry
from risk import engine
from risk.selectors import market_snapshot, thresholds_current

from ..models import InterestAccrual, LedgerTransaction, Loan
from ..models.ledger import AccountKind, TransactionKind
from ..models.loan import AccrualKind
from ..selectors.positions import account_positions
from .common import loan_get_or_create, margin_account_lock, margin_account_refresh, wallet_account
from .ledger import Leg, house_account, ledger_post
from .validation import amount_parse, asset_get


@dataclass(frozen=True)
class BorrowResult:
    loan: Loan
    transaction: LedgerTransaction
    amount: Decimal
    interest_charged: Decimal
    valuation: engine.Valuation | None


@atomic_retry
def loan_borrow(*, user, asset: str, amount: object) -> BorrowResult:
    """Borrow ``amount`` of ``asset`` into the margin wallet.

    Only in multi-asset mode, only borrowable assets, at most the engine's max
    borrowable (which keeps the ratio at the borrow level after the first day's
    interest, charged now as Binance charges the first hour at borrow time).
    """
    asset_obj = asset_get(asset)
    value = amount_parse(amount, asset_obj)
    if not asset_obj.is_borrowable:
        raise AssetDisabled(f"{asset_obj.symbol} cannot be borrowed.", field="asset")
    margin_account = margin_account_lock(user)
    if not margin_account.multi_asset_mode:
        raise ModeOff("Turn on multi-asset mode before borrowing.")
    thresholds = thresholds_current()
    positions = account_positions(margin_account)
    market = market_snapshot(symbols=set(positions) | {asset_obj.symbol})
    market.require_prices(set(positions) | {asset_obj.symbol})
    limit = engine.max_borrowable(positions, market.terms, asset_obj.symbol, thresholds)
    if value > limit.amount:
        if limit.limited_by == "borrow_limit":
            raise RatioTooLow(
                f"The borrow limit leaves at most {plain(limit.amount)} {asset_obj.symbol} to borrow.",
                field="amount",
                code="borrow_limit_exceeded",
            )
        raise RatioTooLow(
            f"At most {plain(limit.amount)} {asset_obj.symbol} can be borrowed while keeping the "
            f"margin ratio at {thresholds.borrow * 100:.0f}% or more.",
            field="amount",
        )
    loan = loan_get_or_create(margin_account, asset_obj)
    rate = asset_obj.daily_interest_rate
    interest = round_up(value * rate, asset_obj.precision)
    legs = [
        Leg(loan.principal_account, -value),
        Leg(wallet_account(user, AccountKind.MARGIN, asset_obj), value),
    ]
    if interest > 0:
        legs += [
            Leg(loan.interest_account, -interest),
            Leg(house_account(AccountKind.INTEREST_INCOME, asset_obj), interest),
        ]
    txn = ledger_post(
        kind=TransactionKind.BORROW,
        legs=legs,
        margin_account=margin_account,
        memo=f"Borrow {value} {asset_obj.symbol}; first day's interest {interest}",
        created_by=user,
    )
    if interest > 0:
        InterestAccrual.objects.create(
            loan=loan,
            day=timezone.now().date(),
            kind=AccrualKind.BORROW,
            rate=rate,
            principal=value,
            amount=interest,
            transaction=txn,
        )
    valuation = margin_account_refresh(margin_account, market, thresholds)
    return BorrowResult(
        loan=loan, transaction=txn, amount=value, interest_charged=interest, valuation=valuation
    )


@dataclass(frozen=True)
class RepayResult:
    transaction: LedgerTransaction
    interest_paid: Decimal
    principal_paid: Decimal


@atomic_retry
def loan_repay(*, user, asset: str, amount: object = None, repay_all: bool = False) -> RepayResult:
    """Repay a loan from the margin wallet of the same asset: interest first, then principal.

    ``repay_all`` clears interest and principal exactly, leaving no dust. Collateral
    not used stays in the margin wallet. Repaying lowers risk: it depends only on the
    margin balance, never on prices. An amount is repaid exactly as asked or refused.
    """
    asset_obj = asset_get(asset)
    if not repay_all:
        value = amount_parse(amount, asset_obj)
    margin_account = margin_account_lock(user)
    loan = (
        Loan.objects.filter(margin_account=margin_account, asset=asset_obj)
        .select_related("principal_account", "interest_account")
        .first()
    )
    owed_interest = loan.interest if loan else Decimal(0)
    owed_principal = loan.principal if loan else Decimal(0)
    owed = owed_interest + owed_principal
    if owed == 0:
        raise InvalidAmount(f"There is no {asset_obj.symbol} loan to repay.", field="asset")
    if repay_all:
        value = owed
    elif value > owed:
        raise InvalidAmount(
            f"You owe {plain(owed)} {asset_obj.symbol}; repay at most that (or use repay all).",
            field="amount",
        )
    wallet = wallet_account(user, AccountKind.MARGIN, asset_obj)
    if wallet.balance < value:
        raise InsufficientBalance(
            f"Repaying needs {plain(value)} {asset_obj.symbol} in the margin wallet; "
            f"it holds {plain(wallet.balance)}.",
            field="amount",
        )
    interest_paid = min(value, owed_interest)
    principal_paid = value - interest_paid
    legs = [Leg(wallet, -value)]
    if interest_paid:
        legs.append(Leg(loan.interest_account, interest_paid))
    if principal_paid:
        legs.append(Leg(loan.principal_account, principal_paid))
    txn = ledger_post(
        kind=TransactionKind.REPAY,
        legs=legs,
        margin_account=margin_account,
        memo=f"Repay {value} {asset_obj.symbol}: interest {interest_paid}, principal {principal_paid}",
        created_by=user,
    )
    thresholds = thresholds_current()
    margin_account_refresh(
        margin_account, market_snapshot(symbols=set(account_positions(margin_account))), thresholds
    )
    return RepayResult(transaction=txn, interest_paid=interest_paid, principal_paid=principal_paid)
