"""Configuration writes: assets, their tiers and rates, the risk settings (used by the staff API).

Each validates the whole row (``full_clean``) and saves in one transaction; the admin
makes the same changes through its forms.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from margin_project.errors import InvalidAmount, NotFound
from risk.engine import Band

from ..events import record_configuration_changed, record_tiers_replaced, tiers_snapshot
from ..models import Asset, CollateralTier, RiskSettings

ASSET_FIELDS = (
    "name",
    "is_collateral",
    "is_borrowable",
    "daily_interest_rate",
    "liquidation_priority",
    "borrow_limit",
)


def asset_for_update(symbol: str) -> Asset:
    asset = Asset.objects.select_for_update().filter(symbol=symbol.strip().upper()).first()
    if asset is None:
        raise NotFound(f"Unknown asset {symbol[:16]!r}.", field="symbol")
    return asset


def _tiers_checked(tiers: list[tuple[Decimal | None, Decimal]]) -> list[tuple[Decimal | None, Decimal]]:
    """Bands must rise strictly from 0, only the last may be open, factors in (0, 1]."""
    ordered = sorted(tiers, key=lambda t: (t[0] is None, t[0] or 0))
    try:
        bands = [Band(up_to=up_to, factor=factor) for up_to, factor in ordered]
        previous = Decimal(0)
        for index, band in enumerate(bands):
            if band.up_to is None and index != len(bands) - 1:
                raise ValueError("Only the last band may have no upper bound.")
            if band.up_to is not None and band.up_to <= previous:
                raise ValueError("Band bounds must rise strictly.")
            previous = band.up_to or previous
    except (TypeError, ValueError) as exc:
        raise InvalidAmount(str(exc), field="tiers") from None
    return ordered


@transaction.atomic
def asset_create(*, symbol: str, precision: int, tiers=(), **fields) -> Asset:
    asset = Asset(symbol=symbol.strip().upper(), precision=precision, **fields)
    asset.full_clean()
    asset.save()
    record_configuration_changed(asset, object="asset", key=asset.symbol)
    if tiers:
        asset_tiers_replace(asset=asset, tiers=tiers)
    return asset


@transaction.atomic
def asset_update(*, symbol: str, **changes) -> Asset:
    asset = asset_for_update(symbol)
    for name, value in changes.items():
        if name not in ASSET_FIELDS:
            raise InvalidAmount(f"{name} cannot be changed.", field=name)
        setattr(asset, name, value)
    asset.full_clean()
    asset.save()
    record_configuration_changed(asset, object="asset", key=asset.symbol)
    return asset


@transaction.atomic
def asset_tiers_replace(*, asset: Asset | str, tiers) -> Asset:
    """Replace every collateral-factor band of the asset (no bands: it counts nothing)."""
    if isinstance(asset, str):
        asset = asset_for_update(asset)
    checked = _tiers_checked(list(tiers))
    before = tiers_snapshot(asset)
    asset.tiers.all().delete()
    for up_to, factor in checked:
        tier = CollateralTier(asset=asset, up_to=up_to, factor=factor)
        tier.full_clean(exclude=["asset"])
        tier.save()
    record_tiers_replaced(asset, before=before)
    return asset


@transaction.atomic
def risk_settings_update(**changes) -> RiskSettings:
    risk = RiskSettings.objects.select_for_update().filter(pk=1).first() or RiskSettings.load()
    for name, value in changes.items():
        setattr(risk, name, value)
    risk.full_clean()
    risk.save()
    record_configuration_changed(risk, object="risk_settings", key="risk_settings")
    return risk
