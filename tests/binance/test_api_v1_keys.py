"""API keys on /api/v1/: made (TOTP when 2FA is on), listed without secrets, revoked; they sign calls,
and a key made with TOTP is the second factor for the money calls it permits."""

from __future__ import annotations

import json
from decimal import Decimal as D
from urllib.parse import urlencode

import pytest
from django.test import Client

from accounts.models import ApiKey
from accounts.models.ledger import AccountKind
from tests.api.conftest import client_for, error_of, fresh_code
from tests.binance.conftest import key_for, now_ms, sign
from tests.conftest import totp_device
from tests.helpers import balance, enable_mode, fund_margin, ledger_state

pytestmark = pytest.mark.django_db

BORROW = "/api/v1/account/loans/borrow/"


@pytest.fixture
def borrower(customer):
    fund_margin(customer, BTC="1")
    enable_mode(customer)  # 2FA on
    return customer


def signed_call(issued, method: str, path: str, body: dict | None = None, *, key: str | None = None, **extra):
    """Sign as documented: HMAC-SHA256 over the query string (no signature) followed by the raw JSON body."""
    raw = json.dumps(body) if body is not None else ""
    query = urlencode({"timestamp": now_ms()})
    signature = sign(issued.secret, query + raw)
    kwargs = {"data": raw, "content_type": "application/json"} if body is not None else {}
    return getattr(Client(), method)(
        f"{path}?{query}&signature={signature}",
        HTTP_X_MBX_APIKEY=key or issued.api_key.key,
        **kwargs,
        **extra,
    )


def test_creating_a_key_with_two_factor_on_needs_the_code(borrower):
    api = client_for(borrower)
    refused = api.post("/api/v1/auth/api-keys/", {"label": "bot"}, format="json")
    assert error_of(refused)["code"] == "two_factor_required"
    assert not ApiKey.objects.exists()
    made = api.post(
        "/api/v1/auth/api-keys/",
        {"label": "bot", "permissions": ["borrow_repay"]},
        format="json",
        HTTP_X_OTP_CODE=fresh_code(borrower),
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert len(body["api_key"]) == 64 and len(body["secret"]) == 64
    assert body["permissions"] == ["read", "borrow_repay"] and body["second_factor"] is True


def test_the_list_never_shows_a_secret_and_the_database_keeps_it_encrypted(borrower):
    issued = key_for(borrower)
    listed = client_for(borrower).get("/api/v1/auth/api-keys/").json()
    assert [k["api_key"] for k in listed] == [issued.api_key.key]
    assert issued.secret not in json.dumps(listed)
    stored = ApiKey.objects.get()
    assert issued.secret not in stored.secret_encrypted and stored.secret_encrypted.startswith("gAAAA")


def test_a_customer_without_two_factor_gets_a_key_that_is_not_a_second_factor(customer):
    made = client_for(customer).post("/api/v1/auth/api-keys/", {"label": "reader"}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["second_factor"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"label": ""}, "label"),
        ({"label": "x", "permissions": ["withdraw"]}, "permissions.0"),
        ({"label": "x", "ip_allowlist": ["not-an-address"]}, "ip_allowlist"),
        (
            {"label": "x", "public_key": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"},
            "public_key",
        ),
    ],
)
def test_a_malformed_key_request_is_refused_on_its_field(customer, body, field):
    response = client_for(customer).post("/api/v1/auth/api-keys/", body, format="json")
    assert error_of(response)["field"] == field
    assert not ApiKey.objects.exists()


def test_staff_cannot_make_keys(make_user, market):
    response = client_for(make_user("risk-desk", is_staff=True)).post(
        "/api/v1/auth/api-keys/", {"label": "x"}, format="json"
    )
    # Customer endpoints refuse staff at the door; the service refuses them too (a staff key).
    assert response.status_code == 403
    assert not ApiKey.objects.exists()


def test_a_signed_read_sees_what_the_token_sees(borrower):
    issued = key_for(borrower, permissions=())
    signed = signed_call(issued, "get", "/api/v1/account/")
    assert signed.status_code == 200, signed.content
    assert signed.json() == client_for(borrower).get("/api/v1/account/").json()


def test_a_key_made_with_totp_is_the_second_factor_for_a_borrow(borrower):
    issued = key_for(borrower, permissions=("borrow_repay",))
    response = signed_call(issued, "post", BORROW, {"asset": "USDT", "amount": "1000"})
    assert response.status_code == 201, response.content
    assert balance(borrower, AccountKind.MARGIN, "USDT") == D("1000")


def test_a_key_without_the_permission_cannot_borrow(borrower):
    issued = key_for(borrower, permissions=("transfer",))
    before = ledger_state()
    response = signed_call(issued, "post", BORROW, {"asset": "USDT", "amount": "1000"})
    assert response.status_code == 403
    assert error_of(response)["code"] == "api_key_permission_missing"
    assert ledger_state() == before


def test_a_key_made_before_two_factor_still_needs_the_code(customer):
    fund_margin(customer, BTC="1")
    issued = key_for(customer, permissions=("borrow_repay",))
    totp_device(customer)
    enable_mode(customer)
    before = ledger_state()
    without = signed_call(issued, "post", BORROW, {"asset": "USDT", "amount": "1000"})
    assert error_of(without)["code"] == "two_factor_required"
    assert ledger_state() == before
    with_code = signed_call(
        issued, "post", BORROW, {"asset": "USDT", "amount": "1000"}, HTTP_X_OTP_CODE=fresh_code(customer)
    )
    assert with_code.status_code == 201, with_code.content


def test_a_tampered_body_is_an_invalid_signature(borrower):
    issued = key_for(borrower)
    query = urlencode({"timestamp": now_ms()})
    signature = sign(issued.secret, query + json.dumps({"asset": "USDT", "amount": "1"}))
    before = ledger_state()
    response = Client().post(
        f"{BORROW}?{query}&signature={signature}",
        data=json.dumps({"asset": "USDT", "amount": "9000"}),
        content_type="application/json",
        HTTP_X_MBX_APIKEY=issued.api_key.key,
    )
    assert response.status_code == 401
    assert error_of(response)["code"] == "signature_invalid"
    assert ledger_state() == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/account/mode/disable/"),
        ("post", "/api/v1/auth/api-keys/"),
        ("delete", "/api/v1/auth/tokens/abcdefgh/"),
    ],
)
def test_keys_cannot_change_mode_or_manage_credentials(borrower, method, path):
    issued = key_for(borrower)
    response = signed_call(issued, method, path, {} if method == "post" else None)
    assert response.status_code == 403, response.content
    assert error_of(response)["code"] == "api_key_not_allowed"
    assert ApiKey.objects.count() == 1


def test_a_revoked_key_no_longer_signs(borrower):
    issued = key_for(borrower)
    response = client_for(borrower).delete(f"/api/v1/auth/api-keys/{issued.api_key.key}/")
    assert response.status_code == 204
    refused = signed_call(issued, "get", "/api/v1/account/")
    assert refused.status_code == 401
    assert error_of(refused)["code"] == "api_key_rejected"
    assert client_for(borrower).get("/api/v1/auth/api-keys/").json() == []
