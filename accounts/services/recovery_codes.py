"""Recovery codes: one-use codes that stand in for the authenticator app at sign-in.

They are django-otp static tokens, issued when two-factor is set up (and on request),
shown once. They pass the sign-in's second step only (never a money move or a mode
switch, which ask for the authenticator's code); the check itself is
``margin_project.security.two_factor.recovery_code_check``, under the same limits as a
TOTP code.
"""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from margin_project.errors import TwoFactorRequired

RECOVERY_CODES = 10
DEVICE_NAME = "Recovery codes"


def recovery_code_format(token: str) -> str:
    """A stored token as people copy it: "abcd-efgh"."""
    return f"{token[:4]}-{token[4:]}"


def _normalise(code: object) -> str:
    return str(code or "").strip().lower().replace("-", "").replace(" ", "")


@transaction.atomic
def recovery_codes_issue(*, user) -> list[str]:
    """New recovery codes for ``user`` (the old ones stop working); shown to them once."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise TwoFactorRequired("Set up two-factor authentication first.", field="otp_code")
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    tokens = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=token) for token in tokens])
    return [recovery_code_format(token) for token in tokens]


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
