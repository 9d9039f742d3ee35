"""The second factor: one check of a TOTP code for every caller.

The web sign-in's code step, the admin's sign-in, the multi-asset mode switch, the
``X-OTP-Code`` header on API money calls, token requests and staff changes all call
``totp_check`` (or ``second_factor_check``, which asks only when a code is required), so
each follows the same rules:

- **A code works once.** django-otp's ``last_t`` refuses a code from a 30-second window
  that already let someone in; the refusal says to wait for the next code.
- **A wrong code always counts.** The device's failure counter is written in this
  module's own transaction and nothing is raised inside it, so a caller's rollback
  cannot undo it. Call it outside any transaction, or commit even when refusing
  (``money_call`` does; the test of every caller checks it).
- **Per user:** after ``OTP_FAILURE_LIMIT`` wrong codes in a row the step is locked for
  ``OTP_LOCKOUT`` (even the right code fails until then; afterwards each wrong code locks
  it again). django-otp's own exponential delay is off (``OTP_TOTP_THROTTLE_FACTOR = 0``).
- **Per session:** after ``OTP_SESSION_FAILURE_LIMIT`` wrong codes a browser session may
  not try again (the sign-in page then signs it out, so the password is asked again).
- **Recovery codes** (``recovery_code_check``, django-otp static tokens) stand in for the
  app at sign-in only, under the same per-user, per-session and django-axes limits.
- **django-axes sees every wrong code** as a failed login of that username from that
  address, so its lockouts (one address, one username, the pair) cover this step as
  they cover the password; a locked-out client gets ``TwoFactorLocked`` here.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import datetime
from enum import StrEnum

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import timezone
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from margin_project.errors import Conflict, DomainError, TwoFactorInvalid, TwoFactorRequired

from .lockout import known_device_remember, lockout_reset

log = logging.getLogger(__name__)

KEY_PATTERN = re.compile(r"^[0-9a-f]{40}$")
SESSION_FAILURES = "_two_factor_failures"
FIELD = "otp_code"


class Purpose(StrEnum):
    """Who asks for the code (kept in the logs; sign-ins also mark the browser as known)."""

    SIGN_IN = "sign_in"  # the web sign-in's code step
    STAFF_SIGN_IN = "staff_sign_in"  # the admin's sign-in
    MODE = "mode"  # turning multi-asset mode on
    MONEY = "money"  # X-OTP-Code on an API call that moves money
    TOKEN = "token"  # X-OTP-Code on a token request
    STAFF_API = "staff_api"  # X-OTP-Code on a staff API change
    API_KEY = "api_key"  # creating an API key (the key then stands in for the code)
    RECOVERY = "recovery"  # a recovery code at the web sign-in (the phone is lost)


SIGN_INS = (Purpose.SIGN_IN, Purpose.STAFF_SIGN_IN, Purpose.RECOVERY)


class TwoFactorLocked(DomainError):
    code = "two_factor_locked"
    status = 429


class TwoFactorCodeUsed(TwoFactorInvalid):
    code = "two_factor_code_used"


def code_clean(code: object) -> str:
    """The 6 digits, spaces removed; a clear refusal for anything else."""
    code = str(code or "").strip().replace(" ", "")
    if not code:
        raise TwoFactorRequired("Enter the 6-digit code from your authenticator app.", field=FIELD)
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        raise TwoFactorInvalid("The code is the 6 digits your authenticator app shows.", field=FIELD)
    return code


def second_factor_required(user) -> bool:
    """Customers give a code once they set up two-factor; staff always while STAFF_MFA_REQUIRED."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user_has_device(user, confirmed=True) or (user.is_staff and settings.STAFF_MFA_REQUIRED)


def second_factor_check(*, user, code: object, purpose: Purpose, request=None) -> TOTPDevice | None:
    """``totp_check`` when this user must give a code; None when no code is asked of them."""
    if not second_factor_required(user):
        return None
    return totp_check(user=user, code=code, purpose=purpose, request=request)


def totp_check(*, user, code: object, purpose: Purpose, request=None) -> TOTPDevice:
    """The user's confirmed authenticator that accepts ``code``, or a refusal.

    ``request`` (Django's or DRF's), when there is one, brings the per-session limit and
    django-axes. Raises ``TwoFactorRequired`` (no device, no code), ``TwoFactorInvalid`` /
    ``TwoFactorCodeUsed`` (wrong or spent code: counted) or ``TwoFactorLocked``.
    """
    request = getattr(request, "_request", request)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise TwoFactorRequired("Set up two-factor authentication first.", field=FIELD)
    code = code_clean(code)
    _refuse_when_locked(user, request)

    with transaction.atomic():
        # The rows locked: two requests racing with one code cannot both pass.
        devices = list(
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("id")
        )
        until = _locked_until(devices)
        if until is None:
            matched = next((device for device in devices if device.verify_token(code)), None)
            spent = matched is None and any(_spent(device, code) for device in devices)
    if until is not None:
        raise _locked_error(until)
    # Outside the transaction: a failure written above is kept whatever happens next.
    if matched is not None:
        _succeeded(user, purpose, request)
        return matched
    _failed(user, purpose, request)
    if spent:
        raise TwoFactorCodeUsed(
            "That code was already used. Wait for the next code (up to 30 seconds) and enter it.", field=FIELD
        )
    raise TwoFactorInvalid("That code is not valid (or was already used).", field=FIELD)


def recovery_code_check(*, user, code: object, request=None) -> StaticDevice:
    """The recovery-code device that accepted ``code`` (spending it), or a refusal.

    Sign-in only: a recovery code never passes a money move or a mode switch. The same
    locks and counting as ``totp_check``: a wrong code counts, django-axes sees it.
    """
    request = getattr(request, "_request", request)
    code = str(code or "").strip().lower().replace("-", "").replace(" ", "")
    if not code:
        raise TwoFactorRequired("Enter one of your recovery codes.", field="recovery_code")
    _refuse_when_locked(user, request)
    with transaction.atomic():
        devices = list(
            StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("id")
        )
        accepted = next((device for device in devices if device.verify_token(code)), None)
    if not devices:
        raise TwoFactorRequired("You have no recovery codes.", field="recovery_code")
    if accepted is not None:
        _succeeded(user, Purpose.RECOVERY, request)
        return accepted
    _failed(user, Purpose.RECOVERY, request)
    raise TwoFactorInvalid("That recovery code is not valid (or was already used).", field="recovery_code")


@transaction.atomic
def totp_device_create(*, user, key: str, code: object, name: str = "Authenticator app") -> TOTPDevice:
    """Save the authenticator the user scanned (``key``: 40 hex digits) once it proves itself.

    The device is stored confirmed only if ``code`` is valid for ``key`` now; otherwise
    nothing is stored. A user has at most one confirmed authenticator. Used by customers
    (two-factor page) and by staff enrolling for the admin.
    """
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise TwoFactorInvalid("The set-up secret expired; start the set-up again.", field=FIELD)
    code = code_clean(code)
    if TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).exists():
        raise Conflict("Two-factor authentication is already set up.", field=FIELD)
    device = TOTPDevice.objects.create(user=user, name=name[:64], key=key, confirmed=False)
    if not device.verify_token(code):
        # Leaving the atomic block with an error rolls the new device back: nothing is stored.
        raise TwoFactorInvalid("That code does not match; check the app and try again.", field=FIELD)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


# --- the rules ------------------------------------------------------------------------------


def _locked_until(devices: list[TOTPDevice]) -> datetime | None:
    """When the per-user lock ends, if it is on now."""
    now = timezone.now()
    for device in devices:
        failed_at = device.throttling_failure_timestamp
        if device.throttling_failure_count >= settings.OTP_FAILURE_LIMIT and failed_at is not None:
            until = failed_at + settings.OTP_LOCKOUT
            if until > now:
                return until
    return None


def _locked_error(until: datetime) -> TwoFactorLocked:
    minutes = max(1, -(-int((until - timezone.now()).total_seconds()) // 60))
    return TwoFactorLocked(
        f"Too many wrong codes: two-factor is locked for {minutes} more minute(s). "
        "Try again then, or contact support.",
        field=FIELD,
    )


def _refuse_when_locked(user, request) -> None:
    until = _locked_until(list(TOTPDevice.objects.filter(user=user, confirmed=True)))
    if until is not None:
        raise _locked_error(until)
    if request is None:
        return
    if _session_failures(request) >= settings.OTP_SESSION_FAILURE_LIMIT:
        raise TwoFactorLocked("Too many wrong codes in this session: sign in again.", field=FIELD)
    if not AxesProxyHandler.is_allowed(request, {"username": user.get_username()}):
        raise TwoFactorLocked("Too many failed attempts from here: try again later.", field=FIELD)


def _spent(device: TOTPDevice, code: str) -> bool:
    """True when ``code`` is the device's code for a window at or before the last one used."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    for offset in range(-device.tolerance, device.tolerance + 1):
        totp.drift = device.drift + offset
        if totp.t() <= device.last_t and totp.token() == int(code):
            return True
    return False


def _session_failures(request) -> int:
    session = getattr(request, "session", None)
    if session is None or session.session_key is None:
        return 0
    return int(session.get(SESSION_FAILURES, 0))


def _failed(user, purpose: Purpose, request) -> None:
    log.warning("Wrong two-factor code for %s (%s).", user.get_username(), purpose)
    if request is None:
        return
    session = getattr(request, "session", None)
    if session is not None and session.session_key is not None:
        session[SESSION_FAILURES] = _session_failures(request) + 1
    # django-axes records it as a failed login of this username from this address.
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    if getattr(request, "axes_locked_out", False):
        # Answered here, in each caller's own shape, rather than by axes' middleware page.
        request.axes_locked_out = False
        raise TwoFactorLocked("Too many failed attempts: try again later.", field=FIELD)


def _succeeded(user, purpose: Purpose, request) -> None:
    if request is None:
        return
    session = getattr(request, "session", None)
    if session is not None and SESSION_FAILURES in session:
        del session[SESSION_FAILURES]
    if purpose in SIGN_INS:
        # The sign-in is complete: its username's failures go, and this browser is known.
        lockout_reset(username=user.get_username())
        known_device_remember(request, user)
