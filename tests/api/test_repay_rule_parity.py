"""One repay rule on every path: an amount, or repay all — exactly one (service, web form, API)."""

from __future__ import annotations

import pytest

from accounts.forms import RepayForm
from accounts.services import loan_borrow, loan_repay
from margin_project.errors import InvalidAmount
from risk.models import Asset
from tests.helpers import fund_margin, ledger_state

pytestmark = pytest.mark.django_db

CASES = [
    # (amount, repay_all, allowed)
    ("10", False, True),
    (None, True, True),
    ("10", True, False),  # both: refused everywhere (the form and service used to let repay-all win)
    (None, False, False),  # neither
]


@pytest.fixture
def loan(borrower):
    loan_borrow(user=borrower, asset="USDT", amount="1000")
    fund_margin(borrower, USDT="10")  # enough to repay all, interest included, twice over
    return borrower


def _service(user, amount, repay_all) -> bool:
    try:
        loan_repay(user=user, asset="USDT", amount=amount, repay_all=repay_all)
    except InvalidAmount:
        return False
    return True


def _form(amount, repay_all) -> bool:
    data = {"asset": "USDT", "amount": amount or ""}
    if repay_all:
        data["repay_all"] = "on"
    return RepayForm(data, assets=[Asset.objects.get(symbol="USDT")]).is_valid()


def _api(api, otp, amount, repay_all) -> bool:
    body = {"asset": "USDT", **({"amount": amount} if amount is not None else {}), "repay_all": repay_all}
    response = api.post("/api/v1/account/loans/repay/", body, format="json", **otp())
    assert response.status_code in (201, 400), response.content
    if response.status_code == 400:
        assert response.json()["error"]["code"] == "invalid_amount"
    return response.status_code == 201


@pytest.mark.parametrize(("amount", "repay_all", "allowed"), CASES)
def test_the_service_form_and_api_agree_on_the_repay_rule(api, otp, loan, amount, repay_all, allowed):
    assert _form(amount, repay_all) is allowed
    before = ledger_state()
    assert _service(loan, amount, repay_all) is allowed
    if not allowed:
        assert ledger_state() == before
    loan_borrow(user=loan, asset="USDT", amount="1000")  # owe again for the API's turn
    assert _api(api, otp, amount, repay_all) is allowed
