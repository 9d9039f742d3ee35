"""Two-factor writes the web pages need that no other service covers.

Setting up an authenticator and checking the second factor at login both write to
django-otp's ``TOTPDevice`` (its ``last_t`` counter stops a code being used twice,
its throttle slows guessing), so they live here as services, not in views.
"""

from __future__ import annotations

import re

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from margin_project.errors import Conflict, TwoFactorInvalid, TwoFactorRequired

KEY_PATTERN = re.compile(r"^[0-9a-f]{40}$")


def _code_clean(code: object) -> str:
    code = str(code or "").strip().replace(" ", "")
    if not code:
        raise TwoFactorRequired("Enter the 6-digit code from your authenticator app.", field="otp_code")
    if not code.isdigit() or len(code) != 6:
        raise TwoFactorInvalid("The code is the 6 digits your authenticator app shows.", field="otp_code")
    return code


@transaction.atomic
def totp_device_create(*, user, key: str, code: object, name: str = "Authenticator app") -> TOTPDevice:
    """Save the authenticator the user scanned (``key``: 40 hex digits) once it proves itself.

    The device is stored confirmed only if ``code`` is valid for ``key`` now; otherwise
    nothing is stored. A user has at most one confirmed authenticator.
    """
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise TwoFactorInvalid("The set-up secret expired; start the set-up again.", field="otp_code")
    code = _code_clean(code)
    if TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).exists():
        raise Conflict("Two-factor authentication is already set up.", field="otp_code")
    device = TOTPDevice.objects.create(user=user, name=name[:64], key=key, confirmed=False)
    if not device.verify_token(code):
        # Leaving the atomic block with an error rolls the new device back: nothing is stored.
        raise TwoFactorInvalid("That code does not match; check the app and try again.", field="otp_code")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


@transaction.atomic
def totp_device_match(*, user, code: object) -> TOTPDevice:
    """The user's confirmed authenticator that accepts ``code`` (each code works once)."""
    code = _code_clean(code)
    devices = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("id"))
    if not devices:
        raise TwoFactorRequired("Set up two-factor authentication first.", field="otp_code")
    for device in devices:
        if device.verify_token(code):
            return device
    raise TwoFactorInvalid("That code is not valid (or was already used).", field="otp_code")
