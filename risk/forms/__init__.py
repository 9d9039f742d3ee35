"""Admin forms: they parse and check input; services and selectors do the work."""

from .config import AssetForm, CollateralTierFormSet, RiskSettingsForm
from .operations import (
    AccrualForm,
    CorrectionForm,
    DepositCreditForm,
    PriceRecordForm,
    StressTestForm,
    add_domain_error,
)

__all__ = [
    "AccrualForm",
    "AssetForm",
    "CorrectionForm",
    "CollateralTierFormSet",
    "DepositCreditForm",
    "PriceRecordForm",
    "RiskSettingsForm",
    "StressTestForm",
    "add_domain_error",
]
