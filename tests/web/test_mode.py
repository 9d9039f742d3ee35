"""Multi-asset mode from the web: on with a code, off refused while a loan is open."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.selectors import margin_account_for
from tests.conftest import totp_device
from tests.helpers import fund_margin

from .conftest import fresh_code, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_device(client, customer):
    device = totp_device(customer)
    sign_in(client, customer)
    return device


def test_enable_without_two_factor_sends_to_the_setup_first(customer_client, customer):
    response = customer_client.post(reverse("mode-enable"), {"otp_code": "123456"})
    assert response.status_code == 302
    assert response.url == f"{reverse('two-factor')}?next=%2Fmode%2F"
    assert margin_account_for(customer).multi_asset_mode is False


def test_enable_with_a_valid_code_turns_the_mode_on(client, customer, with_device):
    response = client.post(reverse("mode-enable"), {"otp_code": fresh_code(with_device)})
    assert response.status_code == 302
    assert margin_account_for(customer).multi_asset_mode is True


@pytest.mark.parametrize(
    ("code", "message"), [("12", "6 digits"), ("abcdef", "6 digits"), ("", "6-digit code")]
)
def test_enable_with_a_malformed_code_shows_the_error_and_stays_off(
    client, customer, with_device, code, message
):
    response = client.post(reverse("mode-enable"), {"otp_code": code})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert margin_account_for(customer).multi_asset_mode is False


def test_enable_with_a_wrong_code_shows_the_error_and_stays_off(client, customer, with_device):
    wrong = f"{(int(fresh_code(with_device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mode-enable"), {"otp_code": wrong})
    assert response.status_code == 200
    assert "not valid" in response.content.decode()
    assert margin_account_for(customer).multi_asset_mode is False


def test_a_code_cannot_be_used_twice_and_the_page_says_to_wait_for_the_next(client, customer, with_device):
    code = fresh_code(with_device)
    client.post(reverse("mode-enable"), {"otp_code": code})
    client.post(reverse("mode-disable"))
    response = client.post(reverse("mode-enable"), {"otp_code": code})
    assert "already used. Wait for the next code" in response.content.decode()
    assert margin_account_for(customer).multi_asset_mode is False


def test_disable_is_refused_with_the_reason_while_a_loan_is_open(borrower_client, borrower):
    response = borrower_client.post(reverse("mode-disable"))
    assert response.status_code == 200
    assert "Repay your USDT loan (principal and interest) before turning multi-asset mode off." in (
        response.content.decode()
    )
    assert margin_account_for(borrower).multi_asset_mode is True


def test_disable_turns_the_mode_off_when_nothing_is_owed(client, customer, with_device):
    fund_margin(customer, BTC="1")
    client.post(reverse("mode-enable"), {"otp_code": fresh_code(with_device)})
    response = client.post(reverse("mode-disable"))
    assert response.status_code == 302
    assert margin_account_for(customer).multi_asset_mode is False
    assert TOTPDevice.objects.filter(user=customer).count() == 1
