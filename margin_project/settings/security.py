"""Security settings: the production flag, HTTPS, cookies, CSP, proxies, lockouts, second factor.

``MARGIN_ENV=production`` is the production flag. With it the defaults below are the
safe ones (HTTPS only, HSTS, secure cookies) and the process refuses to start with
``DEBUG`` on, with the public development ``SECRET_KEY`` or without the staff second
factor. Without it (the default: a developer's machine, ``bin/run``'s demo, the tests)
the same settings exist with development defaults, each overridable from the environment.
"""

from __future__ import annotations

from datetime import timedelta

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from .env import env

MARGIN_ENV = env("MARGIN_ENV", default="development").strip().lower()
if MARGIN_ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"MARGIN_ENV must be 'development' or 'production', not {MARGIN_ENV!r}.")
PRODUCTION = MARGIN_ENV == "production"

DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="") or DEVELOPMENT_SECRET_KEY

# Staff sign in to the admin with a second factor, and staff API changes need X-OTP-Code.
# bin/run's demo turns it off so a visitor can try the admin at once; production cannot.
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=True)

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured(
            "DEBUG is on with MARGIN_ENV=production: it shows settings and stack traces to anyone. "
            "Unset DEBUG (or set DEBUG=false)."
        )
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is unset (or the public development key) with MARGIN_ENV=production: anyone "
            "could forge sessions and password-reset links. Set SECRET_KEY to a long random value, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(64))'."
        )
    if not STAFF_MFA_REQUIRED:
        raise ImproperlyConfigured(
            "STAFF_MFA_REQUIRED=false is for the demo only; with MARGIN_ENV=production staff must sign "
            "in with a second factor."
        )

# --- HTTPS -------------------------------------------------------------------------------
# How many reverse proxies we run in front of Django (0: clients connect directly). The
# client's address is read from X-Forwarded-For only that many hops from the right
# (margin_project.security.client_ip: the one reading django-axes and the throttles share).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
if NUM_PROXIES < 0:
    raise ImproperlyConfigured("NUM_PROXIES must be 0 (no proxy) or the number of proxies in front.")
# Behind a proxy that terminates TLS, it tells us the original scheme in X-Forwarded-Proto.
if env.bool("SECURE_PROXY_SSL", default=NUM_PROXIES > 0):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Content-Security-Policy (django-csp) -------------------------------------------------
# Scripts only from our own origin (no inline script anywhere, Swagger UI included); inline
# style attributes stay allowed (the admin and the ratio gauge use them). Nothing may frame us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY, CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY, None

# --- Sign-in lockout (django-axes, with margin_project.security.lockout's rules) ---------
# Three counters, each over its own window:
# - one username from one address: AXES_FAILURE_LIMIT failures lock that pair for AXES_COOLOFF_HOURS;
# - one address, any usernames (password spraying): AXES_IP_FAILURE_LIMIT failures lock the address;
# - one username, any addresses: AXES_USERNAME_FAILURE_LIMIT failures lock the username for only
#   AXES_USERNAME_COOLOFF_MINUTES, and never from a browser where that user signed in before (a
#   "known device" cookie), so an attacker cannot lock a customer out of their usual browser.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=20)
AXES_USERNAME_FAILURE_LIMIT = env.int("AXES_USERNAME_FAILURE_LIMIT", default=10)
AXES_USERNAME_COOLOFF = timedelta(minutes=env.float("AXES_USERNAME_COOLOFF_MINUTES", default=15))
if min(AXES_FAILURE_LIMIT, AXES_IP_FAILURE_LIMIT, AXES_USERNAME_FAILURE_LIMIT) < 1:
    raise ImproperlyConfigured("The AXES_*FAILURE_LIMIT settings must be at least 1.")
if AXES_USERNAME_COOLOFF.total_seconds() > AXES_COOLOFF_TIME * 3600:
    raise ImproperlyConfigured("AXES_USERNAME_COOLOFF_MINUTES must not be longer than AXES_COOLOFF_HOURS.")
AXES_HANDLER = "margin_project.security.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]
AXES_CLIENT_IP_CALLABLE = "margin_project.security.client_ip.client_ip"
# Success clears a username's failures only once its sign-in is complete (the handler does it).
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "accounts/auth/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "otp_code", "otp_token"]
KNOWN_DEVICE_COOKIE = "known_device"
KNOWN_DEVICE_DAYS = env.int("KNOWN_DEVICE_DAYS", default=180)

# --- Second factor (margin_project.security.two_factor) ----------------------------------
OTP_TOTP_ISSUER = "Margin desk"
# django-otp's own exponential delay is off: the two-factor service locks instead, after
# OTP_FAILURE_LIMIT wrong codes in a row, for OTP_LOCKOUT_MINUTES (then one guess per lock).
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_FAILURE_LIMIT = env.int("OTP_FAILURE_LIMIT", default=10)
OTP_LOCKOUT = timedelta(minutes=env.float("OTP_LOCKOUT_MINUTES", default=15))
# Wrong codes one browser session may send before it must sign in again.
OTP_SESSION_FAILURE_LIMIT = env.int("OTP_SESSION_FAILURE_LIMIT", default=5)

# --- API tokens ---------------------------------------------------------------------------
# A token older than this many days stops working (0: tokens do not expire). Every token of
# a user is revoked when their password changes, whatever this says.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=0)
