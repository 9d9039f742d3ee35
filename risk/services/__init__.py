"""Write paths of the risk desk's market and rules: prices, configuration, alerts, leases."""

from .prices import price_record, prices_record

__all__ = ["price_record", "prices_record"]
