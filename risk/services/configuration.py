"""Configuration writes: assets, their collateral tiers and rates, the risk settings.

The one way in for every configuration change - the admin's forms and the staff API
both call these, as would a command or a task. Each takes the acting user explicitly
(``actor``; None only for the system itself, e.g. a seed) and records it, with a change
reason, in the change history (django-simple-history's ``history_user``), so a change
made outside a web request is still recorded with its author. Each checks the whole
change first (``config_rules``: the tier rule, the usual bounds needing ``confirm``, the
rows' own checks), then writes in one transaction; a refusal changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction

from margin_project.errors import (
    DomainError,
    InvalidAsset,
    InvalidSettings,
    InvalidTiers,
    NotFound,
    ReadOnlyField,
    UnknownField,
)

from ..events import record_configuration_changed, record_tiers_replaced, tiers_snapshot
from ..models import Asset, CollateralTier, RiskSettings
from .config_rules import ASSET_GUARD_RAILS, SETTINGS_GUARD_RAILS, guard_rails_check, the_band, tiers_check

Actor = AbstractBaseUser | None
TierRows = Iterable[tuple[Decimal | None, Decimal]]

ASSET_FIELDS = (
    "name",
    "is_collateral",
    "is_borrowable",
    "daily_interest_rate",
    "liquidation_priority",
    "borrow_limit",
    "max_price_move",
    "price_sources_required",
)
ASSET_FIXED = ("symbol", "precision")  # amounts already held are stored at the precision
SETTINGS_FIELDS = (
    "borrow_level",
    "transfer_out_level",
    "margin_call_level",
    "target_level",
    "liquidation_level",
    "liquidation_fee",
    "collateral_repay_fee",
    "max_price_age",
    "max_price_move",
    "price_confirm_window",
)


def asset_for_update(symbol: str) -> Asset:
    asset = Asset.objects.select_for_update().filter(symbol=str(symbol).strip().upper()).first()
    if asset is None:
        raise NotFound(f"Unknown asset {str(symbol)[:16]!r}.", field="symbol")
    return asset


def known_fields_check(
    *, names: Iterable[str], allowed: tuple[str, ...], fixed: tuple[str, ...] = ()
) -> None:
    """Refuse a change naming a field fixed once created (``ReadOnlyField``) or unknown (``UnknownField``)."""
    for name in names:
        if name in fixed:
            raise ReadOnlyField(f"{name} cannot be changed once the asset exists.", field=name)
        if name not in allowed:
            raise UnknownField(
                f"{str(name)[:40]!r} is not a field that can be changed here; known fields: "
                f"{', '.join(allowed)}.",
                field=str(name)[:40],
            )


def _full_clean(instance: models.Model, error: type[DomainError], **kwargs) -> None:
    """The row's own checks (``clean()``, field validators, uniqueness) as one DomainError."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
        details = [
            {"field": None if name == "__all__" else name, "code": error.code, "message": message}
            for name, messages in errors.items()
            for message in messages
        ]
        raise error(
            " ".join(detail["message"] for detail in details), field=details[0]["field"], details=details
        ) from None


def _save(instance: models.Model, *, actor: Actor, reason: str) -> None:
    """Save with its author and reason in the change history (not the request's user)."""
    instance._history_user = actor
    instance._change_reason = reason[:100] or None
    instance.save()


def _values(instance: models.Model, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in names}


def _apply(instance: models.Model, changes: dict[str, Any], error: type[DomainError]) -> dict[str, Any]:
    """Set ``changes``, run the row's checks (which also turn values into the fields' types) and
    return what really changed, by value (``"0.0002"`` for 0.000200 is no change)."""
    before = _values(instance, changes)
    for name, value in changes.items():
        setattr(instance, name, value)
    _full_clean(instance, error)
    return {name: value for name, value in _values(instance, changes).items() if value != before[name]}


@transaction.atomic
def asset_create(
    *,
    actor: Actor,
    symbol: str,
    name: str,
    precision: int,
    tiers: TierRows = (),
    confirm: bool = False,
    reason: str = "",
    **fields: Any,
) -> Asset:
    """Add an asset with its tiers (a collateral asset needs at least one band)."""
    known_fields_check(names=fields, allowed=ASSET_FIELDS)
    asset = Asset(symbol=str(symbol).strip().upper(), name=name, precision=precision, **fields)
    _full_clean(asset, InvalidAsset)  # also turns the values into the fields' types
    guard_rails_check(changes=_values(asset, fields), rails=ASSET_GUARD_RAILS, confirm=confirm)
    tiers = _tiers_stored(tiers)
    tiers_check(tiers=tiers, is_collateral=asset.is_collateral, confirm=confirm)
    _save(asset, actor=actor, reason=reason)
    record_configuration_changed(asset, object="asset", key=asset.symbol)
    _tiers_write(asset, tiers, actor=actor, reason=reason)
    record_tiers_replaced(asset, before=[], actor=actor)
    return asset


@transaction.atomic
def asset_update(
    *, actor: Actor, symbol: str, confirm: bool = False, reason: str = "", **changes: Any
) -> Asset:
    """Change an asset's name, switches, daily rate, liquidation priority or borrow limit.

    Symbol and precision are fixed once created; turning collateral on needs a valid tier set.
    """
    asset = asset_for_update(symbol)
    known_fields_check(names=changes, allowed=ASSET_FIELDS, fixed=ASSET_FIXED)
    changed = _apply(asset, changes, InvalidAsset)
    guard_rails_check(changes=changed, rails=ASSET_GUARD_RAILS, confirm=confirm)
    if changed.get("is_collateral"):
        tiers_check(tiers=_tier_rows(asset), is_collateral=True, confirm=True)
    if changed:
        _save(asset, actor=actor, reason=reason)
        record_configuration_changed(asset, object="asset", key=asset.symbol, fields=changed)
    return asset


@transaction.atomic
def asset_tiers_replace(
    *, actor: Actor, symbol: str, tiers: TierRows, confirm: bool = False, reason: str = ""
) -> Asset:
    """Replace every collateral-factor band of an asset, in any order.

    The set must pass the tier rule (``config_rules.tiers_check``); a factor rising with
    size needs ``confirm``. A band whose bound stays keeps its row (its history shows the
    factor's old → new value); the others are deleted or created.
    """
    asset = asset_for_update(symbol)
    tiers = _tiers_stored(tiers)
    tiers_check(tiers=tiers, is_collateral=asset.is_collateral, confirm=confirm)
    before = tiers_snapshot(asset)
    _tiers_write(asset, tiers, actor=actor, reason=reason)
    record_tiers_replaced(asset, before=before, actor=actor)
    return asset


def _tiers_stored(tiers: TierRows) -> list[tuple[Decimal | None, Decimal]]:
    """The rows as the columns can hold them (a factor has at most 6 places), every misfit at once."""
    rows = list(tiers)
    details = []
    for index, (up_to, factor) in enumerate(rows):
        try:
            CollateralTier(up_to=up_to, factor=factor).clean_fields(exclude=["asset"])
        except ValidationError as exc:
            details += [
                {
                    "field": f"tiers.{index}.{name}",
                    "code": InvalidTiers.code,
                    "message": f"{the_band(up_to)}: {message}",
                }
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
    if details:
        raise InvalidTiers(" ".join(d["message"] for d in details), field="tiers", details=details)
    return rows


def _tier_rows(asset: Asset) -> list[tuple[Decimal | None, Decimal]]:
    return [(tier.up_to, tier.factor) for tier in asset.tiers.all()]


def _tiers_write(
    asset: Asset, tiers: list[tuple[Decimal | None, Decimal]], *, actor: Actor, reason: str
) -> None:
    wanted = dict(tiers)  # bound -> factor; the rule has refused repeated bounds
    current = {tier.up_to: tier for tier in asset.tiers.all()}
    for bound, tier in current.items():
        if bound not in wanted:
            tier._history_user, tier._change_reason = actor, reason[:100] or None
            tier.delete()
    for bound, factor in wanted.items():
        tier = current.get(bound) or CollateralTier(asset=asset, up_to=bound)
        if tier.pk is None or tier.factor != factor:
            tier.factor = factor
            _save(tier, actor=actor, reason=reason)


@transaction.atomic
def risk_settings_update(
    *, actor: Actor, confirm: bool = False, reason: str = "", **changes: Any
) -> RiskSettings:
    """Change the margin-ratio levels, the liquidation fee or the maximum price age.

    Only the known fields (``SETTINGS_FIELDS``); levels must stay ordered (the model's
    ``clean``); values beyond their usual bounds need ``confirm``.
    """
    known_fields_check(names=changes, allowed=SETTINGS_FIELDS)
    RiskSettings.load()
    risk = RiskSettings.objects.select_for_update().get(pk=1)
    changed = _apply(risk, changes, InvalidSettings)
    guard_rails_check(changes=changed, rails=SETTINGS_GUARD_RAILS, confirm=confirm)
    if changed:
        _save(risk, actor=actor, reason=reason)
        record_configuration_changed(risk, object="risk_settings", key="risk_settings", fields=changed)
    return risk
