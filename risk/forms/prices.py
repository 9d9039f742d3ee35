"""The admin's form to record a price by hand."""

from __future__ import annotations

from django import forms
from django.conf import settings

from ..models import Asset


class PriceRecordForm(forms.Form):
    asset = forms.ModelChoiceField(
        queryset=Asset.objects.exclude(symbol=settings.QUOTE_ASSET).order_by("symbol"),
        to_field_name="symbol",
        help_text=f"Prices are in {settings.QUOTE_ASSET}, whose own price is always 1.",
    )
    price = forms.CharField(
        max_length=48, help_text=f"{settings.QUOTE_ASSET} per unit, e.g. 58250.5 (a decimal number)."
    )
