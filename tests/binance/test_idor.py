"""A key reaches its own customer's data only: never another's, by id or by any parameter."""

from __future__ import annotations

import pytest

from accounts.selectors import margin_account_for
from accounts.services import loan_borrow, loan_repay, transfer
from accounts.services.sweep import account_sweep
from risk.models import Liquidation
from risk.services import price_record
from tests.api.conftest import client_for
from tests.binance.conftest import Signed, key_for
from tests.helpers import enable_mode, fund_margin
from tests.workers.scenarios import LIQUIDATION_PRICE, leveraged_btc_holder

pytestmark = pytest.mark.django_db

READS = [
    ("/sapi/v1/margin/account", {}),
    ("/sapi/v1/margin/borrow-repay", {"type": "BORROW"}),
    ("/sapi/v1/margin/borrow-repay", {"type": "REPAY"}),
    ("/sapi/v1/margin/transfer", {}),
    ("/sapi/v1/asset/transfer", {"type": "MAIN_MARGIN"}),
    ("/sapi/v1/asset/transfer", {"type": "MARGIN_MAIN"}),
    ("/sapi/v1/margin/interestHistory", {}),
    ("/sapi/v1/margin/forceLiquidationRec", {}),
    ("/sapi/v1/margin/capital-flow", {}),
]


@pytest.fixture
def alice(customer):
    """Loans, repayments, transfers both ways, interest and a liquidation."""
    leveraged_btc_holder(customer)
    transfer(user=customer, asset="USDT", amount="100", direction="to_margin")
    loan_repay(user=customer, asset="USDT", amount="50")
    price_record(asset="BTC", price=LIQUIDATION_PRICE, source="test")
    account_sweep(margin_account_id=margin_account_for(customer).pk)
    assert Liquidation.objects.filter(margin_account__user=customer).exists()
    return customer


@pytest.fixture
def mallory_user(make_user, market):
    return make_user("mallory")


@pytest.fixture
def mallory(mallory_user):
    return Signed(key_for(mallory_user))


def rows_of(body) -> list:
    return body if isinstance(body, list) else body.get("rows") or body.get("userAssets") or []


@pytest.mark.parametrize(("path", "params"), READS)
def test_another_customers_key_sees_none_of_her_records(alice, mallory, path, params):
    mine = Signed(key_for(alice, permissions=()))
    assert rows_of(mine.get(path, params).json()), f"alice should have rows at {path}"
    theirs = mallory.get(path, params)
    assert theirs.status_code == 200, theirs.content
    assert rows_of(theirs.json()) == []


def test_her_transaction_id_finds_nothing_with_another_key(alice, mallory):
    alices = Signed(key_for(alice, permissions=()))
    tx_id = alices.get("/sapi/v1/margin/borrow-repay", {"type": "BORROW"}).json()["rows"][0]["txId"]
    found = mallory.get("/sapi/v1/margin/borrow-repay", {"type": "BORROW", "txId": tx_id}).json()
    assert found == {"rows": [], "total": 0}


def test_another_customers_key_moves_only_its_own_money(alice, mallory):
    response = mallory.post(
        "/sapi/v1/margin/borrow-repay",
        {"asset": "USDT", "isIsolated": "FALSE", "amount": "1", "type": "REPAY"},
    )
    assert response.json()["code"] == -3015  # mallory owes nothing; alice's loan is untouched


def test_her_liquidation_is_not_found_through_api_v1_with_another_key(alice, mallory):
    liquidation = Liquidation.objects.get(margin_account__user=alice)
    response = mallory.get(f"/api/v1/account/liquidations/{liquidation.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_her_key_cannot_be_revoked_by_another_customer(alice, mallory_user):
    hers = key_for(alice, label="alice bot")
    response = client_for(mallory_user).delete(f"/api/v1/auth/api-keys/{hers.api_key.key}/")
    assert response.status_code == 404
    assert Signed(hers).get("/sapi/v1/margin/account").status_code == 200


def test_loans_of_both_stay_apart_when_both_borrow(customer, make_user):
    bob = make_user("bob")
    for user in (customer, bob):
        fund_margin(user, BTC="1")
        enable_mode(user)
    loan_borrow(user=customer, asset="USDT", amount="100")
    bobs = Signed(key_for(bob))
    bobs.post(
        "/sapi/v1/margin/borrow-repay",
        {"asset": "USDT", "isIsolated": "FALSE", "amount": "7", "type": "BORROW"},
    )
    account = bobs.get("/sapi/v1/margin/account").json()
    assert [(a["asset"], a["borrowed"]) for a in account["userAssets"] if a["asset"] == "USDT"] == [
        ("USDT", "7")
    ]
