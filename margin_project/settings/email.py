"""E-mail: SMTP when EMAIL_URL/EMAIL_HOST is set, else the console."""

from .env import env

DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Margin desk <no-reply@margin-desk.local>")
RISK_DESK_EMAIL = env("RISK_DESK_EMAIL", default="risk-desk@margin-desk.local")
# Links in e-mails point here.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

if env("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email.get("EMAIL_HOST", "")
    EMAIL_PORT = _email.get("EMAIL_PORT", 25)
    EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
