"""Multi-asset mode: on with a TOTP code, off only when nothing is owed."""

from __future__ import annotations

from django.db import transaction

from margin_project.errors import ModeChangeRefused
from margin_project.security.two_factor import Purpose, totp_check

from ..events import record_margin_mode_changed
from ..models import MarginAccount
from ..selectors.positions import account_positions
from .common import margin_account_lock


def margin_mode_enable(*, user, otp_code: object, request=None) -> MarginAccount:
    """Turn multi-asset mode on; needs a valid TOTP code from the user's device.

    ``request``, the HTTP request the code came with, brings the attempt limits (per
    session, django-axes) of ``totp_check``; the code is checked before this service's
    transaction opens, so a wrong code's count is kept.
    """
    totp_check(user=user, code=otp_code, purpose=Purpose.MODE, request=request)
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
