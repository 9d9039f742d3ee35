"""Admin forms for configuration: assets, their collateral tiers, the risk settings.

They parse what staff type and ask the configuration rules (``risk.services.config_rules``)
the same questions the services ask, so a form shows every refusal the service would
give - on its field, all at once - before anything is written. The admin then saves
through the services (``risk.services.configuration``).
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from margin_project.errors import DomainError
from margin_project.forms import add_domain_error
from margin_project.money import plain

from ..models import Asset, CollateralTier, RiskSettings
from ..services.config_rules import (
    ASSET_GUARD_RAILS,
    SETTINGS_GUARD_RAILS,
    guard_rails_check,
    tiers_check,
    tiers_sorted,
)

CONFIRM_LABEL = "Confirm unusual values"


class PlainDecimals:
    """Inputs show exact decimals without the column's padding: 0.000200000000 -> 0.0002."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in list(self.initial.items()):
            if isinstance(value, Decimal):
                self.initial[name] = plain(value)


class GuardedForm(PlainDecimals, forms.ModelForm):
    """A configuration form whose changed values beyond their usual bounds need ``confirm``."""

    guard_rails = ()
    confirm = forms.BooleanField(required=False, label=CONFIRM_LABEL)

    def _post_clean(self) -> None:
        super()._post_clean()  # the model's own checks first: a value they refuse needs no confirmation
        changes = {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name in self.cleaned_data and name != "confirm" and name not in self.errors
        }
        try:
            guard_rails_check(
                changes=changes, rails=self.guard_rails, confirm=self.cleaned_data.get("confirm", False)
            )
        except DomainError as error:
            add_domain_error(self, error)


class AssetForm(GuardedForm):
    guard_rails = ASSET_GUARD_RAILS
    confirm = forms.BooleanField(
        required=False,
        label=CONFIRM_LABEL,
        help_text="Tick to save a daily interest rate above 1% a day, or collateral tiers whose factor "
        "rises with size.",
    )

    class Meta:
        model = Asset
        fields = (
            "symbol",
            "name",
            "precision",
            "is_collateral",
            "is_borrowable",
            "daily_interest_rate",
            "borrow_limit",
            "liquidation_priority",
            "max_price_move",
            "price_sources_required",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out (an older client, the API's create): one source, as the model's default.
        if "price_sources_required" in self.fields:  # absent for staff who may only look
            self.fields["price_sources_required"].required = False

    def clean_price_sources_required(self) -> int:
        return self.cleaned_data.get("price_sources_required") or 1


class CollateralTierForm(PlainDecimals, forms.ModelForm):
    class Meta:
        model = CollateralTier
        fields = ("up_to", "factor")


class CollateralTierFormSet(forms.BaseInlineFormSet):
    """The tiers of one asset as a whole, listed by bound and checked by the one tier rule.

    Every problem of the set is listed at once above the table; the admin then saves the
    set through ``asset_tiers_replace`` (``tiers()`` is what it sends).
    """

    def __init__(self, *args, confirm: bool = False, **kwargs):
        self.confirm = confirm
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        if not hasattr(self, "_sorted"):
            self._sorted = tiers_sorted(super().get_queryset())
        return self._sorted

    def kept_forms(self) -> list[forms.Form]:
        return [form for form in self.forms if not self._should_delete_form(form)]

    def tiers(self) -> list[tuple[Decimal | None, Decimal]]:
        """(up_to, factor) of every row kept: not deleted, not left blank."""
        return [
            (form.cleaned_data.get("up_to"), form.cleaned_data["factor"])
            for form in self.kept_forms()
            if form.cleaned_data.get("factor") is not None
        ]

    def clean(self) -> None:
        if any(form.errors for form in self.kept_forms()):
            return  # a row that does not parse shows on its row; the set is checked once all parse
        try:
            tiers_check(
                tiers=self.tiers(), is_collateral=bool(self.instance.is_collateral), confirm=self.confirm
            )
        except DomainError as error:
            raise ValidationError(
                [detail["message"] for detail in error.details] or [error.message]
            ) from None


class RiskSettingsForm(GuardedForm):
    """The one record of thresholds, fee and maximum price age.

    The model's ``clean()`` holds the ordering rules
    (liquidation < margin call <= target < borrow, target < transfer out).
    """

    guard_rails = SETTINGS_GUARD_RAILS
    confirm = forms.BooleanField(
        required=False,
        label=CONFIRM_LABEL,
        help_text="Tick to save a borrow or transfer-out level above 300%, a liquidation fee above 10% "
        "or a maximum price age above 1 hour.",
    )

    class Meta:
        model = RiskSettings
        fields = (
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
