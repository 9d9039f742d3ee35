"""Transfer, borrow and repay: which asset, how much.

Amounts are parsed exactly (``Decimal`` within the asset's precision) by the same
function the services use; whether the action is allowed is the service's answer.
"""

from __future__ import annotations

from django import forms

from accounts.services import Direction
from accounts.services.loans import repay_request_check
from accounts.services.validation import amount_parse
from margin_project.errors import DomainError
from risk.models import Asset

AMOUNT_WIDGET = forms.TextInput(
    attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "0.00", "spellcheck": "false"}
)


class ActionForm(forms.Form):
    """Base: an asset chosen by symbol and an exact amount of it."""

    asset = forms.ChoiceField()
    amount = forms.CharField(max_length=60, required=False, widget=AMOUNT_WIDGET)
    amount_required = True

    def __init__(self, *args, assets: list[Asset], **kwargs):
        super().__init__(*args, **kwargs)
        self.assets = {a.symbol: a for a in assets}
        self.fields["asset"].choices = [(a.symbol, f"{a.symbol} — {a.name}") for a in assets]

    @property
    def chosen_asset(self) -> Asset | None:
        return self.assets.get(self.cleaned_data.get("asset", ""))

    def clean(self):
        cleaned = super().clean()
        asset = self.chosen_asset
        raw = (cleaned.get("amount") or "").strip()
        if asset is None:
            return cleaned
        if not raw:
            if self.amount_required:
                self.add_error("amount", "Enter an amount.")
            cleaned["amount_value"] = None
            return cleaned
        try:
            cleaned["amount_value"] = amount_parse(raw, asset)
        except DomainError as error:
            self.add_error("amount", error.message)
        return cleaned


class TransferForm(ActionForm):
    direction = forms.ChoiceField(
        choices=[(Direction.TO_MARGIN.value, "Spot → Margin"), (Direction.TO_SPOT.value, "Margin → Spot")],
        widget=forms.RadioSelect,
        initial=Direction.TO_MARGIN.value,
    )
    field_order = ["direction", "asset", "amount"]


class BorrowForm(ActionForm):
    pass


class RepayForm(ActionForm):
    repay_all = forms.BooleanField(
        required=False, label="Repay all (interest and principal, leaving no dust)"
    )
    amount_required = False

    def clean(self):
        cleaned = super().clean()
        if not self.errors.get("amount"):
            try:  # the service's rule: an amount, or repay all — exactly one
                repay_request_check(
                    amount=cleaned.get("amount_value"), repay_all=bool(cleaned.get("repay_all"))
                )
            except DomainError as error:
                self.add_error("amount", error.message)
        return cleaned


class RepayWithCollateralForm(RepayForm):
    """Repay a loan, selling margin collateral for what the margin wallet of the asset lacks."""

    collateral = forms.ChoiceField(label="Collateral to sell")
    field_order = ["asset", "collateral", "amount", "repay_all"]

    def __init__(self, *args, assets: list[Asset], collateral: list[Asset], **kwargs):
        super().__init__(*args, assets=assets, **kwargs)
        self.fields["collateral"].choices = [(a.symbol, f"{a.symbol} — {a.name}") for a in collateral]
