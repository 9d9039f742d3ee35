"""Admin forms for the manual operations and the stress test.

They parse what staff type; the services (and the stress selector) decide, and a
``DomainError`` they raise becomes an error on the form.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from margin_project.errors import DomainError
from risk.models import Asset

from ..selectors.stress import ALL_ASSETS
from ..services.validation import amount_parse, signed_amount_parse


def customer_named(username: str):
    """The customer with this username, or a form error (staff are not customers)."""
    username = username.strip()
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError(f"No customer with the username “{username}”.")
    if user.is_staff:
        raise ValidationError(f"{username} is staff; deposits and corrections concern customers.")
    return user


class AccrualForm(forms.Form):
    day = forms.DateField(
        help_text="The UTC day to charge interest for (YYYY-MM-DD). A day already charged is never "
        "charged twice.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_day(self) -> date:
        day = self.cleaned_data["day"]
        today = timezone.now().date()  # now() is in UTC
        if day > today:
            raise ValidationError(f"Interest is charged for a day once it has begun (UTC); {day} has not.")
        return day


class DepositCreditForm(forms.Form):
    customer = forms.CharField(max_length=150, help_text="The customer's username.")
    asset = forms.ModelChoiceField(queryset=Asset.objects.order_by("symbol"), to_field_name="symbol")
    amount = forms.CharField(max_length=64, help_text="In units of the asset, e.g. 0.5.")
    reference = forms.CharField(
        max_length=100,
        help_text="The external transaction id. The same reference again credits nothing twice.",
    )

    def clean_customer(self):
        return customer_named(self.cleaned_data["customer"])

    def clean(self):
        cleaned = super().clean()
        _amount_clean(self, cleaned, amount_parse)
        return cleaned


def _amount_clean(form: forms.Form, cleaned: dict, parse) -> None:
    """Parse the amount with the one parser the API and the services use (exact, ASCII digits)."""
    asset, raw = cleaned.get("asset"), cleaned.get("amount")
    if asset is None or raw is None:
        return
    try:
        cleaned["amount"] = parse(raw, asset)
    except DomainError as error:
        form.add_error("amount", error.message)


class CorrectionForm(forms.Form):
    """Two legs: one customer account against one house account, in one asset."""

    CUSTOMER_ACCOUNTS = [
        ("spot", "Spot wallet"),
        ("margin", "Margin wallet"),
        ("loan_principal", "Loan principal"),
        ("loan_interest", "Loan interest"),
    ]
    HOUSE_ACCOUNTS = [
        ("external", "External world"),
        ("insurance_fund", "Insurance fund"),
        ("interest_income", "Interest income"),
        ("lending_pool", "Lending pool"),
    ]

    customer = forms.CharField(max_length=150, help_text="The customer's username.")
    asset = forms.ModelChoiceField(queryset=Asset.objects.order_by("symbol"), to_field_name="symbol")
    customer_account = forms.ChoiceField(choices=CUSTOMER_ACCOUNTS)
    house_account = forms.ChoiceField(choices=HOUSE_ACCOUNTS)
    amount = forms.CharField(
        max_length=64,
        help_text="Added to the customer's account and taken from the house's; negative for the reverse. "
        "A debt is a negative balance: +10 on loan principal lowers the debt by 10.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        max_length=200,
        help_text="Why: it is kept in the transaction's memo for good.",
    )

    def clean_customer(self):
        return customer_named(self.cleaned_data["customer"])

    def clean(self):
        cleaned = super().clean()
        _amount_clean(self, cleaned, signed_amount_parse)
        return cleaned


_SHOCK = re.compile(r"^\s*([A-Za-z0-9]{2,16})\s*[:=]?\s*([+-]?\d+(?:\.\d+)?)\s*%?\s*$")


class StressTestForm(forms.Form):
    """A shock for every asset, per-asset shocks, or both (a named asset overrides the shock for all)."""

    all_assets = forms.DecimalField(
        label="Shock for all assets (%)",
        required=False,
        max_digits=7,
        decimal_places=2,
        help_text=f"e.g. -20 moves every price 20% down ({settings.QUOTE_ASSET} stays at 1).",
    )
    per_asset = forms.CharField(
        label="Shocks per asset (%)",
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"size": 60, "placeholder": "BTC -20, ETH -25"}),
        help_text="Symbol and percent, separated by commas, e.g. “BTC -20, ETH -25”.",
    )

    def clean_per_asset(self) -> dict[str, Decimal]:
        text = self.cleaned_data["per_asset"]
        shocks: dict[str, Decimal] = {}
        for part in filter(str.strip, re.split(r"[,;\n]", text)):
            match = _SHOCK.match(part)
            if match is None:
                raise ValidationError(
                    f"“{part.strip()}” is not a shock: write a symbol and a percent, e.g. BTC -20."
                )
            symbol, percent = match.group(1).upper(), Decimal(match.group(2))
            if symbol in shocks:
                raise ValidationError(f"{symbol} is named twice.")
            shocks[symbol] = percent
        return shocks

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        everything = cleaned.get("all_assets")
        per_asset = cleaned.get("per_asset") or {}
        if not everything and not any(per_asset.values()):
            raise ValidationError("Enter a shock for all assets, for some assets, or both.")
        for percent in [everything or Decimal(0), *per_asset.values()]:
            if percent <= -100:
                raise ValidationError("A shock must be above -100%: a price cannot fall to zero.")
        return cleaned

    def shocks(self) -> dict[str, Decimal]:
        """The shocks as fractions (-20% is Decimal("-0.2")), as the stress selector takes them."""
        shocks = {symbol: percent / 100 for symbol, percent in self.cleaned_data["per_asset"].items()}
        if self.cleaned_data.get("all_assets"):
            shocks[ALL_ASSETS] = self.cleaned_data["all_assets"] / 100
        return shocks
