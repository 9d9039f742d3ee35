"""Binance's request authentication: every fault refused with Binance's code and status, nothing moved."""

from __future__ import annotations

import base64
from decimal import Decimal as D
from urllib.parse import urlencode

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from accounts.models.ledger import AccountKind
from accounts.services.api_keys import api_key_revoke
from tests.binance.conftest import Signed, key_for, now_ms, sign
from tests.conftest import totp_device
from tests.helpers import balance, enable_mode, fund_margin, ledger_state

pytestmark = pytest.mark.django_db

BORROW = "/sapi/v1/margin/borrow-repay"
ACCOUNT = "/sapi/v1/margin/account"
BORROW_1000 = {"asset": "USDT", "isIsolated": "FALSE", "amount": "1000", "type": "BORROW"}


@pytest.fixture
def borrower(customer):
    fund_margin(customer, BTC="1")
    enable_mode(customer)
    return customer


@pytest.fixture
def bot(borrower) -> Signed:
    return Signed(key_for(borrower))


def refused(response, code: int, status: int) -> str:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "msg"} and body["code"] == code, body
    return body["msg"]


def test_a_signed_borrow_moves_the_money(bot, borrower):
    response = bot.post(BORROW, BORROW_1000)
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"tranId"}
    assert balance(borrower, AccountKind.MARGIN, "USDT") == D("1000")


def test_a_tampered_query_is_refused_as_an_invalid_signature(bot, borrower):
    before = ledger_state()
    query = bot.query(BORROW_1000).replace("amount=1000", "amount=9000")
    response = bot.post_query(BORROW, query)
    assert refused(response, -1022, 400) == "Signature for this request is not valid."
    assert ledger_state() == before


def test_a_stale_timestamp_is_refused_outside_the_recv_window(bot):
    before = ledger_state()
    response = bot.post(BORROW, BORROW_1000, timestamp=now_ms() - 6000)
    assert refused(response, -1021, 400) == "Timestamp for this request is outside of the recvWindow."
    assert ledger_state() == before


def test_a_longer_recv_window_admits_an_older_timestamp(bot):
    response = bot.get(ACCOUNT, {"recvWindow": "20000"}, timestamp=now_ms() - 6000)
    assert response.status_code == 200, response.content


def test_a_timestamp_ahead_of_the_server_is_refused(bot):
    response = bot.get(ACCOUNT, timestamp=now_ms() + 5000)
    assert "ahead of the server's time" in refused(response, -1021, 400)


def test_a_recv_window_beyond_a_minute_is_refused(bot):
    refused(bot.get(ACCOUNT, {"recvWindow": "60001"}), -1131, 400)


def test_another_customers_key_with_my_secret_is_an_invalid_signature(bot, borrower, make_user):
    mallory = key_for(make_user("mallory"))
    before = ledger_state()
    response = bot.post_query(BORROW, bot.query(BORROW_1000), key=mallory.api_key.key)
    refused(response, -1022, 400)
    assert ledger_state() == before


def test_a_read_only_key_cannot_borrow(borrower):
    reader = Signed(key_for(borrower, permissions=()))
    before = ledger_state()
    assert "borrow and repay permission" in refused(reader.post(BORROW, BORROW_1000), -2015, 401)
    assert ledger_state() == before
    assert reader.get(ACCOUNT).status_code == 200


def test_a_borrow_key_cannot_transfer(borrower):
    borrow_only = Signed(key_for(borrower, permissions=("borrow_repay",)))
    before = ledger_state()
    response = borrow_only.post(
        "/sapi/v1/asset/transfer", {"type": "MARGIN_MAIN", "asset": "BTC", "amount": "0.1"}
    )
    refused(response, -2015, 401)
    assert ledger_state() == before


def test_a_revoked_key_is_refused(bot, borrower):
    api_key_revoke(user=borrower, key=bot.key)
    before = ledger_state()
    refused(bot.post(BORROW, BORROW_1000), -2015, 401)
    refused(bot.get(ACCOUNT), -2015, 401)
    assert ledger_state() == before


def test_an_address_outside_the_allow_list_is_refused(borrower):
    issued = key_for(borrower, ip_allowlist=["203.0.113.0/24"])
    before = ledger_state()
    assert "198.51.100.9" in refused(
        Signed(issued, address="198.51.100.9").post(BORROW, BORROW_1000), -2015, 401
    )
    assert ledger_state() == before
    assert Signed(issued, address="203.0.113.77").post(BORROW, BORROW_1000).status_code == 200


@pytest.mark.parametrize("header", [None, "", "not-a-key", "x" * 64 + "y"])
def test_a_missing_or_malformed_key_is_a_bad_key_format(bot, header):
    extra = {} if header is None else {"HTTP_X_MBX_APIKEY": header}
    response = Client().get(f"{ACCOUNT}?{bot.query({})}", **extra)
    assert refused(response, -2014, 401) == "API-key format invalid."


def test_an_unknown_key_is_rejected(bot):
    response = Client().get(f"{ACCOUNT}?{bot.query({})}", HTTP_X_MBX_APIKEY="A" * 64)
    refused(response, -2015, 401)


@pytest.mark.parametrize("drop", ["timestamp", "signature"])
def test_a_missing_timestamp_or_signature_is_a_missing_mandatory_parameter(bot, drop):
    query = "&".join(p for p in bot.query({"asset": "BTC"}).split("&") if not p.startswith(f"{drop}="))
    response = bot.client.get(f"{ACCOUNT}?{query}", HTTP_X_MBX_APIKEY=bot.key)
    assert f"'{drop}'" in refused(response, -1102, 400)


def test_a_parameter_sent_twice_is_refused(bot):
    payload = urlencode({"asset": "USDT", "timestamp": now_ms()}) + "&asset=BTC"
    response = bot.client.get(
        f"/sapi/v1/margin/maxBorrowable?{payload}&signature={sign(bot.secret, payload)}",
        HTTP_X_MBX_APIKEY=bot.key,
    )
    refused(response, -1101, 400)


def test_parameters_and_signature_in_the_body_are_signed_as_query_then_body(bot, borrower):
    query = urlencode({"timestamp": now_ms()})
    body = urlencode(BORROW_1000)
    signature = sign(bot.secret, query + body)
    response = bot.client.post(
        f"{BORROW}?{query}",
        data=f"{body}&signature={signature}",
        content_type="application/x-www-form-urlencoded",
        HTTP_X_MBX_APIKEY=bot.key,
    )
    assert response.status_code == 200, response.content
    tampered = bot.client.post(
        f"{BORROW}?{query}",
        data=f"{body.replace('1000', '2000')}&signature={signature}",
        content_type="application/x-www-form-urlencoded",
        HTTP_X_MBX_APIKEY=bot.key,
    )
    refused(tampered, -1022, 400)
    assert balance(borrower, AccountKind.MARGIN, "USDT") == D("1000")


def test_the_same_signed_borrow_sent_twice_moves_once_and_answers_the_same(bot, borrower):
    query = bot.query({**BORROW_1000, "recvWindow": "60000"})
    first = bot.post_query(BORROW, query)
    again = bot.post_query(BORROW, query)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert balance(borrower, AccountKind.MARGIN, "USDT") == D("1000")


def test_a_refused_borrow_can_be_sent_again_after_the_cause_is_fixed(bot, borrower):
    query = bot.query({**BORROW_1000, "amount": "300000", "recvWindow": "60000"})
    refused(bot.post_query(BORROW, query), -3006, 400)
    fund_margin(borrower, BTC="1")
    assert bot.post_query(BORROW, query).status_code == 200


def test_an_ed25519_key_signs_with_the_customers_private_key(borrower):
    private = Ed25519PrivateKey.generate()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    issued = key_for(borrower, public_key=public_pem, label="ed25519 bot")
    assert issued.secret is None
    payload = urlencode({**BORROW_1000, "timestamp": now_ms()})
    signature = base64.b64encode(private.sign(payload.encode())).decode()
    bot = Signed(issued)
    before = ledger_state()
    bad = bot.post_query(BORROW, f"{payload.replace('1000', '9000')}&{urlencode({'signature': signature})}")
    refused(bad, -1022, 400)
    assert ledger_state() == before
    good = bot.post_query(BORROW, f"{payload}&{urlencode({'signature': signature})}")
    assert good.status_code == 200, good.content


def test_a_key_made_before_two_factor_was_on_cannot_move_money_but_can_read(customer):
    fund_margin(customer, BTC="1")
    early = Signed(key_for(customer))  # no 2FA yet: made without a code
    totp_device(customer)
    enable_mode(customer)
    before = ledger_state()
    assert "two-factor" in refused(early.post(BORROW, BORROW_1000), -1002, 401)
    assert ledger_state() == before
    assert early.get(ACCOUNT).status_code == 200
