"""Read-only views of customer money: no one edits a balance by hand."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import LedgerAccount, LedgerLeg, LedgerTransaction, Loan, MarginAccount, User

admin.site.register(User, UserAdmin)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MarginAccount)
class MarginAccountAdmin(ReadOnlyAdmin):
    list_display = (
        "user",
        "multi_asset_mode",
        "status",
        "margin_ratio",
        "collateral_value",
        "liability_value",
    )
    list_filter = ("status", "multi_asset_mode")
    search_fields = ("user__username", "user__email")


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdmin):
    list_display = ("margin_account", "asset", "principal", "interest")
    list_select_related = ("margin_account__user", "asset", "principal_account", "interest_account")


class LedgerLegInline(admin.TabularInline):
    model = LedgerLeg
    fields = ("account", "asset", "amount")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "margin_account", "reference", "memo", "created_at")
    list_filter = ("kind",)
    search_fields = ("reference", "memo", "margin_account__user__username")
    inlines = [LedgerLegInline]


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "kind", "asset", "balance")
    list_filter = ("kind",)
    search_fields = ("owner__username", "asset__symbol")
