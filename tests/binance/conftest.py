"""Fixtures of the Binance-compatible surface: keys from the real service, signed requests, real clients."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from urllib.parse import urlencode

import pytest
from django.core.cache import caches
from django.test import Client

from accounts.services.api_keys import ApiKeyIssued, api_key_create
from tests.api.conftest import fresh_code


@pytest.fixture(autouse=True)
def _fresh_weights():
    """Weight counters live in a cache that outlives a test's database."""
    caches["api"].clear()
    yield
    caches["api"].clear()


def key_for(user, *, label: str = "bot", permissions=("borrow_repay", "transfer"), **kwargs) -> ApiKeyIssued:
    """A key issued by the real service (with a TOTP code when the user has 2FA)."""
    from django_otp import user_has_device

    if user_has_device(user, confirmed=True):
        kwargs.setdefault("otp_code", fresh_code(user))
    return api_key_create(user=user, label=label, permissions=permissions, **kwargs)


def sign(secret: str, payload: str) -> str:
    """Binance's HMAC-SHA256 signature (hex), written out from the documentation."""
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def now_ms() -> int:
    return int(time.time() * 1000)


class Signed:
    """A signing client for the Django test client: Binance's rules, written out independently."""

    def __init__(self, issued: ApiKeyIssued, client: Client | None = None, address: str = "127.0.0.1"):
        self.key = issued.api_key.key
        self.secret = issued.secret
        self.client = client or Client()
        self.address = address

    def query(self, params: dict, *, timestamp: int | None = None) -> str:
        params = {**params, "timestamp": now_ms() if timestamp is None else timestamp}
        payload = urlencode(params)
        return f"{payload}&signature={sign(self.secret, payload)}"

    def get(self, path: str, params: dict | None = None, **kwargs):
        return self.client.get(
            f"{path}?{self.query(params or {}, **kwargs)}",
            HTTP_X_MBX_APIKEY=self.key,
            REMOTE_ADDR=self.address,
        )

    def post(self, path: str, params: dict | None = None, **kwargs):
        return self.post_query(path, self.query(params or {}, **kwargs))

    def post_query(self, path: str, query: str, key: str | None = None):
        """POST with everything in the query string and an empty body, as the official SDK does."""
        return self.client.post(
            f"{path}?{query}",
            data="",
            content_type="application/x-www-form-urlencoded",
            HTTP_X_MBX_APIKEY=key or self.key,
            REMOTE_ADDR=self.address,
        )


@pytest.fixture
def sdk_warnings(caplog):
    """The SDK logs a warning when a response does not fit its (strict) model: there must be none."""
    caplog.set_level(logging.WARNING)
    yield caplog
    misfits = [r.getMessage() for r in caplog.records if "response" in r.getMessage().lower()]
    assert not misfits, misfits


def sdk_client(base_url: str, issued: ApiKeyIssued, *, private_key: str | None = None):
    """Binance's official SDK, pointed at the desk."""
    from binance_common.configuration import ConfigurationRestAPI
    from binance_sdk_margin_trading.margin_trading import MarginTrading

    config = ConfigurationRestAPI(
        api_key=issued.api_key.key,
        api_secret=None if private_key else issued.secret,
        private_key=private_key,
        base_path=base_url,
        timeout=30_000,
        retries=0,
    )
    return MarginTrading(config_rest_api=config).rest_api
