"""API keys sign /api/v1/ calls too: ``X-MBX-APIKEY`` header, ``timestamp`` and ``signature`` in the query.

The signature covers the query string (without ``signature``) followed by the raw JSON
body, with the key's HMAC secret (hex) or Ed25519 private key (base64), exactly as on
/sapi/v1/. A key reads everything the customer can read; borrow and repay need its
borrow/repay permission, transfers its transfer permission, and anything else that
changes state (mode, keys, tokens) is not for keys at all. A key created with a TOTP
code is the second factor for the money calls it permits (no ``X-OTP-Code`` needed).
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from accounts.binance.signing import signed_call
from accounts.models import ApiKey
from accounts.models.api_key import ApiKeyPermission
from accounts.services.api_keys import ApiKeyAuthError, api_key_authenticate

HEADER = "X-MBX-APIKEY"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Calls that change something and that a key may make, by URL name, with the permission each needs.
KEY_CALLS = {
    "api-borrow": ApiKeyPermission.BORROW_REPAY,
    "api-repay": ApiKeyPermission.BORROW_REPAY,
    "api-transfer": ApiKeyPermission.TRANSFER,
    "api-notifications-read": ApiKeyPermission.READ,
    "api-notification-read": ApiKeyPermission.READ,
}
SECOND_FACTOR_PERMISSIONS = (ApiKeyPermission.BORROW_REPAY, ApiKeyPermission.TRANSFER)


class ApiKeyAuthFailed(exceptions.AuthenticationFailed):
    pass


def _permission_for(request) -> str:
    if request.method in SAFE_METHODS:
        return ApiKeyPermission.READ
    match = getattr(request, "resolver_match", None)
    permission = KEY_CALLS.get(match.url_name if match else "")
    if permission is None:
        raise exceptions.PermissionDenied(
            "API keys can read, borrow, repay and transfer; this call needs a token or the web session.",
            code="api_key_not_allowed",
        )
    return permission


class ApiKeyAuthentication(BaseAuthentication):
    """Authenticate a call signed with an API key; leave calls without ``X-MBX-APIKEY`` to the others."""

    def authenticate(self, request):
        django_request = request._request
        if HEADER not in django_request.headers:
            return None
        permission = _permission_for(django_request)
        try:
            key = api_key_authenticate(call=signed_call(django_request), permission=permission)
        except ApiKeyAuthError as error:
            if error.status == 403:
                raise exceptions.PermissionDenied(error.message, code=error.code) from None
            raise ApiKeyAuthFailed(error.message, code=error.code) from None
        django_request.api_key_permission = permission
        return key.user, key

    def authenticate_header(self, request) -> str:
        return HEADER


def api_key_second_factor(request) -> bool:
    """True when the call is signed by a key created with TOTP that permits this money call."""
    key = getattr(request, "auth", None)
    permission = getattr(getattr(request, "_request", request), "api_key_permission", None)
    return isinstance(key, ApiKey) and key.created_with_otp and permission in SECOND_FACTOR_PERMISSIONS


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api.key_auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": HEADER,
            "description": (
                "An API key (Account → API keys). Add timestamp (ms) and signature to the query "
                "string: HMAC-SHA256 hex of the query string (without signature) followed by the raw "
                "body, with the key's secret; Ed25519 keys sign the same bytes (base64)."
            ),
        }
