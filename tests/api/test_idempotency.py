"""Idempotency-Key: a repeat replays the first response and moves nothing, even when concurrent."""

import pytest

from accounts.models import IdempotencyKey, LedgerTransaction, Loan
from accounts.models.ledger import TransactionKind
from tests.api.conftest import client_for, error_of, fresh_code
from tests.conftest import market_create
from tests.helpers import assert_ledger_balanced, enable_mode, fund_margin, ledger_state, race

BORROW = "/api/v1/account/loans/borrow/"
TRANSFER = "/api/v1/account/transfers/"


@pytest.mark.django_db
def test_a_repeat_with_the_same_key_and_body_replays_and_moves_nothing(api, borrower, otp):
    body = {"asset": "USDT", "amount": "1000"}
    first = api.post(BORROW, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1", **otp())
    assert first.status_code == 201
    after_first = ledger_state()
    # A retry carries the same (now used) TOTP code: the replay needs none.
    again = api.post(BORROW, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1", HTTP_X_OTP_CODE="000000")
    assert (again.status_code, again.json()) == (201, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert ledger_state() == after_first
    assert Loan.objects.get(margin_account__user=borrower).principal == 1000


@pytest.mark.django_db
def test_key_order_and_whitespace_do_not_make_a_different_body(api, borrower, otp):
    api.post(BORROW, {"asset": "USDT", "amount": "5"}, format="json", HTTP_IDEMPOTENCY_KEY="k", **otp())
    again = api.generic(
        "POST", BORROW, '{ "amount": "5",  "asset": "USDT" }', "application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert again.status_code == 201
    assert LedgerTransaction.objects.filter(kind=TransactionKind.BORROW).count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_a_422(api, borrower, otp):
    api.post(BORROW, {"asset": "USDT", "amount": "1000"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2", **otp())
    before = ledger_state()
    response = api.post(
        BORROW, {"asset": "USDT", "amount": "999"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2", **otp()
    )
    assert response.status_code == 422
    assert error_of(response)["code"] == "idempotency_key_reused"
    assert ledger_state() == before


@pytest.mark.django_db
def test_the_same_key_on_another_endpoint_is_a_422(api, borrower, otp):
    api.post(BORROW, {"asset": "BTC", "amount": "0.1"}, format="json", HTTP_IDEMPOTENCY_KEY="k-3", **otp())
    response = api.post(
        TRANSFER,
        {"asset": "BTC", "amount": "0.1", "direction": "to_spot"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-3",
        **otp(),
    )
    assert response.status_code == 422


@pytest.mark.django_db
def test_keys_belong_to_one_user(api, borrower, otp, make_user):
    api.post(BORROW, {"asset": "USDT", "amount": "10"}, format="json", HTTP_IDEMPOTENCY_KEY="shared", **otp())
    bob = make_user("bob")
    fund_margin(bob, BTC="1")
    enable_mode(bob)
    response = client_for(bob).post(
        BORROW,
        {"asset": "USDT", "amount": "10"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="shared",
        HTTP_X_OTP_CODE=fresh_code(bob),
    )
    assert response.status_code == 201
    assert Loan.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_call_frees_its_key(api, borrower, otp):
    refused = api.post(
        BORROW, {"asset": "USDT", "amount": "9999999"}, format="json", HTTP_IDEMPOTENCY_KEY="k-4", **otp()
    )
    assert refused.status_code == 422
    assert not IdempotencyKey.objects.filter(key="k-4").exists()
    retried = api.post(
        BORROW, {"asset": "USDT", "amount": "100"}, format="json", HTTP_IDEMPOTENCY_KEY="k-4", **otp()
    )
    assert retried.status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256, "naïve", "with space"])
def test_a_malformed_key_is_a_400(api, borrower, otp, key):
    before = ledger_state()
    response = api.post(
        BORROW, {"asset": "USDT", "amount": "1"}, format="json", HTTP_IDEMPOTENCY_KEY=key, **otp()
    )
    assert response.status_code == 400
    assert error_of(response)["field"] == "Idempotency-Key"
    assert ledger_state() == before


@pytest.mark.django_db
def test_deposit_credit_is_idempotent_by_key_too(staff_api, customer):
    body = {"username": customer.username, "asset": "BTC", "amount": "1", "reference": "0xfeed"}
    first = staff_api.post("/api/v1/staff/deposits/", body, format="json", HTTP_IDEMPOTENCY_KEY="dep-1")
    again = staff_api.post("/api/v1/staff/deposits/", body, format="json", HTTP_IDEMPOTENCY_KEY="dep-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert LedgerTransaction.objects.filter(kind=TransactionKind.DEPOSIT).count() == 1


def test_twenty_concurrent_borrows_with_one_key_make_one_loan(transactional_db, django_user_model):
    market_create()
    user = django_user_model.objects.create_user("racer", password="pw-Secret-123")
    fund_margin(user, BTC="1")
    enable_mode(user)
    code = fresh_code(user)
    clients = [client_for(user) for _ in range(20)]
    borrows_before = LedgerTransaction.objects.filter(kind=TransactionKind.BORROW).count()

    def borrow(i):
        response = clients[i].post(
            BORROW,
            {"asset": "USDT", "amount": "1000"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="one-borrow",
            HTTP_X_OTP_CODE=code,
        )
        return response.status_code, response.json()

    results = race(20, borrow)

    assert not [r for r in results if not isinstance(r, tuple)], results
    assert {status for status, _ in results} == {201}, results
    assert len({str(sorted(body.items())) for _, body in results}) == 1, results
    assert Loan.objects.filter(margin_account__user=user).count() == 1
    assert LedgerTransaction.objects.filter(kind=TransactionKind.BORROW).count() == borrows_before + 1
    assert Loan.objects.get(margin_account__user=user).principal == 1000
    assert IdempotencyKey.objects.filter(user=user).count() == 1
    assert_ledger_balanced()
