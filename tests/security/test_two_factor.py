"""One second-factor check for every caller: a wrong code always counts, a code never passes twice.

Every path that takes a code is run through the same three cases (right code, wrong code,
replayed code): the web sign-in's code step, the admin's sign-in, the multi-asset mode
switch (page and API), the X-OTP-Code header of a money call, a token request and a staff
change. Then the limits: per session, per user, and django-axes seeing every wrong code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.selectors import margin_account_for
from accounts.services import deposit_credit, margin_mode_enable
from margin_project.security.two_factor import Purpose, TwoFactorCodeUsed, totp_check
from tests.api.conftest import fresh_code
from tests.conftest import totp_code, totp_device
from tests.web.test_two_factor import secret_on

from .conftest import staff_member

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Secret-123"  # tests/conftest.py make_user


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def verified_browser(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
    return client


def api_with_token(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


# Each caller: who gives the code, and one attempt with a code -> whether it passed.


def web_sign_in(user, code: str) -> bool:
    client = Client()
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    client.post(reverse("login-verify"), {"otp_code": code, "next": "/"})
    return client.get("/").status_code == 200


def admin_sign_in(user, code: str) -> bool:
    client = Client()
    data = {"username": user.username, "password": PASSWORD, "otp_code": code, "next": "/admin/"}
    client.post(reverse("admin:login"), data)
    return client.get("/admin/").status_code == 200


def mode_switch_page(user, code: str) -> bool:
    verified_browser(user).post(reverse("mode-enable"), {"otp_code": code})
    return margin_account_for(user).multi_asset_mode


def mode_switch_api(user, code: str) -> bool:
    return api_with_token(user).post("/api/v1/account/mode/enable/", HTTP_X_OTP_CODE=code).status_code == 200


def money_call(user, code: str) -> bool:
    response = api_with_token(user).post(
        "/api/v1/account/transfers/",
        {"asset": "USDT", "amount": "1", "direction": "to_margin"},
        format="json",
        HTTP_X_OTP_CODE=code,
    )
    return response.status_code == 201


def token_request(user, code: str) -> bool:
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": PASSWORD},
        format="json",
        HTTP_X_OTP_CODE=code,
    )
    return response.status_code == 200


def api_key_creation(user, code: str) -> bool:
    response = api_with_token(user).post(
        "/api/v1/auth/api-keys/",
        {"label": f"bot {code}", "permissions": ["borrow_repay"]},
        format="json",
        HTTP_X_OTP_CODE=code,
    )
    return response.status_code == 201


def staff_change(user, code: str) -> bool:
    response = api_with_token(user).post(
        "/api/v1/staff/prices/",
        {"prices": [{"asset": "BTC", "price": "61000"}]},
        format="json",
        HTTP_X_OTP_CODE=code,
    )
    return response.status_code == 200


@dataclass(frozen=True)
class Caller:
    attempt: object
    staff: bool = False


CALLERS = {
    "web sign-in": Caller(web_sign_in),
    "admin sign-in": Caller(admin_sign_in, staff=True),
    "mode switch (page)": Caller(mode_switch_page),
    "mode switch (API)": Caller(mode_switch_api),
    "money call (X-OTP-Code)": Caller(money_call),
    "token request": Caller(token_request),
    "API key creation": Caller(api_key_creation),
    "staff change (X-OTP-Code)": Caller(staff_change, staff=True),
}


@pytest.fixture(params=list(CALLERS))
def caller(request, make_user, market):
    """The caller and the user who gives it codes (a customer with two-factor, or a risk officer)."""
    spec = CALLERS[request.param]
    if spec.staff:
        user = staff_member(make_user, "rita", "officer")
    else:
        user = make_user("alice")
        totp_device(user)
        deposit_credit(user=user, asset="USDT", amount="10", reference="2fa-test")
    return spec.attempt, user


def failures(user) -> int:
    return TOTPDevice.objects.get(user=user).throttling_failure_count


def test_the_right_code_passes(caller):
    attempt, user = caller

    assert attempt(user, fresh_code(user)) is True


def test_a_wrong_code_is_refused_and_its_failure_is_kept(caller):
    attempt, user = caller

    assert attempt(user, wrong(fresh_code(user))) is False
    assert failures(user) == 1


def test_django_axes_sees_a_wrong_code(caller):
    attempt, user = caller

    attempt(user, wrong(fresh_code(user)))

    assert AccessAttempt.objects.filter(username=user.username).get().failures_since_start == 1


def test_a_code_never_passes_twice(caller):
    attempt, user = caller
    code = fresh_code(user)
    assert attempt(user, code) is True
    if attempt in (mode_switch_page, mode_switch_api):
        account = margin_account_for(user)
        account.multi_asset_mode = False
        account.save(update_fields=["multi_asset_mode"])

    assert attempt(user, code) is False


# --- the service's own rules ---------------------------------------------------------------------


def test_a_code_from_an_already_used_window_says_to_wait_for_the_next(customer):
    totp_device(customer)
    code = fresh_code(customer)
    margin_mode_enable(user=customer, otp_code=code)

    with pytest.raises(TwoFactorCodeUsed, match="Wait for the next code"):
        totp_check(user=customer, code=code, purpose=Purpose.MODE)


def test_the_web_page_says_to_wait_for_the_next_code_right_after_setup(client, customer):
    client.force_login(customer)
    key = secret_on(client.get(reverse("two-factor")).content.decode())
    code = f"{totp(key):06d}"
    client.post(reverse("two-factor"), {"otp_code": code})

    response = client.post(reverse("mode-enable"), {"otp_code": code})

    assert "already used. Wait for the next code" in response.content.decode()


def test_fifty_wrong_codes_on_the_web_sign_in_lock_that_step(customer):
    """The attack of the issue: many sessions guessing at the code step. The step locks; even
    the right code fails until the lock expires; then it works."""
    device = totp_device(customer)
    right = fresh_code(customer)
    sessions = []
    for n in range(11):  # ten guessing sessions from ten addresses, and the owner's
        client = Client(REMOTE_ADDR=f"198.51.100.{n + 1}")
        client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
        sessions.append(client)
    owner = sessions.pop()

    for n in range(50):
        sessions[n % 10].post(reverse("login-verify"), {"otp_code": wrong(right), "next": "/"})
    device.refresh_from_db()

    assert [s.get("/").status_code for s in sessions] == [302] * 10  # none got in
    assert device.throttling_failure_count == 10  # OTP_FAILURE_LIMIT: then no code is even checked
    response = owner.post(reverse("login-verify"), {"otp_code": right, "next": "/"}, follow=True)
    assert "Too many" in response.content.decode()
    assert owner.get("/").status_code == 302

    # Fifteen minutes later (OTP_LOCKOUT; the username's short cool-off too) the right code works.
    later = timezone.now() - timedelta(minutes=16)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=later)
    AccessAttempt.objects.update(attempt_time=later)
    owner = Client(REMOTE_ADDR="198.51.100.11")
    owner.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    response = owner.post(reverse("login-verify"), {"otp_code": fresh_code(customer), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert owner.get("/").status_code == 200


def test_one_session_gets_a_few_wrong_codes_then_must_sign_in_again(customer, settings):
    settings.AXES_FAILURE_LIMIT = 100  # here only the session's own limit is at work
    totp_device(customer)
    client = Client()
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    bad = wrong(fresh_code(customer))
    for _ in range(settings.OTP_SESSION_FAILURE_LIMIT):
        assert client.post(reverse("login-verify"), {"otp_code": bad, "next": "/"}).status_code == 200

    response = client.post(reverse("login-verify"), {"otp_code": fresh_code(customer), "next": "/"})

    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_a_user_locked_out_by_wrong_codes_stays_locked_on_every_path(customer):
    device = totp_device(customer)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=10, throttling_failure_timestamp=timezone.now()
    )

    for attempt in (mode_switch_api, token_request, mode_switch_page):
        assert attempt(customer, totp_code(customer)) is False  # the right code (fresh_code would unlock)


def test_no_other_code_checks_a_totp_code():
    """One check: grep finds django-otp's verify calls only in the two-factor service."""
    root = Path(__file__).resolve().parents[2]
    hits = [
        str(path.relative_to(root))
        for package in ("accounts", "risk", "margin_project")
        for path in (root / package).rglob("*.py")
        if any(
            word in path.read_text() for word in ("verify_token(", "match_token(", "OTPAuthenticationForm")
        )
    ]
    assert hits == ["margin_project/security/two_factor.py"]
