"""Second factor on API calls: the ``X-OTP-Code`` header, checked when the customer has 2FA on."""

from __future__ import annotations

from django_otp import user_has_device

from accounts.services import totp_verify

from .key_auth import api_key_second_factor

OTP_HEADER = "X-OTP-Code"


def otp_check(request) -> None:
    """Verify (and so consume) the header's code when the user has a confirmed TOTP device."""
    if api_key_second_factor(request):  # a key created with TOTP, permitting this money call
        return
    if user_has_device(request.user, confirmed=True):
        totp_verify(user=request.user, code=request.headers.get(OTP_HEADER, ""))


def otp_code(request) -> str:
    return request.headers.get(OTP_HEADER, "")
