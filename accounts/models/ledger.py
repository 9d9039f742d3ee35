"""The double-entry ledger.

Every movement of any asset is one ``LedgerTransaction`` whose ``LedgerLeg`` amounts
sum to zero per asset. ``LedgerAccount.balance`` is the materialised sum of its legs;
only ``accounts.services.ledger.ledger_post`` writes it. Customer debt is a negative
balance on the loan accounts; wallets never go below zero.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from margin_project.formatting import amount_text
from margin_project.models import TimestampedModel
from margin_project.money import ExactDecimalField
from risk.models import Asset


class AccountKind(models.TextChoices):
    SPOT = "spot", "Spot wallet"
    MARGIN = "margin", "Margin wallet"
    LOAN_PRINCIPAL = "loan_principal", "Loan principal"
    LOAN_INTEREST = "loan_interest", "Loan interest"
    LENDING_POOL = "lending_pool", "Lending pool"
    INTEREST_INCOME = "interest_income", "Interest income"
    INSURANCE_FUND = "insurance_fund", "Insurance fund"
    EXTERNAL = "external", "External world"


CUSTOMER_KINDS = (AccountKind.SPOT, AccountKind.MARGIN, AccountKind.LOAN_PRINCIPAL, AccountKind.LOAN_INTEREST)
WALLET_KINDS = (AccountKind.SPOT, AccountKind.MARGIN)
DEBT_KINDS = (AccountKind.LOAN_PRINCIPAL, AccountKind.LOAN_INTEREST)
HOUSE_KINDS = (
    AccountKind.LENDING_POOL,
    AccountKind.INTEREST_INCOME,
    AccountKind.INSURANCE_FUND,
    AccountKind.EXTERNAL,
)


class LedgerAccount(TimestampedModel):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_accounts",
        help_text="Empty for the house's accounts.",
    )
    kind = models.CharField(max_length=20, choices=AccountKind.choices)
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="ledger_accounts")
    balance = ExactDecimalField(default=0)

    class Meta:
        ordering = ["asset_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kind", "asset"],
                condition=Q(owner__isnull=False),
                name="ledger_account_unique_customer",
            ),
            models.UniqueConstraint(
                fields=["kind", "asset"],
                condition=Q(owner__isnull=True),
                name="ledger_account_unique_house",
            ),
            models.CheckConstraint(
                condition=Q(owner__isnull=True, kind__in=HOUSE_KINDS)
                | Q(owner__isnull=False, kind__in=CUSTOMER_KINDS),
                name="ledger_account_owner_matches_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=WALLET_KINDS) | Q(balance__gte=0),
                name="ledger_wallet_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=DEBT_KINDS) | Q(balance__lte=0),
                name="ledger_debt_not_positive",
            ),
        ]
        indexes = [models.Index(fields=["kind", "asset"], name="ledger_account_kind_asset")]

    def __str__(self) -> str:
        who = self.owner.username if self.owner_id else "house"
        return f"{who} {self.get_kind_display()} {self.asset}"


class TransactionKind(models.TextChoices):
    DEPOSIT = "deposit", "Deposit"
    WITHDRAWAL = "withdrawal", "Withdrawal"
    TRANSFER = "transfer", "Transfer"
    BORROW = "borrow", "Borrow"
    REPAY = "repay", "Repayment"
    COLLATERAL_REPAY = "collateral_repay", "Repayment with collateral"
    INTEREST = "interest", "Interest"
    LIQUIDATION = "liquidation", "Liquidation"
    BAD_DEBT = "bad_debt", "Bad debt"
    FUNDING = "funding", "House funding"
    CORRECTION = "correction", "Correction"


class LedgerTransaction(TimestampedModel):
    kind = models.CharField(max_length=16, choices=TransactionKind.choices, db_index=True)
    margin_account = models.ForeignKey(
        "accounts.MarginAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_transactions",
        help_text="The customer account it concerns, if one.",
    )
    reference = models.CharField(
        max_length=128,
        null=True,
        blank=True,
        unique=True,
        help_text="External reference (deposit tx id, idempotency); unique when given.",
    )
    memo = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["margin_account", "-id"], name="ledger_tx_account_recent")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"


class LedgerLeg(models.Model):
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="legs")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="legs")
    # Denormalised from the account so "sums to zero per asset" is one GROUP BY.
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="+")
    amount = ExactDecimalField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_leg_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {amount_text(self.amount)}"
