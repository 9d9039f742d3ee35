"""The risk list of margin accounts and each account's read-only page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.admin.stress import stress_test_view
from margin_project.admin.base import ReadOnlyAdmin
from margin_project.admin.display import EMPTY, age, money, percent, price, rate_percent, status_badge
from margin_project.formatting import QUOTE_PLACES, trigger_price_text
from margin_project.zones import Zone, zone_of
from risk.admin.records import line_text
from risk.models import Asset, Liquidation, MarginCall, RiskSettings
from risk.roles import CORRECT_LEDGER, CREDIT_DEPOSIT, SWEEP

from ..models import LedgerAccount, MarginAccount
from ..models.ledger import AccountKind
from ..selectors import AccountSummary, account_summary, interest_history, ledger_history
from ..services.sweep import sweep_queue

EXPOSURE_KINDS = (AccountKind.MARGIN, AccountKind.LOAN_PRINCIPAL, AccountKind.LOAN_INTEREST)
LEDGER_ROWS = 50


def stale_exposure() -> Exists:
    """True for accounts holding or owing an asset whose price is missing or older than allowed."""
    cutoff = timezone.now() - RiskSettings.load().max_price_age
    stale_assets = (
        Asset.objects.exclude(symbol=settings.QUOTE_ASSET)
        .filter(Q(price__isnull=True) | Q(price__observed_at__lt=cutoff))
        .values("pk")
    )
    exposed = LedgerAccount.objects.filter(
        owner_id=OuterRef("user_id"), kind__in=EXPOSURE_KINDS, asset_id__in=stale_assets
    ).exclude(balance=0)
    return Exists(exposed)


class RiskFilter(admin.SimpleListFilter):
    title = "risk"
    parameter_name = "risk"

    def lookups(self, request, model_admin):
        return [
            ("at_risk", "At risk (below the borrow level)"),
            ("margin_call", "In margin call"),
            ("liquidated", "Liquidated"),
            ("stale", "Stale price"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "at_risk":
                return queryset.filter(margin_ratio__lt=RiskSettings.load().borrow_level)
            case "margin_call":
                open_call = MarginCall.objects.filter(margin_account=OuterRef("pk"), closed_at__isnull=True)
                return queryset.filter(Exists(open_call))
            case "liquidated":
                return queryset.filter(Exists(Liquidation.objects.filter(margin_account=OuterRef("pk"))))
            case "stale":
                return queryset.filter(stale_price=True)
        return queryset


@admin.register(MarginAccount)
class MarginAccountAdmin(ReadOnlyAdmin):
    """Every margin account with the state the services and sweeps last computed."""

    change_list_template = "admin/accounts/marginaccount/change_list.html"
    list_display = ("customer", "badge", "ratio", "collateral", "liability", "stale", "assessed")
    list_display_links = ("customer",)
    list_filter = (RiskFilter, "status", "multi_asset_mode")
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    ordering = (F("margin_ratio").asc(nulls_last=True), "id")
    actions = ("sweep_selected",)
    list_per_page = 50

    def get_queryset(self, request):
        borrow_level = RiskSettings.load().borrow_level
        # The zone the customer sees: a "healthy" account below the borrow level may not borrow.
        zone = Case(
            When(status=Zone.HEALTHY, margin_ratio__lt=borrow_level, then=Value(Zone.NO_NEW_BORROWING.value)),
            default=F("status"),
        )
        return super().get_queryset(request).annotate(stale_price=stale_exposure(), zone=zone)

    @admin.display(description="customer", ordering="user__username")
    def customer(self, account: MarginAccount) -> str:
        return account.user.username

    @admin.display(description="status", ordering="status")
    def badge(self, account: MarginAccount) -> str:
        return status_badge(getattr(account, "zone", account.status))

    @admin.display(description="margin ratio", ordering=F("margin_ratio").asc(nulls_last=True))
    def ratio(self, account: MarginAccount) -> str:
        return percent(account.margin_ratio) if account.margin_ratio is not None else "no liability"

    @admin.display(description="collateral value", ordering="collateral_value")
    def collateral(self, account: MarginAccount) -> str:
        return money(account.collateral_value, QUOTE_PLACES)

    @admin.display(description="liability", ordering="liability_value")
    def liability(self, account: MarginAccount) -> str:
        return money(account.liability_value, QUOTE_PLACES)

    @admin.display(description="price", ordering="stale_price")
    def stale(self, account: MarginAccount) -> str:
        if account.stale_price:
            return format_html('<strong style="color:#b71c1c">{}</strong>', "stale")
        return "fresh"

    @admin.display(description="assessed", ordering="assessed_at")
    def assessed(self, account: MarginAccount) -> str:
        return f"{age(account.assessed_at)} ago" if account.assessed_at else "never"

    # --- operations -----------------------------------------------------------------

    def has_sweep_permission(self, request) -> bool:
        return request.user.has_perm(SWEEP)

    @admin.action(description="Sweep selected accounts now", permissions=["sweep"])
    def sweep_selected(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        tasks = sweep_queue(margin_account_ids=ids)
        self.message_user(
            request, f"Sweep queued for {len(ids)} account(s) ({tasks} task(s)).", messages.SUCCESS
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("sweep/", view(self.sweep_view), name="accounts_marginaccount_sweep"),
            path(
                "stress-test/",
                view(lambda request: stress_test_view(self, request)),
                name="accounts_marginaccount_stress",
            ),
            *super().get_urls(),
        ]

    def sweep_view(self, request):
        """POST: queue a sweep of one account (``account``) or of all of them."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_sweep_permission(request):
            raise PermissionDenied
        account_id = request.POST.get("account", "").strip()
        if account_id:
            account = MarginAccount.objects.filter(pk=account_id).first() if account_id.isdigit() else None
            if account is None:
                self.message_user(request, "No such margin account; nothing was queued.", messages.ERROR)
                return HttpResponseRedirect(reverse("admin:accounts_marginaccount_changelist"))
            sweep_queue(margin_account_ids=[account.pk])
            self.message_user(request, "Sweep of this account queued.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:accounts_marginaccount_change", args=[account.pk]))
        tasks = sweep_queue()
        self.message_user(request, f"Sweep of all accounts queued ({tasks} task(s)).", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:accounts_marginaccount_changelist"))

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_sweep": self.has_sweep_permission(request),
            "levels": levels_text(RiskSettings.load()),
        }
        return super().changelist_view(request, extra_context)

    # --- the account page -----------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        account = self.get_object(request, unquote(object_id))
        if account is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, account) or request.method != "GET":
            raise PermissionDenied  # a read-only page: nothing to post
        summary = account_summary(margin_account=account)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": account,
            "title": f"Margin account of {account.user.username}",
            "account": account,
            "can_sweep": self.has_sweep_permission(request),
            "can_credit": request.user.has_perm(CREDIT_DEPOSIT),
            "can_correct": request.user.has_perm(CORRECT_LEDGER),
            **account_page(summary),
        }
        return TemplateResponse(request, "admin/accounts/marginaccount/account.html", context)


def levels_text(risk: RiskSettings) -> str:
    return (
        f"Margin call below {percent(risk.margin_call_level)} · liquidation at or below "
        f"{percent(risk.liquidation_level)} · borrowing needs {percent(risk.borrow_level)}; "
        "values in USDT; the lowest margin ratio comes first."
    )


def account_page(summary: AccountSummary) -> dict:
    """Everything on an account's page, formatted: balances, loans, calls, liquidations, ledger."""
    account = summary.margin_account
    terms = summary.market.terms
    rows = {row.symbol: row for row in summary.valuation.rows}
    wallets = []
    for symbol in sorted(set(summary.wallets) | set(rows)):
        wallet = summary.wallets.get(symbol, {})
        row = rows.get(symbol)
        prices = summary.liquidation_prices.get(symbol)
        wallets.append(
            {
                "symbol": symbol,
                "spot": money(wallet.get("spot")) if wallet else EMPTY,
                "margin": money(row.margin if row else wallet.get("margin")),
                "price": price(terms[symbol].price) if symbol in terms else "no price",
                "stale": symbol in summary.market.stale,
                "factor": percent(row.effective_factor, 4) if row and row.margin else EMPTY,
                "collateral": money(row.collateral_value, QUOTE_PLACES) if row and row.margin else EMPTY,
                "share": percent(row.share) if row and row.margin else EMPTY,
                "margin_call_price": trigger_price_text(prices.margin_call, terms[symbol].price)
                if prices and prices.margin_call
                else EMPTY,
                "liquidation_price": trigger_price_text(prices.liquidation, terms[symbol].price)
                if prices and prices.liquidation
                else EMPTY,
            }
        )
    loans = [
        {
            "symbol": loan.symbol,
            "principal": money(loan.principal),
            "interest": money(loan.interest),
            "rate": rate_percent(loan.daily_rate),
            "value": money(loan.value),
        }
        for loan in summary.loans
    ]
    calls = list(account.margin_calls.all()[:10])
    liquidations = list(
        account.liquidations.prefetch_related("lines__asset", "lines__from_sale_of").order_by("-created_at")[
            :10
        ]
    )
    thresholds = summary.thresholds
    return {
        "status": status_badge(zone_of(summary.valuation.margin_ratio, summary.thresholds)),
        "cached_status": status_badge(account.status),
        "ratio": (
            percent(summary.valuation.margin_ratio)
            if summary.valuation.margin_ratio is not None
            else "no liability"
        ),
        "collateral": money(summary.valuation.collateral_value, QUOTE_PLACES),
        "liability": money(summary.valuation.liability, QUOTE_PLACES),
        "stale": sorted(summary.stale_symbols),
        "levels": [
            ("borrow", percent(thresholds.borrow)),
            ("margin call below", percent(thresholds.margin_call)),
            ("liquidation at or below", percent(thresholds.liquidation)),
            ("liquidation target", percent(thresholds.target)),
        ],
        "wallets": wallets,
        "loans": loans,
        "open_call": next((call for call in calls if call.is_open), None),
        "calls": [
            {
                "call": call,
                "at_open": percent(call.ratio_at_open),
                "lowest": percent(call.lowest_ratio),
                "at_close": percent(call.ratio_at_close),
            }
            for call in calls
        ],
        "liquidations": [
            {
                "liquidation": liquidation,
                "before": percent(liquidation.ratio_before),
                "after": percent(liquidation.ratio_after),
                "fee": money(liquidation.fee_value),
                "bad_debt": money(liquidation.bad_debt_value),
                "lines": [line_text(line) for line in liquidation.lines.all()],
            }
            for liquidation in liquidations
        ],
        "accruals": [
            {"accrual": accrual, "rate": rate_percent(accrual.rate), "amount": money(accrual.amount)}
            for accrual in interest_history(user=account.user)[:20]
        ],
        "legs": [
            {"leg": leg, "amount": money(leg.amount)}
            for leg in ledger_history(user=account.user)[:LEDGER_ROWS]
        ],
    }
