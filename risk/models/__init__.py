from .alert import StaffAlert
from .asset import Asset, CollateralTier
from .lease import JobLease
from .liquidation import LineKind, Liquidation, LiquidationLine
from .margin_call import MarginCall, RatioSnapshot, StatusChange
from .price import AssetPrice, PriceDecision, PriceHold, PriceObservation
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
    "PriceDecision",
    "PriceHold",
    "PriceObservation",
    "RatioSnapshot",
    "RiskSettings",
    "StaffAlert",
    "StatusChange",
]
