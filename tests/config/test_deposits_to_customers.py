"""Staff deposits only to customers: a staff user is never credited (the admin's form refuses too)."""

from __future__ import annotations

import pytest

from accounts.services import deposit_credit
from margin_project.errors import NotACustomer
from tests.api.conftest import error_of
from tests.helpers import ledger_state

pytestmark = pytest.mark.django_db


def test_the_service_refuses_to_credit_a_staff_user(officer, market):
    before = ledger_state()

    with pytest.raises(NotACustomer, match="rita is staff; deposits are credited to customers only."):
        deposit_credit(user=officer, asset="BTC", amount="1", reference="0xstaff")

    assert ledger_state() == before


def test_the_api_refuses_to_credit_a_staff_user(staff_api, officer):
    before = ledger_state()

    response = staff_api.post(
        "/api/v1/staff/deposits/",
        {"username": "rita", "asset": "BTC", "amount": "1", "reference": "0xstaff"},
        format="json",
    )

    assert response.status_code == 400
    assert (error_of(response)["code"], error_of(response)["field"]) == ("not_a_customer", "username")
    assert ledger_state() == before
