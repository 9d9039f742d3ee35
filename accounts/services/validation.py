"""Parsing money input at the boundary: exact, positive, within the asset's precision."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from margin_project.errors import InvalidAmount, UnknownAsset
from margin_project.money import places_of
from risk.models import Asset

# 10**22 units: far above any real supply, far below the 40-digit column.
MAX_AMOUNT = Decimal(10) ** 22


def asset_get(symbol: str) -> Asset:
    """The asset with this symbol, or a clear error."""
    if not isinstance(symbol, str) or not symbol.strip():
        raise UnknownAsset("Name an asset by its symbol.", field="asset")
    try:
        return Asset.objects.get(symbol=symbol.strip().upper())
    except Asset.DoesNotExist:
        raise UnknownAsset(f"Unknown asset {symbol.strip()[:16]!r}.", field="asset") from None


def amount_parse(value: object, asset: Asset, *, field: str = "amount") -> Decimal:
    """An amount as an exact ``Decimal`` in ``asset``'s precision, or a clear error.

    Floats are refused: 0.1 as a float is not 0.1, and money must be exact.
    """
    if isinstance(value, (bool, float)):
        raise InvalidAmount('Send amounts as decimal strings, e.g. "0.5".', field=field)
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidAmount(f"{value[:40]!r} is not a decimal number.", field=field) from None
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidAmount("The amount must be a finite decimal number.", field=field)
    if value <= 0:
        raise InvalidAmount("The amount must be greater than zero.", field=field)
    if value >= MAX_AMOUNT:
        raise InvalidAmount("The amount is too large.", field=field)
    if places_of(value) > asset.precision:
        raise InvalidAmount(
            f"{asset.symbol} amounts have at most {asset.precision} decimal places.", field=field
        )
    return value
