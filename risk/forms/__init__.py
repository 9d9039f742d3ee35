"""Admin forms of the risk desk's configuration: they parse and check input; services decide."""

from .config import AssetForm, CollateralTierForm, CollateralTierFormSet, RiskSettingsForm
from .prices import PriceRecordForm

__all__ = ["AssetForm", "CollateralTierForm", "CollateralTierFormSet", "PriceRecordForm", "RiskSettingsForm"]
