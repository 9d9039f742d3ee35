"""Repaying with collateral: one ledger transaction selling just enough at the oracle price."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from accounts.models import LedgerTransaction
from accounts.models.ledger import AccountKind, TransactionKind
from accounts.services import loan_borrow, loan_repay_with_collateral, transfer
from margin_project.errors import InsufficientBalance, InvalidAmount, StalePrice
from risk.models import AssetPrice, RiskSettings
from tests.helpers import assert_ledger_balanced, balance, enable_mode, fund_margin, ledger_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def short(customer):
    """1 BTC in margin; 1 000 USDT borrowed and moved out: owes 1 000.1, holds no USDT in margin."""
    fund_margin(customer, BTC="1")
    enable_mode(customer)
    loan_borrow(user=customer, asset="USDT", amount="1000")
    transfer(user=customer, asset="USDT", amount="1000", direction="to_spot")
    return customer


def house(kind: AccountKind, symbol: str) -> D:
    from accounts.models import LedgerAccount

    row = LedgerAccount.objects.filter(owner__isnull=True, kind=kind, asset__symbol=symbol).first()
    return row.balance if row else D(0)


def test_repay_all_with_collateral_sells_at_the_oracle_price_without_a_fee(short):
    result = loan_repay_with_collateral(user=short, asset="USDT", collateral="BTC", repay_all=True)
    assert (result.sold, result.fee) == (D("0.01666834"), D(0))  # 1 000.1 / 60 000, rounded up
    assert (result.interest_paid, result.principal_paid) == (D("0.1"), D("1000"))
    assert balance(short, AccountKind.LOAN_PRINCIPAL, "USDT") == 0
    assert balance(short, AccountKind.MARGIN, "BTC") == D("1") - D("0.01666834")
    # The rounding of the sale stays the customer's: 0.01666834 x 60 000 = 1 000.1004.
    assert balance(short, AccountKind.MARGIN, "USDT") == D("0.0004")
    txn = LedgerTransaction.objects.get(pk=result.transaction.pk)
    assert txn.kind == TransactionKind.COLLATERAL_REPAY
    assert house(AccountKind.LENDING_POOL, "BTC") == D("0.01666834")
    assert_ledger_balanced()


def test_a_fee_on_repaying_with_collateral_goes_to_the_insurance_fund(short):
    RiskSettings.objects.filter(pk=1).update(collateral_repay_fee=D("0.01"))
    result = loan_repay_with_collateral(user=short, asset="USDT", collateral="BTC", repay_all=True)
    assert result.fee > 0
    assert house(AccountKind.INSURANCE_FUND, "BTC") == result.fee
    assert balance(short, AccountKind.LOAN_PRINCIPAL, "USDT") == 0
    assert_ledger_balanced()


def test_repaying_with_collateral_is_refused_on_a_stale_price(short):
    AssetPrice.objects.filter(asset__symbol="BTC").update(observed_at=timezone.now() - timedelta(hours=1))
    before = ledger_state()
    with pytest.raises(StalePrice):
        loan_repay_with_collateral(user=short, asset="USDT", collateral="BTC", repay_all=True)
    assert ledger_state() == before


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"collateral": "USDT", "repay_all": True}, InvalidAmount),  # the asset owed itself
        ({"collateral": "ETH", "repay_all": True}, InsufficientBalance),  # none held
        ({"collateral": "BTC", "amount": "2000"}, InvalidAmount),  # more than owed
        ({"collateral": "BTC", "amount": "5", "repay_all": True}, InvalidAmount),  # both
    ],
)
def test_bad_collateral_repayments_are_refused_and_move_nothing(short, kwargs, error):
    before = ledger_state()
    with pytest.raises(error):
        loan_repay_with_collateral(user=short, asset="USDT", **kwargs)
    assert ledger_state() == before


def test_nothing_is_sold_when_the_margin_wallet_already_holds_enough(short):
    transfer(user=short, asset="USDT", amount="1000", direction="to_margin")
    fund_margin(short, USDT="1")
    with pytest.raises(InvalidAmount, match="repay from it"):
        loan_repay_with_collateral(user=short, asset="USDT", collateral="BTC", repay_all=True)
