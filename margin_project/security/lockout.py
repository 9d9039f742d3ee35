"""Sign-in lockouts: django-axes' database handler with three counters and a known-device pass.

django-axes records every failed sign-in (a wrong password, and through the two-factor
service every wrong code) as a row per username, address and browser. This handler
decides from those rows, each rule over its own window:

===========================  =============================  ===============================
failures of                  limit (setting)                locked for
===========================  =============================  ===============================
one username, one address    ``AXES_FAILURE_LIMIT`` (5)     ``AXES_COOLOFF_HOURS`` (1 h)
one address, any username    ``AXES_IP_FAILURE_LIMIT`` (20) ``AXES_COOLOFF_HOURS`` (1 h)
one username, any address    ``AXES_USERNAME_FAILURE_LIMIT``  ``AXES_USERNAME_COOLOFF_MINUTES``
                             (10)                           (15 min)
===========================  =============================  ===============================

The second stops password spraying (many usernames from one address); the third stops
guessing one username from many addresses. An attacker could use the third to lock a
customer out, so it is short, and it does not apply in a browser where that customer
completed a sign-in before: a signed "known device" cookie naming them. Nor does the
second (a shared office address). Success clears the username's failures only once the
sign-in is complete (after its code, when the user has two-factor), never the
address's: an attacker signing in to their own account does not wipe their spraying.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.core import signing
from django.db.models import Sum
from django.utils import timezone
from django_otp import user_has_device

KNOWN_DEVICE_SALT = "margin_project.security.known_device"
KNOWN_DEVICE_MAX_USERS = 5


@dataclass(frozen=True)
class LockoutRule:
    parameters: tuple[str, ...]
    limit: int
    cool_off: timedelta
    known_device_passes: bool


def lockout_rules() -> tuple[LockoutRule, ...]:
    """The three counters, read from the settings each time (tests change them)."""
    hours = timedelta(hours=settings.AXES_COOLOFF_TIME)
    return (
        LockoutRule(("username", "ip_address"), settings.AXES_FAILURE_LIMIT, hours, False),
        LockoutRule(("ip_address",), settings.AXES_IP_FAILURE_LIMIT, hours, True),
        LockoutRule(
            ("username",), settings.AXES_USERNAME_FAILURE_LIMIT, settings.AXES_USERNAME_COOLOFF, True
        ),
    )


class LockoutHandler(AxesDatabaseHandler):
    """AxesDatabaseHandler whose lock decision follows ``lockout_rules``."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """Failures scaled so that reaching any rule's own limit reaches AXES_FAILURE_LIMIT."""
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        now = request.axes_attempt_time or timezone.now()
        known = known_device_for(request, username) if username else False
        scale = settings.AXES_FAILURE_LIMIT
        worst = 0
        for rule in lockout_rules():
            if rule.known_device_passes and known:
                continue
            if "username" in rule.parameters and not username:
                continue
            attempts = AccessAttempt.objects.filter(attempt_time__gte=now - rule.cool_off)
            if "username" in rule.parameters:
                attempts = attempts.filter(username=username)
            if "ip_address" in rule.parameters:
                attempts = attempts.filter(ip_address=address)
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            worst = max(worst, failures * scale // rule.limit)
        return worst

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        # A user with two-factor has only given the password so far: the code step finishes.
        if getattr(user, "otp_device", None) is not None or not user_has_device(user, confirmed=True):
            lockout_reset(username=user.get_username())
            known_device_remember(request, user)


def lockout_reset(*, username: str) -> int:
    """Forget a username's failed sign-ins (every address); the addresses' other rows stay."""
    deleted, _ = AccessAttempt.objects.filter(username=username).delete()
    return deleted


# --- the known-device cookie -----------------------------------------------------------------


def _known_usernames(request) -> list[str]:
    raw = getattr(request, "COOKIES", {}).get(settings.KNOWN_DEVICE_COOKIE)
    if not raw:
        return []
    try:
        value = signing.loads(raw, salt=KNOWN_DEVICE_SALT, max_age=timedelta(days=settings.KNOWN_DEVICE_DAYS))
    except signing.BadSignature:
        return []
    return [name for name in value if isinstance(name, str)] if isinstance(value, list) else []


def known_device_for(request, username: str) -> bool:
    """True when this browser completed a sign-in as ``username`` before."""
    return username in _known_usernames(request)


def known_device_remember(request, user) -> None:
    """Mark this browser as known for ``user``; the middleware writes the cookie."""
    request = getattr(request, "_request", request)
    names = [n for n in _known_usernames(request) if n != user.get_username()]
    names = [user.get_username(), *names][:KNOWN_DEVICE_MAX_USERS]
    request.known_device_cookie = signing.dumps(names, salt=KNOWN_DEVICE_SALT, compress=True)
