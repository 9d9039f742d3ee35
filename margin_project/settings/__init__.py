"""Settings read from the environment through one ``env`` object.

With no environment at all the project runs embedded: SQLite and a filesystem
Celery broker, so a fresh machine needs no server. ``DATABASE_URL`` and
``CELERY_BROKER_URL``/``REDIS_URL`` switch the same code to PostgreSQL and Redis.
``MARGIN_ENV=production`` switches on the production defaults (``security.py``).
"""

from pathlib import Path

from .env import BASE_DIR, env
from .security import *  # noqa: F403  (first: DEBUG, SECRET_KEY and the production flag)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The admin with its second factor for staff (margin_project/admin/site.py).
    "margin_project.admin.apps.MarginAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # recovery codes: the second factor when the phone is lost
    "axes",
    "simple_history",
    "csp",
    "accounts",
    "risk",
    "margin_project.events",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # no-store on account data, the known-device cookie of the lockout rules.
    "margin_project.security.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "margin_project.urls"
WSGI_APPLICATION = "margin_project.wsgi.application"
ASGI_APPLICATION = "margin_project.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

from .database import DATABASES  # noqa: E402,F401

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Validates nothing: Django calls its password_changed() after every password change,
    # which revokes the user's API tokens (admin, reset, change page, changepassword alike).
    {"NAME": "accounts.services.api_tokens.TokensRevokedOnPasswordChange"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"

VAR_DIR = Path(env("MARGIN_VAR_DIR", default=str(BASE_DIR / "var")))

# The demo's price feed: a Celery beat task re-records the seeded prices with a small random
# walk so they never go stale. bin/run turns it on; it is off by default (production).
DEMO_PRICE_TICKER = env.bool("DEMO_PRICE_TICKER", default=False)
DEMO_PRICE_TICKER_SECONDS = env.int("DEMO_PRICE_TICKER_SECONDS", default=20)

# Money: every valuation is in this asset.
QUOTE_ASSET = env("QUOTE_ASSET", default="USDT")

# History is for reading; configuration is changed by a new edit, never by reverting.
SIMPLE_HISTORY_REVERT_DISABLED = True

from .api import *  # noqa: E402,F403
from .binance import *  # noqa: E402,F403
from .celery import *  # noqa: E402,F403
from .email import *  # noqa: E402,F403
from .events import *  # noqa: E402,F403

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # An expected 403/404 is one line, not a traceback (margin_project/log_filters.py).
    "filters": {"expected_refusals": {"()": "margin_project.log_filters.ExpectedRefusalFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["expected_refusals"]}},
    "loggers": {"django.request": {"filters": ["expected_refusals"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
