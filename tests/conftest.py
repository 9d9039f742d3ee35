"""Shared fixtures: a small market built through the real services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
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


TRUSTED_FEED_BAND = D("10")  # ±1000 %: no test move is held unless a test asks for the band
TRUSTED_FEED_WINDOW = timedelta(seconds=1)


def market_create(market: dict = MARKET) -> dict[str, Asset]:
    assets = {}
    observed_at = timezone.now() - 2 * TRUSTED_FEED_WINDOW
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
        price_record(asset=asset, price=price, source="test", observed_at=observed_at)
        assets[symbol] = asset
    # The test market trusts its one feed: sweeps and liquidations are tested on any move,
    # and a price a test records replaces the feed's (it is older than the confirmation
    # window, so no median with it). tests/integrity/test_price_sanity.py tests the band,
    # the window and the median at their defaults.
    RiskSettings.load()
    RiskSettings.objects.filter(pk=1).update(
        max_price_move=TRUSTED_FEED_BAND, price_confirm_window=TRUSTED_FEED_WINDOW
    )
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
