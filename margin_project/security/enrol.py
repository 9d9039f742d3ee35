"""Setting up an authenticator app, for the customer page and the staff enrolment alike.

The secret lives only in the session until a valid code proves the app has it; then
``totp_device_create`` stores the device and this session counts as verified.
"""

from __future__ import annotations

from base64 import b32encode
from binascii import unhexlify

from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from .qr import qr_svg
from .two_factor import totp_device_create

SETUP_KEY = "_totp_setup_key"


def _grouped_secret(key: str) -> str:
    secret = b32encode(unhexlify(key)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_setup_context(request) -> dict:
    """The QR code, the secret to type by hand and the otpauth:// address for this session's set-up."""
    key = request.session.get(SETUP_KEY)
    if not key:
        key = random_hex(20)
        request.session[SETUP_KEY] = key
    # Not saved: only used to build the otpauth:// address the app scans.
    url = TOTPDevice(user=request.user, key=key).config_url
    return {"qr": qr_svg(url), "secret": _grouped_secret(key), "otpauth_url": url}


def totp_setup_finish(request, *, code: str) -> TOTPDevice:
    """Store the device the user scanned if ``code`` proves it; the session is then verified."""
    device = totp_device_create(user=request.user, key=request.session.get(SETUP_KEY, ""), code=code)
    request.session.pop(SETUP_KEY, None)
    otp_login(request, device)
    return device
