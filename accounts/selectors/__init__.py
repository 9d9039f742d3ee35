from .history import interest_history, ledger_history, notifications_for, unread_count
from .positions import account_positions, margin_account_for, wallet_balances
from .preview import Preview, action_preview
from .summary import AccountSummary, LoanLine, account_summary

__all__ = [
    "AccountSummary",
    "LoanLine",
    "Preview",
    "account_positions",
    "account_summary",
    "action_preview",
    "interest_history",
    "ledger_history",
    "margin_account_for",
    "notifications_for",
    "unread_count",
    "wallet_balances",
]
