"""Transfer, borrow, repay by API: happy paths, and every bad input refused with nothing moved."""

from decimal import Decimal as D

import pytest

from accounts.models import Loan
from accounts.models.ledger import AccountKind
from tests.api.conftest import error_of
from tests.helpers import assert_ledger_balanced, balance, ledger_state

BORROW = "/api/v1/account/loans/borrow/"
REPAY = "/api/v1/account/loans/repay/"
TRANSFER = "/api/v1/account/transfers/"

pytestmark = pytest.mark.django_db


def test_borrow_lands_in_margin_and_reports_the_loan(api, borrower, otp):
    response = api.post(BORROW, {"asset": "USDT", "amount": "20000"}, format="json", **otp())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["asset"] == "USDT"
    assert (body["amount"], body["interest_charged"]) == ("20000", "2")
    assert (body["principal"], body["interest"]) == ("20000", "2")
    # CV 56 500 + 20 000, L 20 002: 76 500 / 20 002 rounded down.
    assert body["margin_ratio"] == "3.82461753"
    assert balance(borrower, AccountKind.MARGIN, "USDT") == D("20000")
    more = api.post(BORROW, {"asset": "USDT", "amount": "500"}, format="json", **otp()).json()
    assert (more["principal"], more["interest"], more["interest_charged"]) == ("20500", "2.05", "0.05")
    assert_ledger_balanced()


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"asset": "USDT", "amount": "0"}, 400, "invalid_amount"),
        ({"asset": "USDT", "amount": "-5"}, 400, "invalid_amount"),
        ({"asset": "USDT", "amount": "0.000000001"}, 400, "invalid_amount"),  # USDT has 8 places
        ({"asset": "USDT", "amount": 100.5}, 400, "invalid_amount"),  # a JSON float
        ({"asset": "USDT", "amount": 100}, 400, "invalid_amount"),  # a JSON number at all
        ({"asset": "USDT", "amount": "1e3"}, 400, "invalid_amount"),
        ({"asset": "USDT", "amount": "NaN"}, 400, "invalid_amount"),
        ({"asset": "USDT"}, 400, "required"),
        ({"asset": "XYZ", "amount": "1"}, 400, "unknown_asset"),
        ({"asset": "ADA", "amount": "1"}, 422, "asset_disabled"),  # collateral, not borrowable
        ({"asset": "USDT", "amount": "1000000"}, 422, "margin_ratio_too_low"),
    ],
)
def test_bad_borrow_is_refused_and_moves_nothing(api, borrower, otp, payload, status, code):
    before = ledger_state()
    response = api.post(BORROW, payload, format="json", **otp())
    assert response.status_code == status, response.content
    error = error_of(response)
    assert error["code"] == code
    assert ledger_state() == before
    assert not Loan.objects.filter(margin_account__user=borrower).exists()


@pytest.mark.parametrize(
    ("code", "error_code"), [(None, "two_factor_required"), ("123456", "two_factor_invalid")]
)
def test_borrow_without_a_valid_totp_code_is_refused(api, borrower, code, error_code):
    before = ledger_state()
    headers = {"HTTP_X_OTP_CODE": code} if code else {}
    response = api.post(BORROW, {"asset": "USDT", "amount": "100"}, format="json", **headers)
    assert response.status_code == 403
    assert error_of(response) == {
        "code": error_code,
        "message": error_of(response)["message"],
        "field": "otp_code",
    }
    assert ledger_state() == before


def test_a_wrong_totp_code_counts_against_the_device_even_though_the_call_is_refused(api, borrower):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    api.post(BORROW, {"asset": "USDT", "amount": "100"}, format="json", HTTP_X_OTP_CODE="000000")
    assert TOTPDevice.objects.get(user=borrower).throttling_failure_count == 1


def test_a_customer_without_2fa_needs_no_code(api, customer):
    from tests.helpers import fund_margin

    fund_margin(customer, BTC="1")
    response = api.post(TRANSFER, {"asset": "BTC", "amount": "0.25", "direction": "to_spot"}, format="json")
    assert response.status_code == 201, response.content
    assert balance(customer, AccountKind.SPOT, "BTC") == D("0.25")


def test_borrow_refused_when_multi_asset_mode_is_off(api, customer):
    from tests.helpers import fund_margin

    fund_margin(customer, BTC="1")
    before = ledger_state()
    response = api.post(BORROW, {"asset": "USDT", "amount": "100"}, format="json")
    assert response.status_code == 409
    assert error_of(response)["code"] == "multi_asset_mode_off"
    assert ledger_state() == before


def test_transfer_both_ways(api, borrower, otp):
    out = api.post(
        TRANSFER, {"asset": "btc", "amount": "0.4", "direction": "to_spot"}, format="json", **otp()
    )
    assert out.status_code == 201, out.content
    assert out.json()["asset"] == "BTC"
    back = api.post(
        TRANSFER, {"asset": "BTC", "amount": "0.1", "direction": "to_margin"}, format="json", **otp()
    )
    assert back.status_code == 201
    assert balance(borrower, AccountKind.MARGIN, "BTC") == D("0.7")
    assert balance(borrower, AccountKind.SPOT, "BTC") == D("0.3")


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"asset": "BTC", "amount": "0", "direction": "to_spot"}, 400, "invalid_amount"),
        ({"asset": "BTC", "amount": "-0.1", "direction": "to_spot"}, 400, "invalid_amount"),
        ({"asset": "BTC", "amount": "0.123456789", "direction": "to_spot"}, 400, "invalid_amount"),
        ({"asset": "BTC", "amount": 0.1, "direction": "to_spot"}, 400, "invalid_amount"),
        ({"asset": "BTC", "amount": "0.1", "direction": "sideways"}, 400, "invalid_choice"),
        ({"asset": "NOPE", "amount": "1", "direction": "to_spot"}, 400, "unknown_asset"),
        ({"asset": "BTC", "amount": "2", "direction": "to_spot"}, 422, "insufficient_balance"),
        ({"asset": "USDC", "amount": "1", "direction": "to_margin"}, 422, "asset_disabled"),
    ],
)
def test_bad_transfer_is_refused_and_moves_nothing(api, borrower, otp, payload, status, code):
    before = ledger_state()
    response = api.post(TRANSFER, payload, format="json", **otp())
    assert response.status_code == status, response.content
    assert error_of(response)["code"] == code
    assert ledger_state() == before


def test_transfer_out_that_would_break_the_ratio_is_refused(api, borrower, otp):
    api.post(BORROW, {"asset": "USDT", "amount": "40000"}, format="json", **otp())
    before = ledger_state()
    response = api.post(
        TRANSFER, {"asset": "BTC", "amount": "0.9", "direction": "to_spot"}, format="json", **otp()
    )
    assert response.status_code == 422
    assert error_of(response)["code"] == "margin_ratio_too_low"
    assert ledger_state() == before


def test_repay_pays_interest_first_then_principal(api, borrower, otp):
    api.post(BORROW, {"asset": "USDT", "amount": "20000"}, format="json", **otp())
    response = api.post(REPAY, {"asset": "USDT", "amount": "5000"}, format="json", **otp())
    assert response.status_code == 201, response.content
    assert response.json() | {"transaction_id": 0} == {
        "transaction_id": 0,
        "asset": "USDT",
        "interest_paid": "2",
        "principal_paid": "4998",
    }


def test_repay_all_clears_interest_and_principal_exactly(api, borrower, otp):
    api.post(BORROW, {"asset": "BTC", "amount": "0.12345678"}, format="json", **otp())
    response = api.post(REPAY, {"asset": "BTC", "repay_all": True}, format="json", **otp())
    assert response.status_code == 201, response.content
    body = response.json()
    # 0.12345678 x 0.0002 = 0.0000246913.. rounded up to 0.00002470
    assert (body["interest_paid"], body["principal_paid"]) == ("0.0000247", "0.12345678")
    loan = Loan.objects.get(margin_account__user=borrower, asset__symbol="BTC")
    assert (loan.principal, loan.interest) == (0, 0)
    assert balance(borrower, AccountKind.MARGIN, "BTC") == D("1") - D("0.0000247")
    summary = api.get("/api/v1/account/").json()
    assert summary["loans"] == [] and summary["liability"] == "0" and summary["margin_ratio"] is None
    assert_ledger_balanced()


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"asset": "USDT", "amount": "0"}, 400, "invalid_amount"),
        ({"asset": "USDT", "amount": "-1"}, 400, "invalid_amount"),
        ({"asset": "USDT", "amount": "1.000000001"}, 400, "invalid_amount"),
        ({"asset": "USDT", "amount": 1.5}, 400, "invalid_amount"),
        ({"asset": "USDT", "amount": "1", "repay_all": True}, 400, "invalid_amount"),
        ({"asset": "USDT"}, 400, "invalid_amount"),
        ({"asset": "USDT", "amount": "999999"}, 400, "invalid_amount"),  # more than owed
        ({"asset": "ETH", "repay_all": True}, 400, "invalid_amount"),  # no ETH loan
        ({"asset": "ZZZ", "repay_all": True}, 400, "unknown_asset"),
    ],
)
def test_bad_repay_is_refused_and_moves_nothing(api, borrower, otp, payload, status, code):
    api.post(BORROW, {"asset": "USDT", "amount": "1000"}, format="json", **otp())
    before = ledger_state()
    response = api.post(REPAY, payload, format="json", **otp())
    assert response.status_code == status, response.content
    assert error_of(response)["code"] == code
    assert ledger_state() == before


def test_repay_without_the_funds_in_margin_is_refused(api, borrower, otp):
    api.post(BORROW, {"asset": "USDT", "amount": "1000"}, format="json", **otp())
    api.post(TRANSFER, {"asset": "USDT", "amount": "1000", "direction": "to_spot"}, format="json", **otp())
    before = ledger_state()
    response = api.post(REPAY, {"asset": "USDT", "repay_all": True}, format="json", **otp())
    assert response.status_code == 422
    assert error_of(response)["code"] == "insufficient_balance"
    assert ledger_state() == before


def test_money_calls_need_authentication(client, borrower):
    before = ledger_state()
    response = client.post(BORROW, {"asset": "USDT", "amount": "1"}, content_type="application/json")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
    assert ledger_state() == before
