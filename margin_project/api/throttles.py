"""Per-user (and, for the token endpoint, per-address) rate limits.

Rates are read from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` on every request (not
once at import as DRF does), and counted in the "api" cache (Redis when configured).
"""

from django.core.cache import caches
from rest_framework import throttling
from rest_framework.settings import api_settings


class _LiveRate:
    @property
    def cache(self):
        return caches["api"]

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserThrottle(_LiveRate, throttling.UserRateThrottle):
    """Every authenticated call (anonymous ones are keyed by address)."""

    scope = "user"


class AnonThrottle(_LiveRate, throttling.AnonRateThrottle):
    scope = "anon"


class MoneyThrottle(_LiveRate, throttling.UserRateThrottle):
    """Money-moving calls, tighter than reads."""

    scope = "money"


class OtpThrottle(_LiveRate, throttling.UserRateThrottle):
    """Calls that check a TOTP code: a brake on guessing."""

    scope = "otp"


class TokenThrottle(_LiveRate, throttling.AnonRateThrottle):
    """Username/password exchanges for a token, per client address."""

    scope = "token"
