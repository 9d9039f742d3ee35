"""Per-user (and, for the token endpoint, per-address) rate limits.

Rates are read from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` on every request (not
once at import as DRF does), parsed by ``margin_project.rates`` (so "1200" is 1200 a
minute, as the settings accept it), and counted in the "api" cache (Redis when
configured). Anonymous calls are keyed by the client's address as
``margin_project.security.client_ip`` reads it: behind ``NUM_PROXIES`` trusted proxies,
never from a header the client wrote.
"""

from django.core.cache import caches
from rest_framework import throttling
from rest_framework.settings import api_settings

from margin_project.rates import rate_parse
from margin_project.security.client_ip import client_ip


class _LiveRate:
    @property
    def cache(self):
        return caches["api"]

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def parse_rate(self, rate):
        if rate is None:
            return (None, None)
        return rate_parse(rate)

    def get_ident(self, request):
        return client_ip(request)


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
