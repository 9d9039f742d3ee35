"""Shared fixtures: a small market built through the real services."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from risk.models import Asset, CollateralTier, RiskSettings
from risk.services import price_record

# symbol: (precision, price, tiers, collateral, borrowable, daily rate)
MARKET = {
    "USDT": (8, D("1"), [(None, D("1"))], True, True, D("0.0001")),
    "BTC": (8, D("60000"), [(None, D("0.90"))], True, True, D("0.0002")),
    "ETH": (8, D("3000"), [(None, D("0.90"))], True, True, D("0.0002")),
    "BNB": (8, D("600"), [(None, D("0.85"))], True, True, D("0.00005")),
    "ADA": (6, D("0.5"), [(None, D("0.50"))], True, False, D("0")),
    "USDC": (8, D("1"), [(None, D("1"))], False, False, D("0")),
}


def market_create(market: dict = MARKET) -> dict[str, Asset]:
    assets = {}
    for priority, (symbol, (precision, price, tiers, collateral, borrowable, rate)) in enumerate(
        market.items()
    ):
        asset = Asset.objects.create(
            symbol=symbol,
            name=symbol,
            precision=precision,
            is_collateral=collateral,
            is_borrowable=borrowable,
            daily_interest_rate=rate,
            liquidation_priority=priority,
        )
        for up_to, factor in tiers:
            CollateralTier.objects.create(asset=asset, up_to=up_to, factor=factor)
        price_record(asset=asset, price=price, source="test")
        assets[symbol] = asset
    RiskSettings.load()
    return assets


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness buys nothing in tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Tasks queued after commit run in-process, unless the test starts a real worker."""
    from margin_project.celery import app

    eager = request.node.get_closest_marker("worker") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def market(db):
    return market_create()


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 10_000))

    def make(username: str | None = None, **kwargs):
        username = username or f"customer{next(counter)}"
        return get_user_model().objects.create_user(
            username, f"{username}@example.com", "pw-Secret-123", **kwargs
        )

    return make


def totp_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def totp_code(user) -> str:
    """The current code of the user's authenticator, as the phone would show it."""
    device = totp_device(user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@pytest.fixture
def customer(make_user, market):
    return make_user("alice")


# One Playwright instance for the whole run: web and admin browser tests share it.
from tests.browser import browser, page  # noqa: E402,F401
