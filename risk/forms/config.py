"""Admin forms for configuration: assets, their collateral tiers, the risk settings.

Checks within one row live in the models' ``clean()``; what spans rows (the tiers of
one asset taken together) or needs a clearer message lives here.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from margin_project.money import plain

from ..models import Asset, RiskSettings


class AssetForm(forms.ModelForm):
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
        self.fields["price_sources_required"].required = False

    def clean_price_sources_required(self) -> int:
        return self.cleaned_data.get("price_sources_required") or 1

    def clean_daily_interest_rate(self) -> Decimal:
        rate = self.cleaned_data["daily_interest_rate"]
        if rate is not None and rate < 0:
            raise ValidationError("The daily interest rate cannot be negative.")
        return rate

    def clean_borrow_limit(self) -> Decimal | None:
        limit = self.cleaned_data["borrow_limit"]
        if limit is not None and limit < 0:
            raise ValidationError("The borrow limit cannot be negative; leave it empty for no cap.")
        return limit


class CollateralTierFormSet(forms.BaseInlineFormSet):
    """The tiers of one asset as a whole: contiguous bands from 0, none overlapping.

    Sorted by upper bound, the bounds must rise strictly (two tiers ending at the same
    value would overlap), and at most one tier may be unbounded - that one is then the
    last band. A collateral asset needs at least one tier.
    """

    def clean(self) -> None:
        if any(form.errors for form in self.forms):
            return  # row errors first; the set is checked once every row is valid
        self._check_bands()
        super().clean()

    def _check_bands(self) -> None:
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("factor")
        ]
        unbounded = [row for row in kept if row.get("up_to") is None]
        if len(unbounded) > 1:
            raise ValidationError(
                "Only one tier may be unbounded (empty “up to”): it is the last band, above all others."
            )
        bounds = sorted(row["up_to"] for row in kept if row.get("up_to") is not None)
        for lower, upper in zip(bounds, bounds[1:], strict=False):
            if upper == lower:
                raise ValidationError(
                    f"Two tiers end at {plain(upper)} USDT: bands must not overlap, so each "
                    "upper bound must be higher than the one before."
                )
        is_collateral = getattr(self.instance, "is_collateral", False)
        if is_collateral and not kept:
            raise ValidationError(
                "A collateral asset needs at least one tier; without one it counts nothing as collateral."
            )


class RiskSettingsForm(forms.ModelForm):
    """The one record of thresholds, fee and maximum price age.

    The model's ``clean()`` holds the ordering rules
    (liquidation < margin call <= target < borrow, target < transfer out).
    """

    class Meta:
        model = RiskSettings
        fields = (
            "borrow_level",
            "transfer_out_level",
            "margin_call_level",
            "target_level",
            "liquidation_level",
            "liquidation_fee",
            "max_price_age",
            "max_price_move",
            "price_confirm_window",
        )

    def clean_max_price_age(self) -> timedelta:
        age = self.cleaned_data["max_price_age"]
        if age is not None and age <= timedelta(0):
            raise ValidationError("The maximum price age must be longer than zero.")
        return age
