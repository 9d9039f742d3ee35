"""Staff configuration of assets, tiers, prices and risk settings."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Asset, AssetPrice, CollateralTier, RiskSettings


class CollateralTierInline(admin.TabularInline):
    model = CollateralTier
    extra = 0
    fields = ("up_to", "factor")


@admin.register(Asset)
class AssetAdmin(SimpleHistoryAdmin):
    list_display = (
        "symbol",
        "name",
        "precision",
        "is_collateral",
        "is_borrowable",
        "daily_interest_rate",
        "liquidation_priority",
    )
    list_filter = ("is_collateral", "is_borrowable")
    search_fields = ("symbol", "name")
    inlines = [CollateralTierInline]


@admin.register(AssetPrice)
class AssetPriceAdmin(SimpleHistoryAdmin):
    list_display = ("asset", "price", "source", "observed_at")
    search_fields = ("asset__symbol",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(RiskSettings)
class RiskSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "borrow_level", "margin_call_level", "liquidation_level", "target_level")

    def has_add_permission(self, request):
        return not RiskSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
