"""Forms of the customer web pages: parse and check input shape; the services decide."""

from .actions import BorrowForm, RepayForm, RepayWithCollateralForm, TransferForm
from .auth import LoginForm
from .two_factor import RecoveryCodeForm, TotpCodeForm

__all__ = [
    "BorrowForm",
    "LoginForm",
    "RecoveryCodeForm",
    "RepayForm",
    "RepayWithCollateralForm",
    "TotpCodeForm",
    "TransferForm",
]
