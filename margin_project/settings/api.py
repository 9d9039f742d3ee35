"""Django REST framework and the OpenAPI schema."""

from django.core.exceptions import ImproperlyConfigured

from margin_project.rates import RateError, rate_normalise

from .env import env
from .security import NUM_PROXIES

THROTTLE_DEFAULTS = {
    "user": ("API_THROTTLE_USER", "1200/minute"),
    "anon": ("API_THROTTLE_ANON", "60/minute"),
    "money": ("API_THROTTLE_MONEY", "120/minute"),
    "otp": ("API_THROTTLE_OTP", "10/minute"),
    "token": ("API_THROTTLE_TOKEN", "20/minute"),
}


def _throttle_rates() -> dict[str, str]:
    """Every rate checked now, so a typo stops the start with its name, not every call later."""
    rates = {}
    for scope, (variable, default) in THROTTLE_DEFAULTS.items():
        try:
            rates[scope] = rate_normalise(env(variable, default="") or default)
        except RateError as error:
            raise ImproperlyConfigured(f"{variable}: {error}") from None
    return rates


REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "margin_project.api.authentication.ExpiringTokenAuthentication",
        "margin_project.api.authentication.VerifiedSessionAuthentication",
    ],
    # A view that declares nothing is for customers only; staff views declare StaffPermission
    # and the permission each method needs (margin_project/api/permissions.py).
    "DEFAULT_PERMISSION_CLASSES": ["margin_project.api.permissions.IsCustomer"],
    # JSON only: amounts must arrive as JSON strings, and a form post is a clear 415.
    "DEFAULT_PARSER_CLASSES": ["margin_project.api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "margin_project.api.schema.MarginDeskAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "margin_project.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "margin_project.api.throttles.UserThrottle",
        "margin_project.api.throttles.AnonThrottle",
    ],
    # "1200" is 1200 a minute; "20/second", "100/day" as DRF writes them.
    "DEFAULT_THROTTLE_RATES": _throttle_rates(),
    # Read by DRF's own get_ident; our throttles use margin_project.security.client_ip (the same rule).
    "NUM_PROXIES": NUM_PROXIES,
    "EXCEPTION_HANDLER": "margin_project.api.errors.api_exception_handler",
    # Amounts travel as decimal strings, never JSON floats.
    "COERCE_DECIMAL_TO_STRING": True,
}

# Throttle counters: shared through Redis when API_CACHE_URL (or REDIS_URL) is set, else per process.
_api_cache_url = env("API_CACHE_URL", default=env("REDIS_URL", default=""))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "api": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _api_cache_url}
        if _api_cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api"}
    ),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Margin desk API",
    "DESCRIPTION": (
        "Multi-asset cross margin lending: accounts, loans, risk. Amounts, prices and ratios are "
        'decimal strings ("0.5"), never JSON numbers. Authenticate with "Authorization: Token YOUR_TOKEN" '
        "(POST /api/v1/auth/token/) or the browser session. Money-moving calls take an "
        "Idempotency-Key header, and the X-OTP-Code header when the customer has 2FA on. Every error "
        'is {"error": {"code", "message", "field"}}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The sidecar package's files, served by margin_project/api_urls.py (offline, any DEBUG).
    "SWAGGER_UI_DIST": "/api/v1/docs/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/api/v1/docs/swagger-ui/favicon-32x32.png",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}
