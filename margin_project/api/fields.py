"""Decimal amounts as JSON strings: floats are refused on the way in, exact text on the way out."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from margin_project.errors import DomainError
from margin_project.money import MAX_TEXT, decimal_parse, plain

# What the schema advertises; `decimal_parse` (the one parser, shared with the forms) decides.
DECIMAL_PATTERN = r"^-?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "pattern": DECIMAL_PATTERN,
        "maxLength": MAX_TEXT,
        "example": "0.5",
    }
)
class DecimalString(serializers.Field):
    """A decimal number as a JSON string ("0.5"); a JSON number is refused (floats are not exact).

    Parsed by ``decimal_parse``, the parser the forms use too (ASCII digits, exact, no
    exponent or separators). Range and precision per asset are the services' business
    (``amount_parse``).
    """

    def to_internal_value(self, data) -> Decimal:
        if not isinstance(data, str):
            raise serializers.ValidationError(
                'Send amounts as decimal strings, e.g. "0.5" (JSON numbers are refused).',
                code="invalid_amount",
            )
        try:
            return decimal_parse(data, field=None)
        except DomainError as error:
            raise serializers.ValidationError(error.message, code=error.code) from None

    def to_representation(self, value) -> str:
        return plain(Decimal(value))


class AssetSymbol(serializers.CharField):
    """An asset symbol; existence and switches are checked by the services."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("help_text", "Asset symbol, e.g. BTC.")
        super().__init__(**kwargs)
