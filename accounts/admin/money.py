"""Customer money, read-only: loans, interest, the ledger, notifications.

No one edits money by hand. A deposit is credited through ``deposit_credit`` (a posted
transaction with its external reference), interest through the accrual job.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from margin_project.admin.base import OperationLinksMixin, ReadOnlyAdmin, ReadOnlyInline, operation_page
from margin_project.admin.display import money, rate_percent
from margin_project.errors import DomainError
from margin_project.forms import add_domain_error
from risk.admin.records import account_link
from risk.roles import ACCRUE, CORRECT_LEDGER, CREDIT_DEPOSIT

from ..forms.operations import AccrualForm, CorrectionForm, DepositCreditForm
from ..models import InterestAccrual, LedgerAccount, LedgerLeg, LedgerTransaction, Loan, Notification
from ..services import deposit_credit
from ..services.corrections import CorrectionLeg, ledger_correction
from ..services.interest import interest_accrue_queue


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdmin):
    list_display = ("id", "customer", "asset", "principal_shown", "interest_shown", "rate", "created_at")
    list_filter = ("asset",)
    search_fields = ("margin_account__user__username", "margin_account__user__email")
    list_select_related = ("margin_account__user", "asset", "principal_account", "interest_account")
    fields = ("customer", "asset", "principal_shown", "interest_shown", "rate", "created_at")
    readonly_fields = fields

    @admin.display(description="customer", ordering="margin_account__user__username")
    def customer(self, loan: Loan) -> str:
        return account_link(loan.margin_account)

    @admin.display(description="principal")
    def principal_shown(self, loan: Loan) -> str:
        return money(loan.principal)

    @admin.display(description="accrued interest")
    def interest_shown(self, loan: Loan) -> str:
        return money(loan.interest)

    @admin.display(description="daily rate")
    def rate(self, loan: Loan) -> str:
        return rate_percent(loan.asset.daily_interest_rate)


@admin.register(InterestAccrual)
class InterestAccrualAdmin(OperationLinksMixin, ReadOnlyAdmin):
    list_display = ("day", "customer", "asset", "kind", "rate_shown", "principal_shown", "amount_shown")
    list_filter = ("kind", "loan__asset")
    search_fields = ("loan__margin_account__user__username",)
    list_select_related = ("loan__margin_account__user", "loan__asset")
    date_hierarchy = "day"
    fields = (
        "customer",
        "asset",
        "day",
        "kind",
        "rate_shown",
        "principal_shown",
        "amount_shown",
        "transaction",
    )
    readonly_fields = fields

    @admin.display(description="customer", ordering="loan__margin_account__user__username")
    def customer(self, accrual: InterestAccrual) -> str:
        return account_link(accrual.loan.margin_account)

    @admin.display(description="asset", ordering="loan__asset__symbol")
    def asset(self, accrual: InterestAccrual) -> str:
        return accrual.loan.asset.symbol

    @admin.display(description="daily rate")
    def rate_shown(self, accrual: InterestAccrual) -> str:
        return rate_percent(accrual.rate)

    @admin.display(description="charged on principal")
    def principal_shown(self, accrual: InterestAccrual) -> str:
        return money(accrual.principal)

    @admin.display(description="interest")
    def amount_shown(self, accrual: InterestAccrual) -> str:
        return money(accrual.amount)

    def operation_links(self, request):
        if not request.user.has_perm(ACCRUE):
            return []
        return [
            {"url": reverse("admin:accounts_interestaccrual_accrue"), "label": "Accrue interest for a day"}
        ]

    def get_urls(self):
        return [
            path(
                "accrue/",
                self.admin_site.admin_view(self.accrue_view),
                name="accounts_interestaccrual_accrue",
            ),
            *super().get_urls(),
        ]

    def accrue_view(self, request):
        """Queue the interest accrual of one UTC day (a day already charged is skipped per loan)."""
        if not request.user.has_perm(ACCRUE):
            raise PermissionDenied
        if request.method == "POST":
            form = AccrualForm(request.POST)
            if form.is_valid():
                day = form.cleaned_data["day"]
                try:
                    tasks = interest_accrue_queue(day=day)
                except DomainError as error:
                    add_domain_error(form, error)
                else:
                    text = (
                        f"Interest accrual for {day} queued ({tasks} task(s))."
                        if tasks
                        else f"No loans to charge for {day}."
                    )
                    self.message_user(request, text, messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:accounts_interestaccrual_changelist"))
        else:
            form = AccrualForm(initial={"day": timezone.now().date()})
        return operation_page(
            self,
            request,
            form=form,
            title="Accrue interest for a day",
            intro="Charge one day's interest on every open loan, as the daily 00:00 UTC job does. "
            "Each loan is charged at most once per day, so running it again is safe.",
            submit_label="Queue accrual",
        )


class LedgerLegInline(ReadOnlyInline):
    model = LedgerLeg
    fields = ("account", "asset", "amount_shown")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("account__owner", "account__asset", "asset")

    @admin.display(description="amount")
    def amount_shown(self, leg: LedgerLeg) -> str:
        return money(leg.amount)


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(OperationLinksMixin, ReadOnlyAdmin):
    list_display = ("id", "created_at", "kind", "customer", "reference", "memo", "created_by")
    list_filter = ("kind",)
    search_fields = ("reference", "memo", "margin_account__user__username")
    list_select_related = ("margin_account__user", "created_by")
    date_hierarchy = "created_at"
    inlines = [LedgerLegInline]
    fields = ("kind", "customer", "reference", "memo", "created_by", "created_at")
    readonly_fields = fields

    @admin.display(description="customer", ordering="margin_account__user__username")
    def customer(self, txn: LedgerTransaction) -> str:
        return account_link(txn.margin_account) if txn.margin_account_id else "house"

    def operation_links(self, request):
        links = []
        if request.user.has_perm(CREDIT_DEPOSIT):
            links.append(
                {"url": reverse("admin:accounts_ledgertransaction_deposit"), "label": "Credit a deposit"}
            )
        if request.user.has_perm(CORRECT_LEDGER):
            links.append(
                {"url": reverse("admin:accounts_ledgertransaction_correct"), "label": "Post a correction"}
            )
        return links

    def get_urls(self):
        return [
            path(
                "deposit/",
                self.admin_site.admin_view(self.deposit_view),
                name="accounts_ledgertransaction_deposit",
            ),
            path(
                "correct/",
                self.admin_site.admin_view(self.correct_view),
                name="accounts_ledgertransaction_correct",
            ),
            *super().get_urls(),
        ]

    def deposit_view(self, request):
        """Credit a deposit seen on chain to a customer's spot wallet (a posted transaction)."""
        if not request.user.has_perm(CREDIT_DEPOSIT):
            raise PermissionDenied
        if request.method == "POST":
            form = DepositCreditForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                started = timezone.now()
                try:
                    txn = deposit_credit(
                        user=data["customer"],
                        asset=data["asset"].symbol,
                        amount=data["amount"],
                        reference=data["reference"],
                        credited_by=request.user,
                    )
                except DomainError as error:
                    add_domain_error(form, error)
                else:
                    self._deposit_message(request, txn, started, data)
                    return HttpResponseRedirect(
                        reverse("admin:accounts_marginaccount_change", args=[txn.margin_account_id])
                    )
        else:
            form = DepositCreditForm(initial={"customer": request.GET.get("customer", "")})
        return operation_page(
            self,
            request,
            form=form,
            title="Credit a deposit",
            intro="Credit an amount received on chain to the customer's spot wallet. The reference is the "
            "external transaction id: the same reference is never credited twice.",
            submit_label="Credit deposit",
        )

    def correct_view(self, request):
        """Put a mistake right with a new balanced transaction (customer account against a house one)."""
        if not request.user.has_perm(CORRECT_LEDGER):
            raise PermissionDenied
        if request.method == "POST":
            form = CorrectionForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                amount = data["amount"]  # signed, exact: parsed by the form
                opposite = -amount
                symbol = data["asset"].symbol
                try:
                    txn = ledger_correction(
                        legs=[
                            CorrectionLeg(data["customer"], data["customer_account"], symbol, amount),
                            CorrectionLeg(None, data["house_account"], symbol, opposite),
                        ],
                        reason=data["reason"],
                        staff_user=request.user,
                    )
                except DomainError as error:
                    add_domain_error(form, error)
                else:
                    self.message_user(
                        request, f"Correction posted as transaction #{txn.pk}.", messages.SUCCESS
                    )
                    return HttpResponseRedirect(
                        reverse("admin:accounts_ledgertransaction_change", args=[txn.pk])
                    )
        else:
            form = CorrectionForm(initial={"customer": request.GET.get("customer", "")})
        return operation_page(
            self,
            request,
            form=form,
            title="Post a correction",
            intro="Nothing in the ledger is ever edited: a mistake is put right by a new, balanced "
            "transaction between one customer account and one house account, with its reason.",
            submit_label="Post correction",
        )

    def _deposit_message(self, request, txn: LedgerTransaction, started, data) -> None:
        link = reverse("admin:accounts_ledgertransaction_change", args=[txn.pk])
        if txn.created_at < started:
            self.message_user(
                request,
                format_html(
                    'Reference “{}” was already credited (<a href="{}">transaction #{}</a>); nothing moved.',
                    data["reference"],
                    link,
                    txn.pk,
                ),
                messages.WARNING,
            )
            return
        self.message_user(
            request,
            format_html(
                'Credited {} {} to {}’s spot wallet (<a href="{}">transaction #{}</a>).',
                money(txn.legs.filter(amount__gt=0).first().amount),
                data["asset"].symbol,
                data["customer"].username,
                link,
                txn.pk,
            ),
            messages.SUCCESS,
        )


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ("id", "holder", "kind", "asset", "balance_shown", "updated_at")
    list_filter = ("kind", "asset")
    search_fields = ("owner__username", "asset__symbol")
    list_select_related = ("owner", "asset")
    fields = ("holder", "kind", "asset", "balance_shown", "updated_at")
    readonly_fields = fields

    @admin.display(description="holder", ordering="owner__username")
    def holder(self, account: LedgerAccount) -> str:
        return account.owner.username if account.owner_id else "house"

    @admin.display(description="balance")
    def balance_shown(self, account: LedgerAccount) -> str:
        return money(account.balance)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "kind", "title", "read_at", "emailed_at")
    list_filter = (
        "kind",
        ("read_at", admin.EmptyFieldListFilter),
        ("emailed_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("user__username", "title")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
