"""Forms of the customer web pages: parse and check input shape; the services decide."""

from .actions import BorrowForm, RepayForm, TransferForm
from .auth import LoginForm
from .history import LedgerFilterForm
from .two_factor import TotpCodeForm

__all__ = ["BorrowForm", "LedgerFilterForm", "LoginForm", "RepayForm", "TotpCodeForm", "TransferForm"]
