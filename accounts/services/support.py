"""Support's writes on a customer's sign-in: reset the second factor, clear a login lockout.

Each is done by a named member of staff for a stated reason and leaves an audit record
(an admin ``LogEntry`` on the customer: who, when, what and why), shown on the
customer's History page in the admin.
"""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django_otp import devices_for_user

from margin_project.errors import InvalidAmount

from ..models import User


def _reason_clean(reason: str) -> str:
    reason = " ".join(str(reason or "").split())
    if len(reason) < 5:
        raise InvalidAmount(
            "Say why (a ticket number or a few words).", field="reason", code="reason_required"
        )
    return reason[:500]


def _audit(*, user: User, actor, message: str) -> LogEntry:
    return LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=User.objects.filter(pk=user.pk),
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )


@transaction.atomic
def two_factor_reset(*, user: User, actor, reason: str) -> int:
    """Remove every second-factor device of ``user`` (authenticator and recovery codes).

    The customer signs in with the password alone and sets two-factor up again; returns
    how many devices were removed.
    """
    reason = _reason_clean(reason)
    devices = list(devices_for_user(user, confirmed=None))
    for device in devices:
        device.delete()
    _audit(user=user, actor=actor, message=f"Two-factor reset ({len(devices)} device(s) removed): {reason}")
    return len(devices)


@transaction.atomic
def login_lockout_clear(*, user: User, actor, reason: str) -> int:
    """Forget the failed sign-ins that lock ``user`` out (django-axes); returns how many."""
    reason = _reason_clean(reason)
    cleared = axes_reset(username=user.get_username())
    _audit(user=user, actor=actor, message=f"Login lockout cleared ({cleared} attempt record(s)): {reason}")
    return cleared


def login_failures(*, user: User) -> int:
    """Failed sign-ins on record for ``user`` (the lockout counts them)."""
    return sum(
        AccessAttempt.objects.filter(username=user.get_username()).values_list(
            "failures_since_start", flat=True
        )
    )
