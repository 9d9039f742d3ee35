"""API fixtures: clients authenticated by token as a customer or as staff."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from risk.roles import RISK_OFFICER
from tests.conftest import totp_code, totp_device
from tests.helpers import enable_mode, fund_margin


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters live in a cache that outlives a test's database."""
    caches["api"].clear()
    yield
    caches["api"].clear()


def client_for(user) -> APIClient:
    """A token client; for staff, one that sends a fresh X-OTP-Code (staff changes need one)."""
    if user.is_staff:
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            totp_device(user)
        return OtpApiClient(user)
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def fresh_code(user) -> str:
    """A TOTP code the server will accept now (a used code cannot be replayed, so rewind)."""
    TOTPDevice.objects.filter(user=user).update(last_t=-1, throttling_failure_count=0)
    return totp_code(user)


@pytest.fixture
def api(customer) -> APIClient:
    return client_for(customer)


@pytest.fixture
def borrower(customer):
    """Alice with 1 BTC and 10 000 ADA in margin, multi-asset mode on (so 2FA is on)."""
    fund_margin(customer, BTC="1", ADA="10000")
    enable_mode(customer)
    return customer


@pytest.fixture
def otp(borrower):
    """Headers with a fresh TOTP code for the borrower."""

    def headers(**extra) -> dict:
        return {"HTTP_X_OTP_CODE": fresh_code(borrower), **extra}

    return headers


class OtpApiClient(APIClient):
    """A staff tool's client: a token, and a fresh X-OTP-Code with every call (staff changes need one)."""

    def __init__(self, user, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        token, _ = Token.objects.get_or_create(user=user)
        self.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    def generic(self, method, path, *args, **extra):
        extra.setdefault("HTTP_X_OTP_CODE", fresh_code(self.user))
        return super().generic(method, path, *args, **extra)


@pytest.fixture
def staff(make_user, market):
    """A risk officer with an authenticator: the role that records prices, credits deposits, configures."""
    user = make_user("risk-desk", is_staff=True)
    user.groups.add(Group.objects.get(name=RISK_OFFICER))
    totp_device(user)
    return user


@pytest.fixture
def staff_api(staff) -> APIClient:
    return OtpApiClient(staff)


@pytest.fixture
def other(make_user, market):
    return make_user("mallory")


def error_of(response) -> dict:
    """The error body, after checking the one shape every 4xx has."""
    assert 400 <= response.status_code < 500, (response.status_code, response.content)
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "field"} <= set(body["error"]), body
    return body["error"]
