"""Session authentication that honours the web sign-in's second factor."""

from __future__ import annotations

from django_otp import user_has_device
from rest_framework.authentication import SessionAuthentication


class VerifiedSessionAuthentication(SessionAuthentication):
    """The browser session counts only once its TOTP step is done (when the user has a device).

    Without this, someone who knows only the password could sign in on the web page,
    stop at the code step and still read the account through the API with the cookie.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        django_user = request._request.user
        if user_has_device(user, confirmed=True) and not django_user.is_verified():
            return None
        return result
