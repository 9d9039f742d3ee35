"""The API's filter sets are the app's (``accounts/filtersets.py``): the web pages use the same ones."""

from accounts.filtersets import (
    DateTimeFilter,
    InterestFilter,
    LedgerFilter,
    MarginCallFilter,
    NotificationFilter,
    StaffAccountFilter,
)

__all__ = [
    "DateTimeFilter",
    "InterestFilter",
    "LedgerFilter",
    "MarginCallFilter",
    "NotificationFilter",
    "StaffAccountFilter",
]
