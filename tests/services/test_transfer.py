from decimal import Decimal as D

import pytest

from accounts.models.ledger import AccountKind
from accounts.selectors import account_summary, margin_account_for
from accounts.services import deposit_credit, loan_borrow, transfer
from margin_project.errors import AssetDisabled, InsufficientBalance, InvalidDirection, RatioTooLow
from tests.helpers import assert_ledger_balanced, balance, enable_mode, fund_margin, ledger_state


@pytest.mark.django_db
def test_transfer_moves_between_spot_and_margin(customer):
    deposit_credit(user=customer, asset="ETH", amount="2", reference="d1")
    transfer(user=customer, asset="ETH", amount="1.25", direction="to_margin")
    assert balance(customer, AccountKind.SPOT, "ETH") == D("0.75")
    assert balance(customer, AccountKind.MARGIN, "ETH") == D("1.25")
    transfer(user=customer, asset="ETH", amount="0.25", direction="to_spot")
    assert balance(customer, AccountKind.MARGIN, "ETH") == D("1")
    assert_ledger_balanced()


@pytest.mark.django_db
def test_transfer_more_than_held_is_refused(customer):
    deposit_credit(user=customer, asset="ETH", amount="1", reference="d1")
    before = ledger_state()
    with pytest.raises(InsufficientBalance, match="1 available"):
        transfer(user=customer, asset="ETH", amount="1.00000001", direction="to_margin")
    assert ledger_state() == before


@pytest.mark.django_db
def test_asset_not_accepted_as_collateral_cannot_enter_margin(customer):
    deposit_credit(user=customer, asset="USDC", amount="100", reference="d1")
    before = ledger_state()
    with pytest.raises(AssetDisabled, match="USDC is not accepted as collateral"):
        transfer(user=customer, asset="USDC", amount="100", direction="to_margin")
    assert ledger_state() == before


@pytest.mark.django_db
def test_unknown_direction_is_refused(customer):
    with pytest.raises(InvalidDirection, match="Direction"):
        transfer(user=customer, asset="ETH", amount="1", direction="sideways")


@pytest.mark.django_db
def test_transfer_out_refused_when_ratio_would_fall_below_transfer_out_level(customer):
    fund_margin(customer, BTC="1")
    enable_mode(customer)
    loan_borrow(user=customer, asset="USDT", amount="20000")
    summary = account_summary(margin_account=margin_account_for(customer))
    allowed = summary.max_transferable["BTC"]
    assert D(0) < allowed < D(1)
    before = ledger_state()
    with pytest.raises(RatioTooLow, match="125%"):
        transfer(user=customer, asset="BTC", amount=allowed + D("0.00000001"), direction="to_spot")
    assert ledger_state() == before
    transfer(user=customer, asset="BTC", amount=allowed, direction="to_spot")
    after = account_summary(margin_account=margin_account_for(customer))
    assert after.valuation.margin_ratio >= D("1.25")
