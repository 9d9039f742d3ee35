"""Fuzzing /sapi/v1/ with Hypothesis: validly signed calls with hostile parameters, and unsigned garbage.

/sapi/v1/ has no OpenAPI schema (Binance publishes none that matches), so the fuzz is direct:
for every endpoint, parameters drawn from its own names and Binance's, with values from
plausible to absurd, signed with a key that may do everything. Whatever comes in: never a
5xx, always JSON, every refusal in Binance's shape, and the ledger still balanced.
"""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.binance.conftest import Signed, key_for
from tests.helpers import assert_ledger_balanced, enable_mode, fund_margin

pytestmark = pytest.mark.django_db

ROUTES = [
    ("get", "/sapi/v1/margin/account"),
    ("get", "/sapi/v1/margin/borrow-repay"),
    ("post", "/sapi/v1/margin/borrow-repay"),
    ("get", "/sapi/v1/margin/maxBorrowable"),
    ("get", "/sapi/v1/margin/maxTransferable"),
    ("get", "/sapi/v1/asset/transfer"),
    ("post", "/sapi/v1/asset/transfer"),
    ("get", "/sapi/v1/margin/transfer"),
    ("get", "/sapi/v1/margin/interestHistory"),
    ("get", "/sapi/v1/margin/interestRateHistory"),
    ("get", "/sapi/v1/margin/next-hourly-interest-rate"),
    ("get", "/sapi/v1/margin/forceLiquidationRec"),
    ("get", "/sapi/v1/margin/capital-flow"),
    ("get", "/sapi/v1/margin/allAssets"),
    ("get", "/sapi/v1/margin/crossMarginData"),
    ("get", "/sapi/v1/margin/crossMarginCollateralRatio"),
    ("get", "/sapi/v1/margin/priceIndex"),
]
NAMES = [
    "asset", "amount", "type", "isIsolated", "symbol", "isolatedSymbol", "txId", "startTime", "endTime",
    "current", "size", "recvWindow", "fromId", "limit", "coin", "vipLevel", "assets", "fromSymbol",
    "toSymbol",
]  # fmt: skip
GOOD = [
    "USDT", "BTC", "ADA", "usdt", "BTCUSDT", "BORROW", "REPAY", "MAIN_MARGIN", "MARGIN_MAIN", "ROLL_IN",
    "ROLL_OUT", "TRANSFER", "FALSE", "TRUE", "1", "0.5", "0", "-1", "1.123456789", "1e5", "NaN", "Infinity",
    "99999999999999999999", "9" * 40, "", " ", "USDT,BTC", "1700000000000", "\u20bf", "\x00", "%00", "&",
]  # fmt: skip
values = st.one_of(
    st.sampled_from(GOOD),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=12).map(str),
    st.text(max_size=40),
)
params = st.dictionaries(st.sampled_from(NAMES), values, max_size=6)


@pytest.fixture
def bot(customer) -> Signed:
    fund_margin(customer, BTC="1", USDT="1000")
    enable_mode(customer)
    return Signed(key_for(customer, ip_allowlist=[]))


def binance_shaped(response) -> None:
    assert response.status_code < 500, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    if response.status_code >= 400:
        assert set(body) == {"code", "msg"}, body
        assert isinstance(body["code"], int) and body["code"] < 0 and isinstance(body["msg"], str)


@pytest.mark.parametrize(("method", "path"), ROUTES)
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(drawn=params)
def test_signed_calls_with_any_parameters_never_fail_the_server(bot, method, path, drawn):
    binance_shaped(getattr(bot, method)(path, drawn))
    assert_ledger_balanced()


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    route=st.sampled_from(ROUTES),
    query=st.text(max_size=200),
    body=st.binary(max_size=200),
    key=st.one_of(st.none(), st.text(max_size=80)),
)
def test_unsigned_garbage_is_refused_in_binances_shape(db, route, query, body, key):
    method, path = route
    headers = {} if key is None or any(c in key for c in "\r\n\x00") else {"HTTP_X_MBX_APIKEY": key}
    kwargs = {"data": body, "content_type": "application/x-www-form-urlencoded"} if method == "post" else {}
    response = getattr(Client(), method)(f"{path}?{query}", **kwargs, **headers)
    binance_shaped(response)
