"""The desk as the security tests meet it: a customer with history, one staff member per role, clients."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, SolarSchedule
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import LedgerTransaction, Notification
from accounts.schedules import schedules_install
from accounts.selectors import margin_account_for
from accounts.services import loan_borrow, transfer
from accounts.services.sweep import account_sweep
from margin_project.events.models import DeliveryAttempt, Event, WebhookDelivery, WebhookEndpoint
from risk.models import Liquidation, MarginCall, RiskSettings, StaffAlert, StatusChange
from risk.roles import RISK_OFFICER, SUPPORT
from risk.services import price_observe, price_record
from tests.api.conftest import fresh_code
from tests.conftest import totp_device
from tests.helpers import enable_mode, fund_margin, staff_sign_in

ROLES = ("anonymous", "customer", "support", "officer", "superuser")
STAFF_ROLES = ("support", "officer", "superuser")


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters live in a cache that outlives a test's database."""
    caches["api"].clear()
    yield
    caches["api"].clear()


@dataclass
class Desk:
    users: dict  # role -> user (no anonymous)
    customer: object
    liquidation: Liquidation
    margin_call: MarginCall
    notification: Notification
    transaction: LedgerTransaction


def staff_member(make_user, username: str, role: str):
    """A staff user in ``role`` ("support", "officer", "superuser") with a confirmed authenticator."""
    if role == "superuser":
        user = make_user(username, is_staff=True, is_superuser=True)
    else:
        user = make_user(username, is_staff=True)
        user.groups.add(Group.objects.get(name={"support": SUPPORT, "officer": RISK_OFFICER}[role]))
    totp_device(user)
    return user


@pytest.fixture
def desk(make_user, market) -> Desk:
    """alice borrowed, fell into a margin call and a partial liquidation; staff of every role; every
    kind of record the admin lists exists at least once."""
    alice = make_user("alice")
    fund_margin(alice, BTC="1", ADA="10000")
    enable_mode(alice)
    loan_borrow(user=alice, asset="USDT", amount="20000")
    transfer(user=alice, asset="USDT", amount="20000", direction="to_spot")
    price_record(asset="BTC", price="20000", source="test")
    account_sweep(margin_account_id=margin_account_for(alice).pk)
    users = {
        "customer": alice,
        "support": staff_member(make_user, "sam", "support"),
        "officer": staff_member(make_user, "rita", "officer"),
        "superuser": staff_member(make_user, "root", "superuser"),
    }
    for user in users.values():
        Token.objects.get_or_create(user=user)
    schedules_install()
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    SolarSchedule.objects.create(event="sunrise", latitude=Decimal("40.7128"), longitude=Decimal("74.006"))
    StaticDevice.objects.create(user=users["superuser"], name="Recovery codes", confirmed=True)
    # A held price (a move far beyond the sanity band, from the feed) for the hold pages.
    RiskSettings.objects.filter(pk=1).update(max_price_move=RiskSettings().max_price_move)
    price_observe(asset="ETH", price="30", source="feed")
    StaffAlert.objects.create(kind=StaffAlert.Kind.BAD_DEBT, message="Bad debt covered by the fund.")
    StatusChange.objects.create(
        margin_account=margin_account_for(alice),
        at=timezone.now(),
        from_status="healthy",
        to_status="margin_call",
    )
    axes_row = {
        "username": "mallory",
        "ip_address": "203.0.113.9",
        "user_agent": "curl",
        "path_info": "/login/",
    }
    AccessAttempt.objects.create(
        **axes_row, http_accept="*/*", get_data="", post_data="", failures_since_start=1
    )
    AccessLog.objects.create(**axes_row, http_accept="*/*")
    AccessFailureLog.objects.create(**axes_row, http_accept="*/*", locked_out=False)
    # A webhook endpoint with one delivery and its attempt (the admin's event pages), owned by
    # a customer none of the roles is: whoever gets past the API's door finds it not found.
    endpoint = WebhookEndpoint.objects.create(
        owner=make_user("hook-owner"), url="https://hooks.example.com/h", secret="whsec_t"
    )
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event=Event.objects.order_by("pk").first())
    DeliveryAttempt.objects.create(delivery=delivery, at=timezone.now(), status_code=503, error="HTTP 503")
    return Desk(
        users=users,
        customer=alice,
        liquidation=Liquidation.objects.get(margin_account__user=alice),
        margin_call=MarginCall.objects.filter(margin_account__user=alice).first(),
        notification=Notification.objects.filter(user=alice).first(),
        transaction=LedgerTransaction.objects.filter(margin_account__user=alice).first(),
    )


def browser_for(desk: Desk, role: str) -> Client:
    """A signed-in browser for ``role``: past the second factor (staff and customer alike)."""
    client = Client()
    if role == "anonymous":
        return client
    user = desk.users[role]
    if user.is_staff:
        staff_sign_in(client, user)
    else:
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        session.save()
    return client


def api_for(desk: Desk, role: str, *, code: str | bool = True) -> APIClient:
    """An API client for ``role``: its token and, with an authenticator, a fresh X-OTP-Code.

    ``code=False`` sends no code; a string sends that code instead.
    """
    client = APIClient()
    if role == "anonymous":
        return client
    user = desk.users[role]
    token, _ = Token.objects.get_or_create(user=user)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    if isinstance(code, str):
        headers["HTTP_X_OTP_CODE"] = code
    elif code and TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        headers["HTTP_X_OTP_CODE"] = fresh_code(user)
    client.credentials(**headers)
    return client
