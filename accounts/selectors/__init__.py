from .positions import account_positions, margin_account_for
from .summary import AccountSummary, account_summary

__all__ = ["AccountSummary", "account_positions", "account_summary", "margin_account_for"]
