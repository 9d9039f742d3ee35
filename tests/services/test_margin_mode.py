import pytest

from accounts.selectors import margin_account_for
from accounts.services import loan_borrow, loan_repay, margin_mode_disable, margin_mode_enable
from margin_project.errors import ModeChangeRefused, TwoFactorInvalid, TwoFactorRequired
from tests.conftest import totp_code, totp_device
from tests.helpers import enable_mode, fund_margin


@pytest.mark.django_db
def test_enable_needs_a_device_first(customer):
    with pytest.raises(TwoFactorRequired, match="Set up two-factor"):
        margin_mode_enable(user=customer, otp_code="123456")
    assert margin_account_for(customer).multi_asset_mode is False


@pytest.mark.django_db
def test_enable_needs_a_code(customer):
    totp_device(customer)
    with pytest.raises(TwoFactorRequired, match="6-digit code"):
        margin_mode_enable(user=customer, otp_code="")


@pytest.mark.django_db
def test_enable_refuses_a_wrong_code(customer):
    good = totp_code(customer)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    with pytest.raises(TwoFactorInvalid):
        margin_mode_enable(user=customer, otp_code=wrong)
    assert margin_account_for(customer).multi_asset_mode is False


@pytest.mark.django_db
def test_enable_with_a_valid_code_and_the_code_cannot_be_replayed(customer):
    code = totp_code(customer)
    assert margin_mode_enable(user=customer, otp_code=code).multi_asset_mode is True
    margin_mode_disable(user=customer)
    with pytest.raises(TwoFactorInvalid):
        margin_mode_enable(user=customer, otp_code=code)


@pytest.mark.django_db
def test_disable_refused_while_a_loan_is_outstanding(customer):
    fund_margin(customer, BTC="1")
    enable_mode(customer)
    loan_borrow(user=customer, asset="USDT", amount="100")
    with pytest.raises(ModeChangeRefused, match="Repay your USDT loan"):
        margin_mode_disable(user=customer)
    assert margin_account_for(customer).multi_asset_mode is True


@pytest.mark.django_db
def test_disable_allowed_once_everything_is_repaid(customer):
    fund_margin(customer, BTC="1")
    enable_mode(customer)
    loan_borrow(user=customer, asset="USDT", amount="100")
    fund_margin(customer, USDT="1")  # pays the 0.01 interest
    loan_repay(user=customer, asset="USDT", repay_all=True)
    assert margin_mode_disable(user=customer).multi_asset_mode is False


@pytest.mark.django_db
def test_a_wrong_code_counts_against_the_device_even_though_nothing_changes(customer):
    device = totp_device(customer)
    wrong = f"{(int(totp_code(customer)) + 1) % 1_000_000:06d}"
    with pytest.raises(TwoFactorInvalid):
        margin_mode_enable(user=customer, otp_code=wrong)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp's brake on guessing holds
    assert margin_account_for(customer).multi_asset_mode is False
