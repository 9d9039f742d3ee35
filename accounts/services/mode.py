"""Multi-asset mode: on with a TOTP code, off only when nothing is owed."""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from margin_project.errors import ModeChangeRefused, TwoFactorInvalid, TwoFactorRequired

from ..events import record_margin_mode_changed
from ..models import MarginAccount
from ..selectors.positions import account_positions
from .common import margin_account_lock


def totp_verify(*, user, code: object) -> None:
    """Check a TOTP code from one of the user's confirmed devices (each code works once).

    Runs in its own transaction with the device rows locked: two requests racing with
    one code cannot both pass, and a wrong code's failure count (django-otp's brake on
    guessing) is kept even though the caller's operation is refused. Call it before
    opening the operation's transaction, or an outer rollback undoes the count.
    """
    code = str(code or "").strip()
    with transaction.atomic():
        devices = list(
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("id")
        )
        if not devices:
            raise TwoFactorRequired("Set up two-factor authentication first.", field="otp_code")
        if not code:
            raise TwoFactorRequired("Enter the 6-digit code from your authenticator app.", field="otp_code")
        verified = code.isdigit() and any(device.verify_token(code) for device in devices)
    if not verified:
        raise TwoFactorInvalid("That code is not valid (or was already used).", field="otp_code")


def margin_mode_enable(*, user, otp_code: object) -> MarginAccount:
    """Turn multi-asset mode on; needs a valid TOTP code from the user's device."""
    totp_verify(user=user, code=otp_code)
    with transaction.atomic():
        margin_account = margin_account_lock(user)
        if not margin_account.multi_asset_mode:
            margin_account.multi_asset_mode = True
            margin_account.save(update_fields=["multi_asset_mode", "updated_at"])
            record_margin_mode_changed(margin_account)
    return margin_account


@transaction.atomic
def margin_mode_disable(*, user) -> MarginAccount:
    """Turn multi-asset mode off; refused while any principal or interest is outstanding."""
    margin_account = margin_account_lock(user)
    owed = sorted(s for s, p in account_positions(margin_account).items() if p.principal or p.interest)
    if owed:
        raise ModeChangeRefused(
            f"Repay your {', '.join(owed)} loan{'s' if len(owed) > 1 else ''} "
            "(principal and interest) before turning multi-asset mode off."
        )
    if margin_account.multi_asset_mode:
        margin_account.multi_asset_mode = False
        margin_account.save(update_fields=["multi_asset_mode", "updated_at"])
        record_margin_mode_changed(margin_account)
    return margin_account
