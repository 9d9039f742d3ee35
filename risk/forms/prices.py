"""The admin's form to record a price by hand."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from margin_project.errors import DomainError

from ..models import Asset
from ..services.prices import price_parse


class PriceRecordForm(forms.Form):
    asset = forms.ModelChoiceField(
        queryset=Asset.objects.exclude(symbol=settings.QUOTE_ASSET).order_by("symbol"),
        to_field_name="symbol",
        help_text=f"Prices are in {settings.QUOTE_ASSET}, whose own price is always 1.",
    )
    price = forms.CharField(
        max_length=48,
        help_text=f"{settings.QUOTE_ASSET} per unit, e.g. 58250.5 (a decimal number). A move beyond the "
        "asset's sanity band is held until a second source or a second staff member confirms it.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def clean_price(self) -> Decimal:
        """The same parser as the API and the price service (exact, ASCII digits)."""
        try:
            return price_parse(self.cleaned_data["price"])
        except DomainError as error:
            raise ValidationError(error.message) from None
