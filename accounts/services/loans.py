"""Borrowing against the collateral pool and repaying (from margin, or by selling collateral).

Each write has a pure check step (``*_check``) that decides on an ``AccountState`` and
returns the engine's outcome or raises the refusal. The service calls it under the
account's lock; the page's preview calls the same function, so a preview shows exactly
what the confirm will do or refuse. The arithmetic is the engine's (``first_day_interest``,
``with_borrow``, ``with_repay``, ``with_collateral_repay``); the rules are here.
"""

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
from margin_project.formatting import amount_text, percent_text, price_text
from margin_project.transactions import atomic_retry
from risk import engine

from ..events import record_loan_borrowed, record_loan_repaid
from ..models import InterestAccrual, LedgerTransaction, Loan
from ..models.ledger import AccountKind, TransactionKind
from ..models.loan import AccrualKind
from ..selectors.positions import AccountState, account_state
from .common import loan_get_or_create, margin_account_lock, margin_account_refresh, wallet_account
from .ledger import Leg, house_account, ledger_post
from .validation import amount_parse, asset_get

# --- borrow ------------------------------------------------------------------------


@dataclass(frozen=True)
class BorrowOutcome:
    """What a borrow would do: the first day's interest and the positions after it."""

    asset: str
    amount: Decimal
    interest: Decimal
    positions_after: dict[str, engine.Position]


def loan_borrow_check(*, state: AccountState, asset: str, amount: Decimal) -> BorrowOutcome:
    """Decide a borrow on ``state``: mode on, asset borrowable, prices fresh, within max borrowable."""
    asset_obj = state.market.assets[asset]
    if not asset_obj.is_borrowable:
        raise AssetDisabled(f"{asset} cannot be borrowed.", field="asset")
    if not state.margin_account.multi_asset_mode:
        raise ModeOff("Turn on multi-asset mode before borrowing.")
    state.market.require_prices(set(state.positions) | {asset})
    terms = state.market.terms
    limit = engine.max_borrowable(state.positions, terms, asset, state.thresholds)
    if amount > limit.amount:
        if limit.limited_by == "borrow_limit":
            raise RatioTooLow(
                f"The borrow limit leaves at most {amount_text(limit.amount)} {asset} to borrow.",
                field="amount",
                code="borrow_limit_exceeded",
            )
        raise RatioTooLow(
            f"At most {amount_text(limit.amount)} {asset} can be borrowed while keeping the "
            f"margin ratio at {percent_text(state.thresholds.borrow)} or more.",
            field="amount",
        )
    return BorrowOutcome(
        asset=asset,
        amount=amount,
        interest=engine.first_day_interest(terms[asset], amount),
        positions_after=engine.with_borrow(state.positions, terms[asset], amount),
    )


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
    margin_account = margin_account_lock(user)
    state = account_state(margin_account, symbols={asset_obj.symbol})
    outcome = loan_borrow_check(state=state, asset=asset_obj.symbol, amount=value)
    interest = outcome.interest
    loan = loan_get_or_create(margin_account, asset_obj)
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
        memo=f"Borrow {amount_text(value)} {asset_obj.symbol}; first day's interest {amount_text(interest)}",
        created_by=user,
    )
    if interest > 0:
        InterestAccrual.objects.create(
            loan=loan,
            day=timezone.now().date(),
            kind=AccrualKind.BORROW,
            rate=asset_obj.daily_interest_rate,
            principal=value,
            amount=interest,
            transaction=txn,
        )
    record_loan_borrowed(loan=loan, transaction=txn, amount=value, interest=interest)
    valuation = margin_account_refresh(margin_account, state.market, state.thresholds)
    return BorrowResult(
        loan=loan, transaction=txn, amount=value, interest_charged=interest, valuation=valuation
    )


# --- repay ---------------------------------------------------------------------------


def repay_request_check(*, amount: object, repay_all: bool) -> None:
    """The repay rule every caller shares (form, API, service): an amount, or repay all — exactly one."""
    has_amount = amount is not None and str(amount).strip() != ""
    if repay_all and has_amount:
        raise InvalidAmount("Give an amount or choose repay all, not both.", field="amount")
    if not repay_all and not has_amount:
        raise InvalidAmount("Enter an amount, or choose repay all.", field="amount")


@dataclass(frozen=True)
class RepayOutcome:
    """What a repayment would do: how it splits and the positions after it."""

    asset: str
    amount: Decimal
    interest_paid: Decimal
    principal_paid: Decimal
    positions_after: dict[str, engine.Position]


def repay_value(state: AccountState, asset: str, amount: Decimal | None, repay_all: bool) -> Decimal:
    """What a repayment pays: everything owed (repay all) or ``amount``, which must not exceed it."""
    owed = state.position(asset).owed
    if owed == 0:
        raise InvalidAmount(f"There is no {asset} loan to repay.", field="asset")
    value = owed if repay_all else amount
    assert value is not None  # repay_request_check ran first
    if value > owed:
        raise InvalidAmount(
            f"You owe {amount_text(owed)} {asset}; repay at most that (or use repay all).", field="amount"
        )
    return value


def loan_repay_check(
    *, state: AccountState, asset: str, amount: Decimal | None, repay_all: bool
) -> RepayOutcome:
    """Decide a repayment from margin on ``state``; it only lowers risk, so no price is needed."""
    value = repay_value(state, asset, amount, repay_all)
    held = state.position(asset).margin
    if held < value:
        raise InsufficientBalance(
            f"{'Repaying all' if repay_all else 'Repaying'} needs {amount_text(value)} {asset} in the "
            f"margin wallet; it holds {amount_text(held)}: {amount_text(value - held)} {asset} short.",
            field="repay_all" if repay_all else "amount",
        )
    outcome = engine.with_repay(state.positions, asset, value)
    return RepayOutcome(asset, value, outcome.interest_paid, outcome.principal_paid, outcome.positions)


@dataclass(frozen=True)
class RepayResult:
    transaction: LedgerTransaction
    asset: str
    interest_paid: Decimal
    principal_paid: Decimal


def _repay_legs(loan: Loan, interest: Decimal, principal: Decimal) -> list[Leg]:
    legs = []
    if interest:
        legs.append(Leg(loan.interest_account, interest))
    if principal:
        legs.append(Leg(loan.principal_account, principal))
    return legs


@atomic_retry
def loan_repay(*, user, asset: str, amount: object = None, repay_all: bool = False) -> RepayResult:
    """Repay a loan from the margin wallet of the same asset: interest first, then principal.

    Exactly one of ``amount`` and ``repay_all``. ``repay_all`` clears interest and
    principal exactly, leaving no dust. Collateral not used stays in the margin wallet.
    Repaying lowers risk: it depends only on the margin balance, never on prices. An
    amount is repaid exactly as asked or refused.
    """
    repay_request_check(amount=amount, repay_all=repay_all)
    asset_obj = asset_get(asset)
    value = None if repay_all else amount_parse(amount, asset_obj)
    margin_account = margin_account_lock(user)
    state = account_state(margin_account, symbols={asset_obj.symbol})
    outcome = loan_repay_check(state=state, asset=asset_obj.symbol, amount=value, repay_all=repay_all)
    loan = Loan.objects.select_related("principal_account", "interest_account").get(
        margin_account=margin_account, asset=asset_obj
    )
    txn = ledger_post(
        kind=TransactionKind.REPAY,
        legs=[
            Leg(wallet_account(user, AccountKind.MARGIN, asset_obj), -outcome.amount),
            *_repay_legs(loan, outcome.interest_paid, outcome.principal_paid),
        ],
        margin_account=margin_account,
        memo=(
            f"Repay {amount_text(outcome.amount)} {asset_obj.symbol}: interest "
            f"{amount_text(outcome.interest_paid)}, principal {amount_text(outcome.principal_paid)}"
        ),
        created_by=user,
    )
    record_loan_repaid(
        loan=loan, transaction=txn, interest_paid=outcome.interest_paid, principal_paid=outcome.principal_paid
    )
    margin_account_refresh(margin_account, state.market, state.thresholds)
    return RepayResult(
        transaction=txn,
        asset=asset_obj.symbol,
        interest_paid=outcome.interest_paid,
        principal_paid=outcome.principal_paid,
    )


# --- repay by selling collateral -----------------------------------------------------


def loan_repay_with_collateral_check(
    *, state: AccountState, asset: str, collateral: str, amount: Decimal | None, repay_all: bool
) -> engine.CollateralRepay:
    """Decide a repayment that sells ``collateral`` for what the margin wallet lacks.

    It sells, so it runs only on fresh prices; the fee is the risk settings' (0 by
    default). The margin ratio must not end lower than it started.
    """
    value = repay_value(state, asset, amount, repay_all)
    if collateral == asset:
        raise InvalidAmount(f"Choose collateral other than {asset} to sell.", field="collateral")
    if state.position(collateral).margin <= 0:
        raise InsufficientBalance(f"You hold no {collateral} in the margin wallet.", field="collateral")
    if state.position(asset).margin >= value:
        raise InvalidAmount(
            f"Your margin wallet holds enough {asset}: repay from it, nothing needs selling.",
            field="collateral",
        )
    state.market.require_prices(set(state.positions) | {asset, collateral})
    terms = state.market.terms
    outcome = engine.with_collateral_repay(
        state.positions,
        terms,
        symbol=asset,
        amount=value,
        collateral=collateral,
        fee=state.collateral_repay_fee,
    )
    if outcome is None:
        raise InsufficientBalance(
            f"Your {collateral} in margin is not worth enough to cover the {asset} the margin wallet lacks.",
            field="collateral",
        )
    before = engine.value(state.positions, terms).margin_ratio
    after = engine.value(outcome.positions, terms).margin_ratio
    if after is not None and before is not None and after < before:
        raise RatioTooLow(
            f"Selling {collateral} to repay {asset} would lower your margin ratio; repay from margin "
            "or sell another asset.",
            field="collateral",
        )
    return outcome


@dataclass(frozen=True)
class CollateralRepayResult:
    transaction: LedgerTransaction
    asset: str
    collateral: str
    sold: Decimal
    fee: Decimal
    interest_paid: Decimal
    principal_paid: Decimal


@atomic_retry
def loan_repay_with_collateral(
    *, user, asset: str, collateral: str, amount: object = None, repay_all: bool = False
) -> CollateralRepayResult:
    """Repay ``asset`` from the margin wallet, selling ``collateral`` at the oracle price for the rest.

    One ledger transaction, like a liquidation's sale and repayment: the lending pool buys
    the collateral (the fee, if any, to the insurance fund) and hands the owed asset back,
    which pays interest first, then principal; proceeds beyond the debt stay in margin.
    Refused on a stale price, since it sells.
    """
    repay_request_check(amount=amount, repay_all=repay_all)
    asset_obj = asset_get(asset)
    sold_obj = asset_get(collateral)
    value = None if repay_all else amount_parse(amount, asset_obj)
    margin_account = margin_account_lock(user)
    state = account_state(margin_account, symbols={asset_obj.symbol, sold_obj.symbol})
    outcome = loan_repay_with_collateral_check(
        state=state, asset=asset_obj.symbol, collateral=sold_obj.symbol, amount=value, repay_all=repay_all
    )
    loan = Loan.objects.select_related("principal_account", "interest_account").get(
        margin_account=margin_account, asset=asset_obj
    )
    legs = [Leg(wallet_account(user, AccountKind.MARGIN, sold_obj), -outcome.sold)]
    if outcome.fee:
        legs.append(Leg(house_account(AccountKind.INSURANCE_FUND, sold_obj), outcome.fee))
    legs += [
        Leg(house_account(AccountKind.LENDING_POOL, sold_obj), outcome.sold - outcome.fee),
        Leg(house_account(AccountKind.LENDING_POOL, asset_obj), -outcome.proceeds),
    ]
    margin_change = outcome.proceeds - outcome.amount
    if margin_change:
        legs.append(Leg(wallet_account(user, AccountKind.MARGIN, asset_obj), margin_change))
    legs += _repay_legs(loan, outcome.interest_paid, outcome.principal_paid)
    price = state.market.terms[sold_obj.symbol].price
    txn = ledger_post(
        kind=TransactionKind.COLLATERAL_REPAY,
        legs=legs,
        margin_account=margin_account,
        memo=(
            f"Repay {amount_text(outcome.amount)} {asset_obj.symbol} selling {amount_text(outcome.sold)} "
            f"{sold_obj.symbol} at {price_text(price)} (fee {amount_text(outcome.fee)} {sold_obj.symbol})"
        ),
        created_by=user,
    )
    record_loan_repaid(
        loan=loan, transaction=txn, interest_paid=outcome.interest_paid, principal_paid=outcome.principal_paid
    )
    margin_account_refresh(margin_account, state.market, state.thresholds)
    return CollateralRepayResult(
        transaction=txn,
        asset=asset_obj.symbol,
        collateral=sold_obj.symbol,
        sold=outcome.sold,
        fee=outcome.fee,
        interest_paid=outcome.interest_paid,
        principal_paid=outcome.principal_paid,
    )
