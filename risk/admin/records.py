"""What the workers recorded: margin calls, liquidations, status changes, alerts. Read-only."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from margin_project.admin.base import ReadOnlyAdmin, ReadOnlyInline
from margin_project.admin.display import EMPTY, money, percent, status_badge

from ..models import (
    LineKind,
    Liquidation,
    LiquidationLine,
    MarginCall,
    RatioSnapshot,
    StaffAlert,
    StatusChange,
)


def account_link(margin_account) -> str:
    url = reverse("admin:accounts_marginaccount_change", args=[margin_account.pk])
    return format_html('<a href="{}">{}</a>', url, margin_account.user.username)


def line_text(line: LiquidationLine) -> str:
    """One step of a liquidation in words a customer would understand."""
    asset = line.asset.symbol
    if line.kind == LineKind.SALE:
        return (
            f"Sold {money(line.quantity)} {asset} at {money(line.price)} USDT = {money(line.value)} USDT; "
            f"{money(line.fee_quantity)} {asset} of it went to the insurance fund as the liquidation fee."
        )
    owed = f"{money(line.interest)} {asset} interest and {money(line.principal)} {asset} principal"
    if line.kind == LineKind.OWN_ASSET_REPAYMENT:
        return f"Repaid {owed} from the {asset} held in the margin wallet ({money(line.value)} USDT)."
    if line.kind == LineKind.REPAYMENT:
        source = line.from_sale_of.symbol if line.from_sale_of_id else "the sales"
        return f"Repaid {owed} from the proceeds of selling {source} ({money(line.value)} USDT)."
    return (
        f"{owed} ({money(line.value)} USDT) could not be repaid: covered by the insurance fund as bad debt."
    )


@admin.register(MarginCall)
class MarginCallAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "customer",
        "state",
        "opened_at",
        "at_open",
        "lowest",
        "closed_at",
        "at_close",
        "reason",
    )
    list_filter = (("closed_at", admin.EmptyFieldListFilter), "opened_at")
    search_fields = ("margin_account__user__username", "margin_account__user__email")
    list_select_related = ("margin_account__user",)
    date_hierarchy = "opened_at"

    @admin.display(description="customer", ordering="margin_account__user__username")
    def customer(self, call: MarginCall) -> str:
        return account_link(call.margin_account)

    @admin.display(description="state")
    def state(self, call: MarginCall) -> str:
        return "open" if call.is_open else "closed"

    @admin.display(description="ratio at open", ordering="ratio_at_open")
    def at_open(self, call: MarginCall) -> str:
        return percent(call.ratio_at_open)

    @admin.display(description="lowest ratio", ordering="lowest_ratio")
    def lowest(self, call: MarginCall) -> str:
        return percent(call.lowest_ratio)

    @admin.display(description="ratio at close")
    def at_close(self, call: MarginCall) -> str:
        return percent(call.ratio_at_close)

    @admin.display(description="close reason")
    def reason(self, call: MarginCall) -> str:
        return call.close_reason or EMPTY


class LiquidationLineInline(ReadOnlyInline):
    model = LiquidationLine
    fields = ("position", "kind", "what_happened")
    readonly_fields = fields
    ordering = ("position",)
    verbose_name_plural = "What was done, step by step"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("asset", "from_sale_of")

    @admin.display(description="what happened")
    def what_happened(self, line: LiquidationLine) -> str:
        return line_text(line)


@admin.register(Liquidation)
class LiquidationAdmin(ReadOnlyAdmin):
    list_display = ("id", "customer", "created_at", "before", "after", "fee", "bad_debt")
    list_select_related = ("margin_account__user",)
    search_fields = ("margin_account__user__username", "margin_account__user__email")
    date_hierarchy = "created_at"
    inlines = [LiquidationLineInline]
    fields = (
        "customer",
        "created_at",
        "margin_call_link",
        "before",
        "after",
        "collateral_value_before_shown",
        "liability_before_shown",
        "fee",
        "bad_debt",
        "transaction_link",
    )
    readonly_fields = fields

    @admin.display(description="customer", ordering="margin_account__user__username")
    def customer(self, liquidation: Liquidation) -> str:
        return account_link(liquidation.margin_account)

    @admin.display(description="ratio before", ordering="ratio_before")
    def before(self, liquidation: Liquidation) -> str:
        return percent(liquidation.ratio_before)

    @admin.display(description="ratio after")
    def after(self, liquidation: Liquidation) -> str:
        return (
            percent(liquidation.ratio_after) if liquidation.ratio_after is not None else "no liability left"
        )

    @admin.display(description="collateral value before (USDT)")
    def collateral_value_before_shown(self, liquidation: Liquidation) -> str:
        return money(liquidation.collateral_value_before)

    @admin.display(description="liability before (USDT)")
    def liability_before_shown(self, liquidation: Liquidation) -> str:
        return money(liquidation.liability_before)

    @admin.display(description="fee to insurance fund (USDT)", ordering="fee_value")
    def fee(self, liquidation: Liquidation) -> str:
        return money(liquidation.fee_value)

    @admin.display(description="bad debt (USDT)", ordering="bad_debt_value")
    def bad_debt(self, liquidation: Liquidation) -> str:
        return money(liquidation.bad_debt_value)

    @admin.display(description="margin call")
    def margin_call_link(self, liquidation: Liquidation) -> str:
        if not liquidation.margin_call_id:
            return EMPTY
        url = reverse("admin:risk_margincall_change", args=[liquidation.margin_call_id])
        return format_html('<a href="{}">#{}</a>', url, liquidation.margin_call_id)

    @admin.display(description="ledger transaction")
    def transaction_link(self, liquidation: Liquidation) -> str:
        url = reverse("admin:accounts_ledgertransaction_change", args=[liquidation.transaction_id])
        return format_html('<a href="{}">#{}</a>', url, liquidation.transaction_id)


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ("at", "customer", "from_badge", "to_badge", "ratio")
    list_filter = ("to_status", "from_status")
    list_select_related = ("margin_account__user",)
    search_fields = ("margin_account__user__username",)
    date_hierarchy = "at"

    @admin.display(description="customer", ordering="margin_account__user__username")
    def customer(self, change: StatusChange) -> str:
        return account_link(change.margin_account)

    @admin.display(description="from")
    def from_badge(self, change: StatusChange) -> str:
        return status_badge(change.from_status)

    @admin.display(description="to")
    def to_badge(self, change: StatusChange) -> str:
        return status_badge(change.to_status)

    @admin.display(description="margin ratio", ordering="margin_ratio")
    def ratio(self, change: StatusChange) -> str:
        return percent(change.margin_ratio)


@admin.register(StaffAlert)
class StaffAlertAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "asset", "message", "accounts_affected", "resolved_at")
    list_filter = ("kind", ("resolved_at", admin.EmptyFieldListFilter))
    list_select_related = ("asset",)
    search_fields = ("message", "asset__symbol")


@admin.register(RatioSnapshot)
class RatioSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("taken_at", "customer", "ratio", "collateral", "liability", "badge")
    list_filter = ("status",)
    list_select_related = ("margin_account__user",)
    search_fields = ("margin_account__user__username",)
    show_full_result_count = False

    @admin.display(description="customer", ordering="margin_account__user__username")
    def customer(self, snapshot: RatioSnapshot) -> str:
        return account_link(snapshot.margin_account)

    @admin.display(description="margin ratio", ordering="margin_ratio")
    def ratio(self, snapshot: RatioSnapshot) -> str:
        return percent(snapshot.margin_ratio)

    @admin.display(description="collateral value (USDT)")
    def collateral(self, snapshot: RatioSnapshot) -> str:
        return money(snapshot.collateral_value)

    @admin.display(description="liability (USDT)")
    def liability(self, snapshot: RatioSnapshot) -> str:
        return money(snapshot.liability_value)

    @admin.display(description="status")
    def badge(self, snapshot: RatioSnapshot) -> str:
        return status_badge(snapshot.status)
