"""Loans (one per account and borrowed asset) and their interest charges."""

from django.db import models
from django.db.models import Q

from margin_project.formatting import amount_text
from margin_project.models import TimestampedModel
from margin_project.money import ExactDecimalField
from risk.models import Asset

from .ledger import LedgerAccount, LedgerTransaction
from .margin_account import MarginAccount


class Loan(TimestampedModel):
    """What one account owes in one asset.

    The amounts live in the ledger: principal and interest are the (negated)
    balances of the two debt accounts, so a loan cannot drift from its ledger.
    """

    margin_account = models.ForeignKey(MarginAccount, on_delete=models.PROTECT, related_name="loans")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="loans")
    principal_account = models.OneToOneField(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    interest_account = models.OneToOneField(LedgerAccount, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["margin_account", "asset"], name="loan_unique_per_asset"),
        ]

    def __str__(self) -> str:
        return f"{self.margin_account.user} owes {self.asset}"

    @property
    def principal(self):
        return -self.principal_account.balance

    @property
    def interest(self):
        return -self.interest_account.balance


class AccrualKind(models.TextChoices):
    BORROW = "borrow", "First day, charged at borrow"
    DAILY = "daily", "Daily at 00:00 UTC"


class InterestAccrual(TimestampedModel):
    """One charge of interest: the rate and principal it used, and its ledger posting."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="accruals")
    day = models.DateField(help_text="The UTC day this interest is for.")
    kind = models.CharField(max_length=8, choices=AccrualKind.choices)
    rate = ExactDecimalField(max_digits=20, decimal_places=12)
    principal = ExactDecimalField(help_text="Principal the interest was charged on.")
    amount = ExactDecimalField()
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [
            # A re-run, a retry or a duplicate delivery can never charge a day twice.
            models.UniqueConstraint(
                fields=["loan", "day"], condition=Q(kind="daily"), name="accrual_once_per_loan_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan} {self.day}: {amount_text(self.amount)}"
