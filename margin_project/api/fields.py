"""Decimal amounts as JSON strings: floats are refused on the way in, exact text on the way out."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from margin_project.money import plain

DECIMAL_PATTERN = r"^-?[0-9]{1,40}(\.[0-9]{1,40})?$"
_DECIMAL = re.compile(DECIMAL_PATTERN)


@extend_schema_field({"type": "string", "format": "decimal", "pattern": DECIMAL_PATTERN, "example": "0.5"})
class DecimalString(serializers.Field):
    """A decimal number as a JSON string ("0.5"); a JSON number is refused (floats are not exact).

    Range and precision per asset are the services' business (``amount_parse``).
    """

    def to_internal_value(self, data) -> Decimal:
        if not isinstance(data, str):
            raise serializers.ValidationError(
                'Send amounts as decimal strings, e.g. "0.5" (JSON numbers are refused).',
                code="invalid_amount",
            )
        text = data.strip()
        if not _DECIMAL.match(text):
            raise serializers.ValidationError(
                f"{data[:40]!r} is not a decimal number.", code="invalid_amount"
            )
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            raise serializers.ValidationError("Not a decimal number.", code="invalid_amount") from None

    def to_representation(self, value) -> str:
        return plain(Decimal(value))


class AssetSymbol(serializers.CharField):
    """An asset symbol; existence and switches are checked by the services."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("help_text", "Asset symbol, e.g. BTC.")
        super().__init__(**kwargs)
