"""Read paths of the market and the rules: engine terms from the configuration rows."""

from .terms import MarketSnapshot, market_snapshot, thresholds_current

__all__ = ["MarketSnapshot", "market_snapshot", "thresholds_current"]
