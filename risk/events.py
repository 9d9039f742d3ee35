"""The risk app's business events (house-wide, for staff): prices, stale-price alerts, configuration.

Builders are pure functions of the records; recorders write the event in the caller's
transaction. Payloads follow ``margin_project.events.catalog``.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import F

from margin_project.events.catalog import Types
from margin_project.events.envelope import iso_time
from margin_project.events.services import event_record
from margin_project.money import plain

# Bookkeeping columns that change on every save and say nothing about the configuration.
UNTRACKED = ("created_at", "updated_at")


def _json_value(value):
    """A configuration value as JSON: decimals (and durations, in seconds) as strings."""
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, timedelta):
        return plain(Decimal(str(value.total_seconds())))
    if value is None or isinstance(value, (bool, int, str, list, dict)):
        return value
    return str(value)


def price_recorded_payload(price) -> dict:
    """A ``risk.AssetPrice`` just stored."""
    return {
        "asset": price.asset.symbol,
        "price": plain(price.price),
        "source": price.source,
        "observed_at": iso_time(price.observed_at),
    }


def stale_price_alert_payload(alert) -> dict:
    """A ``risk.StaffAlert`` of kind stale price, just opened."""
    return {
        "alert_id": alert.pk,
        "asset": alert.asset.symbol if alert.asset_id else "",
        "accounts_affected": alert.accounts_affected,
        "message": alert.message,
    }


def configuration_changed_payload(*, object: str, key: str, changes: dict, changed_by: str | None) -> dict:
    """``changes``: field -> (old, new)."""
    return {
        "object": object,
        "key": key,
        "changes": {
            name: {"old": _json_value(old), "new": _json_value(new)} for name, (old, new) in changes.items()
        },
        "changed_by": changed_by,
    }


def history_changes(instance, fields=None) -> tuple[dict, str | None]:
    """What the last save of a history-tracked configuration row changed, and who saved it.

    Read from django-simple-history's copies (written by the same save, in the same
    transaction): the latest against the one before; a new row changes every field from None.
    ``fields`` limits it to what the caller changed (a row edited behind the history's back,
    as tests do, would otherwise add those edits too).
    """
    latest = instance.history.order_by("-history_id").first()
    if latest is None:
        return {}, None
    who = latest.history_user.get_username() if latest.history_user_id else None
    previous = latest.prev_record
    if previous is None:
        fields = [f.attname for f in instance._meta.concrete_fields if f.attname not in ("id", *UNTRACKED)]
        return {name: (None, getattr(latest, name)) for name in fields}, who
    delta = latest.diff_against(previous, excluded_fields=list(UNTRACKED))
    return {
        change.field: (change.old, change.new)
        for change in delta.changes
        if fields is None or change.field in fields
    }, who


def tiers_snapshot(asset) -> list[dict]:
    """An asset's collateral-factor bands, for a before/after comparison."""
    return [
        {"up_to": None if tier.up_to is None else plain(tier.up_to), "factor": plain(tier.factor)}
        for tier in asset.tiers.order_by(F("up_to").asc(nulls_last=True))
    ]


# --- recorders the services call, one line each ---------------------------------------------


def record_price_recorded(price):
    return event_record(
        type=Types.PRICE_RECORDED,
        account_id=None,
        payload=price_recorded_payload(price),
        occurred_at=price.observed_at,
    )


def record_stale_price_alert(alert):
    return event_record(
        type=Types.PRICE_STALE_ALERT, account_id=None, payload=stale_price_alert_payload(alert)
    )


def record_configuration_changed(instance, *, object: str, key: str, fields=None):
    """After saving a history-tracked configuration row (an asset, the risk settings); ``fields``:
    the names the caller changed (all when None, as for a new row)."""
    changes, who = history_changes(instance, fields)
    if not changes:
        return None
    return event_record(
        type=Types.CONFIGURATION_CHANGED,
        account_id=None,
        payload=configuration_changed_payload(object=object, key=key, changes=changes, changed_by=who),
    )


def record_tiers_replaced(asset, *, before: list[dict], actor=None):
    """After replacing an asset's collateral-factor bands; ``before`` is ``tiers_snapshot`` taken first."""
    after = tiers_snapshot(asset)
    if after == before:
        return None
    who = actor
    if who is None:
        latest = asset.tiers.model.history.filter(asset_id=asset.pk).order_by("-history_id").first()
        who = latest.history_user if latest is not None and latest.history_user_id else None
    return event_record(
        type=Types.CONFIGURATION_CHANGED,
        account_id=None,
        payload=configuration_changed_payload(
            object="asset_tiers",
            key=asset.symbol,
            changes={"tiers": (before, after)},
            changed_by=_username(who),
        ),
    )


def _username(user) -> str | None:
    return user.get_username() if user is not None else None
