"""Parsing money input at the boundary: exact, positive, within the asset's precision.

``amount_parse`` is the one parser of amounts: the API fields, the web and admin forms
and every money service call it (through ``margin_project.money.decimal_parse`` for the
text itself), so the same input gets the same answer everywhere and is never rounded.
"""

from __future__ import annotations

from decimal import Decimal

from margin_project.errors import InvalidAmount, UnknownAsset
from margin_project.money import COLUMN_LIMIT, decimal_parse, places_of, plain
from risk.models import Asset

# Below the numeric(40, 18) column's 10**22: an amount must fit the column it is stored in.
MAX_AMOUNT = COLUMN_LIMIT


def asset_get(symbol: str) -> Asset:
    """The asset with this symbol, or a clear error."""
    if not isinstance(symbol, str) or not symbol.strip():
        raise UnknownAsset("Name an asset by its symbol.", field="asset")
    try:
        return Asset.objects.get(symbol=symbol.strip().upper())
    except Asset.DoesNotExist:
        raise UnknownAsset(f"Unknown asset {symbol.strip()[:16]!r}.", field="asset") from None


def amount_parse(value: object, asset: Asset, *, field: str = "amount") -> Decimal:
    """An amount as an exact ``Decimal`` in ``asset``'s precision, or a clear error (4xx).

    ASCII digits only; floats refused (0.1 as a float is not 0.1); never rounded: an
    amount finer than the asset's precision, zero or negative, or too large for the
    balance columns is refused, whatever its length.
    """
    value = decimal_parse(value, field=field)
    if value <= 0:
        raise InvalidAmount("The amount must be greater than zero.", field=field)
    if value >= MAX_AMOUNT:
        raise InvalidAmount(
            f"The amount is too large: it must be below {plain(MAX_AMOUNT)} {asset.symbol}.", field=field
        )
    if places_of(value) > asset.precision:
        raise InvalidAmount(
            f"{asset.symbol} amounts have at most {asset.precision} decimal places.",
            field=field,
        )
    return value


def signed_amount_parse(value: object, asset: Asset, *, field: str = "amount") -> Decimal:
    """A non-zero amount with a sign ("-0.5" takes 0.5 out), checked as ``amount_parse`` checks."""
    signed = decimal_parse(value, field=field)
    magnitude = amount_parse(abs(signed), asset, field=field)
    return -magnitude if signed < 0 else magnitude
