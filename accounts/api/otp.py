"""Second factor on API calls: the ``X-OTP-Code`` header, checked whenever the caller needs one.

Customers need it once they have set up two-factor; staff whenever ``STAFF_MFA_REQUIRED``
is on. The check itself is ``margin_project.security.two_factor`` (one for every caller).
"""

from __future__ import annotations

from margin_project.api.permissions import OTP_HEADER
from margin_project.security.two_factor import Purpose, second_factor_check

from .key_auth import api_key_second_factor


def otp_check(request, *, purpose: Purpose | None = None) -> None:
    """Verify (and so consume) the header's code when this user must give one.

    A call signed with an API key created under TOTP and permitting it needs no code:
    the key is that second factor, as on every exchange.
    """
    if api_key_second_factor(request):
        return
    if purpose is None:
        purpose = Purpose.STAFF_API if request.user.is_staff else Purpose.MONEY
    second_factor_check(user=request.user, code=otp_code(request), purpose=purpose, request=request)


def otp_code(request) -> str:
    return request.headers.get(OTP_HEADER, "")
