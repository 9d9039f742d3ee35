from .api_key import ApiKey
from .idempotency import IdempotencyKey
from .ledger import LedgerAccount, LedgerLeg, LedgerTransaction
from .loan import InterestAccrual, Loan
from .margin_account import MarginAccount
from .notification import Notification
from .user import User

__all__ = [
    "ApiKey",
    "IdempotencyKey",
    "InterestAccrual",
    "LedgerAccount",
    "LedgerLeg",
    "LedgerTransaction",
    "Loan",
    "MarginAccount",
    "Notification",
    "User",
]
