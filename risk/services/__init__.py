"""Write paths of the risk desk's market and rules: prices, configuration, alerts, leases."""

from .prices import (
    PriceOutcome,
    price_hold_confirm,
    price_hold_reject,
    price_observe,
    price_record,
    prices_record,
)

__all__ = [
    "PriceOutcome",
    "price_hold_confirm",
    "price_hold_reject",
    "price_observe",
    "price_record",
    "prices_record",
]
