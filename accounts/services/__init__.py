"""The write paths of customer accounts: one database transaction each."""

from .deposits import deposit_credit, withdrawal_create
from .ledger import Leg, ledger_post
from .loans import loan_borrow, loan_repay, loan_repay_with_collateral
from .mode import margin_mode_disable, margin_mode_enable
from .notifications import notifications_mark_read
from .transfers import Direction, transfer

__all__ = [
    "Direction",
    "Leg",
    "deposit_credit",
    "ledger_post",
    "loan_borrow",
    "loan_repay",
    "loan_repay_with_collateral",
    "margin_mode_disable",
    "margin_mode_enable",
    "notifications_mark_read",
    "transfer",
    "withdrawal_create",
]
