"""Fixtures of the customer page tests: signed-in clients, fresh TOTP codes, a customer with a loan."""

from __future__ import annotations

import time

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import loan_borrow
from tests.helpers import enable_mode, fund_margin


def fresh_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current step, or the next one if that was used.

    TOTP codes work once; an authenticator whose clock runs one step ahead produces the
    next step's code, which the device's tolerance accepts.
    """
    device.refresh_from_db()
    now_step = int((time.time() - device.t0) // device.step)
    drift = max(now_step, device.last_t + 1) - now_step
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def sign_in(client, user) -> None:
    """Sign ``user`` in, past the second factor if they have one (as the verify step does)."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def browser_sign_in(context, live_server, user):
    """A new page in ``context`` carrying the session of ``user`` (past the second factor)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    sign_in(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context.new_page()


@pytest.fixture
def customer_client(client, customer):
    sign_in(client, customer)
    return client


@pytest.fixture
def borrower(customer):
    """Alice of the worked example: 1 BTC and 10 000 ADA in margin, 20 000 USDT borrowed."""
    fund_margin(customer, BTC="1", ADA="10000")
    enable_mode(customer)
    loan_borrow(user=customer, asset="USDT", amount="20000")
    return customer


@pytest.fixture
def borrower_client(client, borrower):
    sign_in(client, borrower)
    return client


def margin_call_make(user, *, btc_price: str = "21000") -> None:
    """Take the borrowed USDT out to spot, let BTC fall, and sweep: a margin call (ratio ~107%)."""
    from accounts.selectors import margin_account_for
    from accounts.services import transfer
    from accounts.services.sweep import account_sweep
    from risk.services import price_record

    transfer(user=user, asset="USDT", amount="20000", direction="to_spot")
    price_record(asset="BTC", price=btc_price, source="test")
    account_sweep(margin_account_id=margin_account_for(user).pk)


@pytest.fixture
def liquidated(borrower):
    """The borrower after BTC fell to 20 000 with the USDT out in spot: partially liquidated."""
    from risk.models import Liquidation

    margin_call_make(borrower, btc_price="20000")
    liquidation = Liquidation.objects.get(margin_account__user=borrower)
    return liquidation
