"""How API callers prove who they are: a token (which may expire), or a session past its second factor."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from margin_project.security.two_factor import second_factor_required


def token_expired(token) -> bool:
    """True when ``API_TOKEN_TTL_DAYS`` is set and the token is older than that."""
    days = settings.API_TOKEN_TTL_DAYS
    return bool(days) and token.created < timezone.now() - timedelta(days=days)


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; refused once older than ``API_TOKEN_TTL_DAYS`` (when set).

    Tokens are also deleted whenever their user's password changes
    (``accounts.services.api_tokens``), so a leaked token dies with the old password.
    """

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise exceptions.AuthenticationFailed("This token has expired; request a new one.")
        return user, token


class VerifiedSessionAuthentication(SessionAuthentication):
    """The browser session counts only once its second factor is done, when one is required.

    Without this, someone who knows only the password could sign in on the web page,
    stop at the code step and still read the account through the API with the cookie.
    Staff need the second factor whenever ``STAFF_MFA_REQUIRED`` is on, device or not.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        django_user = request._request.user
        if second_factor_required(user) and not django_user.is_verified():
            return None
        return result
