from .alert import StaffAlert
from .asset import Asset, CollateralTier
from .lease import JobLease
from .liquidation import LineKind, Liquidation, LiquidationLine
from .margin_call import MarginCall, RatioSnapshot, StatusChange
from .price import AssetPrice
from .settings import RiskSettings

__all__ = [
    "Asset",
    "AssetPrice",
    "CollateralTier",
    "JobLease",
    "LineKind",
    "Liquidation",
    "LiquidationLine",
    "MarginCall",
    "RatioSnapshot",
    "RiskSettings",
    "StaffAlert",
    "StatusChange",
]
