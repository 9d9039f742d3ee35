from .stress import stress_report as stress_report
from .terms import MarketSnapshot, market_snapshot, thresholds_current

__all__ = ["MarketSnapshot", "market_snapshot", "thresholds_current"]
