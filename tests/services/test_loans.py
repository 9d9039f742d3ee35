from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from accounts.models import InterestAccrual, Loan
from accounts.models.ledger import AccountKind
from accounts.selectors import account_summary, margin_account_for
from accounts.services import loan_borrow, loan_repay
from margin_project.errors import (
    AssetDisabled,
    InsufficientBalance,
    InvalidAmount,
    ModeOff,
    RatioTooLow,
    StalePrice,
)
from risk.models import AssetPrice
from tests.helpers import assert_ledger_balanced, balance, enable_mode, fund_margin, ledger_state


@pytest.fixture
def borrower(customer):
    fund_margin(customer, BTC="1", ADA="10000")
    enable_mode(customer)
    return customer


@pytest.mark.django_db
def test_borrow_lands_in_margin_and_charges_the_first_day(borrower):
    result = loan_borrow(user=borrower, asset="BTC", amount="0.1")
    loan = Loan.objects.get(margin_account__user=borrower, asset__symbol="BTC")
    # 0.1 BTC x 0.0002 = 0.00002 BTC, charged at once.
    assert result.interest_charged == D("0.00002")
    assert (loan.principal, loan.interest) == (D("0.1"), D("0.00002"))
    assert balance(borrower, AccountKind.MARGIN, "BTC") == D("1.1")
    accrual = InterestAccrual.objects.get(loan=loan)
    assert (accrual.kind, accrual.rate, accrual.principal, accrual.amount) == (
        "borrow",
        D("0.0002"),
        D("0.1"),
        D("0.00002"),
    )
    assert accrual.day == timezone.now().date()
    assert_ledger_balanced()


@pytest.mark.django_db
def test_interest_is_rounded_up_to_the_asset_precision(borrower):
    result = loan_borrow(user=borrower, asset="USDT", amount="0.00000001")
    assert result.interest_charged == D("0.00000001")  # 1e-12 rounds up to one unit


@pytest.mark.django_db
def test_borrow_refused_when_multi_asset_mode_is_off(customer):
    fund_margin(customer, BTC="1")
    before = ledger_state()
    with pytest.raises(ModeOff):
        loan_borrow(user=customer, asset="USDT", amount="100")
    assert ledger_state() == before


@pytest.mark.django_db
def test_borrow_of_an_asset_that_cannot_be_borrowed_is_refused(borrower):
    before = ledger_state()
    with pytest.raises(AssetDisabled, match="ADA cannot be borrowed"):
        loan_borrow(user=borrower, asset="ADA", amount="100")
    with pytest.raises(AssetDisabled, match="USDC cannot be borrowed"):
        loan_borrow(user=borrower, asset="USDC", amount="100")
    assert ledger_state() == before


@pytest.mark.django_db
def test_borrow_refused_when_ratio_would_fall_below_borrow_level(borrower):
    limit = account_summary(margin_account=margin_account_for(borrower)).max_borrowable["USDT"]
    assert limit.amount > 0
    before = ledger_state()
    with pytest.raises(RatioTooLow, match="125%"):
        loan_borrow(user=borrower, asset="USDT", amount=limit.amount + D("0.00000001"))
    assert ledger_state() == before
    loan_borrow(user=borrower, asset="USDT", amount=limit.amount)
    summary = account_summary(margin_account=margin_account_for(borrower))
    assert summary.valuation.margin_ratio >= D("1.25")


@pytest.mark.django_db
def test_borrow_refused_on_a_stale_price(borrower):
    AssetPrice.objects.filter(asset__symbol="BTC").update(observed_at=timezone.now() - timedelta(hours=1))
    before = ledger_state()
    with pytest.raises(StalePrice, match="BTC"):
        loan_borrow(user=borrower, asset="USDT", amount="100")
    assert ledger_state() == before


@pytest.mark.django_db
def test_repay_pays_interest_first_then_principal(borrower):
    loan_borrow(user=borrower, asset="USDT", amount="1000")  # interest 0.1
    result = loan_repay(user=borrower, asset="USDT", amount="0.5")
    assert (result.interest_paid, result.principal_paid) == (D("0.1"), D("0.4"))
    loan = Loan.objects.get(margin_account__user=borrower, asset__symbol="USDT")
    assert (loan.principal, loan.interest) == (D("999.6"), D("0"))
    assert_ledger_balanced()


@pytest.mark.django_db
def test_repay_all_clears_the_loan_exactly_and_collateral_stays(borrower):
    loan_borrow(user=borrower, asset="USDT", amount="1000")
    fund_margin(borrower, USDT="0.1")  # the interest must come from somewhere
    loan_repay(user=borrower, asset="USDT", repay_all=True)
    loan = Loan.objects.get(margin_account__user=borrower, asset__symbol="USDT")
    assert (loan.principal, loan.interest) == (0, 0)
    assert balance(borrower, AccountKind.MARGIN, "USDT") == 0
    assert balance(borrower, AccountKind.MARGIN, "BTC") == D("1")
    assert balance(borrower, AccountKind.MARGIN, "ADA") == D("10000")
    assert account_summary(margin_account=margin_account_for(borrower)).valuation.margin_ratio is None


@pytest.mark.django_db
def test_repay_more_than_owed_is_refused(borrower):
    loan_borrow(user=borrower, asset="USDT", amount="1000")
    before = ledger_state()
    with pytest.raises(InvalidAmount, match="You owe 1,000.1 USDT"):
        loan_repay(user=borrower, asset="USDT", amount="1000.2")
    assert ledger_state() == before


@pytest.mark.django_db
def test_repay_all_without_enough_in_margin_is_refused(borrower):
    loan_borrow(user=borrower, asset="USDT", amount="1000")
    before = ledger_state()
    with pytest.raises(InsufficientBalance, match="1,000.1 USDT"):
        loan_repay(user=borrower, asset="USDT", repay_all=True)
    assert ledger_state() == before


@pytest.mark.django_db
def test_repay_without_a_loan_is_refused(borrower):
    with pytest.raises(InvalidAmount, match="no ETH loan"):
        loan_repay(user=borrower, asset="ETH", amount="1")
