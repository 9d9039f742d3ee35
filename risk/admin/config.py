"""Configuration: assets with their collateral tiers, prices, and the risk settings."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Value, When
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from margin_project.admin.base import OperationLinksMixin, ReadOnlyAdmin, operation_page
from margin_project.admin.display import EMPTY, age, money, rate_percent
from margin_project.errors import DomainError
from margin_project.forms import add_domain_error

from ..forms import AssetForm, CollateralTierForm, CollateralTierFormSet, PriceRecordForm, RiskSettingsForm
from ..models import (
    Asset,
    AssetPrice,
    CollateralTier,
    PriceDecision,
    PriceHold,
    PriceObservation,
    RiskSettings,
)
from ..roles import CONFIRM_PRICE, RECORD_PRICE
from ..selectors.prices import price_reference
from ..services import price_hold_confirm, price_hold_reject, price_observe
from ..services.config_rules import bound_text, percent_text, tier_labels, tiers_sorted
from ..services.configuration import (
    ASSET_FIELDS,
    SETTINGS_FIELDS,
    asset_create,
    asset_tiers_replace,
    asset_update,
    risk_settings_update,
)
from ..services.prices import price_change
from .history import ReadableHistoryAdmin, deltas

ADMIN_REASON = "admin"


def _stale_annotation(prefix: str = "") -> Case:
    """True where the price is older than the risk settings allow (one query, no per-row reads)."""
    cutoff = timezone.now() - RiskSettings.load().max_price_age
    return Case(
        When(**{f"{prefix}observed_at__lt": cutoff}, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def _without_confirm_unless_editable(model_admin, request, obj, fieldsets):
    """The confirmation checkbox only for staff who may save the page."""
    editable = (
        model_admin.has_change_permission(request, obj) if obj else model_admin.has_add_permission(request)
    )
    if editable:
        return fieldsets
    return [(name, options) for name, options in fieldsets if "confirm" not in options["fields"]]


def tiers_text(tiers) -> str:
    """ "up to 50,000,000 USDT: 90% · 50,000,000 to 100,000,000 USDT: 85% · above …: 70%", sorted."""
    return " · ".join(tier_labels(tiers)) or "no tiers (not collateral)"


def tier_label(up_to, factor) -> str:
    """One tier on its own (a history row): "band up to 100,000,000 USDT at 97.5%"."""
    band = f"band up to {bound_text(up_to)}" if up_to is not None else "unbounded band"
    return f"{band} at {percent_text(factor)}"


class CollateralTierInline(admin.TabularInline):
    model = CollateralTier
    form = CollateralTierForm
    formset = CollateralTierFormSet
    fields = ("band", "up_to", "factor")
    readonly_fields = ("band",)
    extra = 1
    verbose_name = "collateral tier"
    verbose_name_plural = (
        "Collateral tiers — bands of position value (USDT) applied like tax brackets; "
        "an empty “up to” is the last, unbounded band"
    )

    def get_fields(self, request, obj=None):
        if not self.has_change_permission(request, obj):
            return ("band",)  # read-only: the label says it all, without the columns' padded decimals
        return super().get_fields(request, obj)

    @admin.display(description="band")
    def band(self, tier: CollateralTier) -> str:
        if tier.pk is None:
            return "new band"
        labels = dict(
            zip(tiers_sorted(tier.asset.tiers.all()), tier_labels(tier.asset.tiers.all()), strict=True)
        )
        return labels.get(tier, EMPTY)


@admin.register(Asset)
class AssetAdmin(ReadableHistoryAdmin):
    form = AssetForm
    inlines = [CollateralTierInline]
    object_history_template = "admin/risk/asset/object_history.html"
    list_display = (
        "symbol",
        "name",
        "price_shown",
        "price_age",
        "factors",
        "rate",
        "is_collateral",
        "is_borrowable",
        "liquidation_priority",
        "limit",
    )
    list_filter = ("is_collateral", "is_borrowable")
    search_fields = ("symbol", "name")
    ordering = ("liquidation_priority", "symbol")
    list_select_related = ("price",)
    fieldsets = (
        (None, {"fields": ("symbol", "name", "precision", "current_price")}),
        ("Collateral and borrowing", {"fields": ("is_collateral", "is_borrowable", "liquidation_priority")}),
        ("Interest and limits", {"fields": ("daily_interest_rate", "borrow_limit")}),
        ("Price sanity", {"fields": ("max_price_move", "price_sources_required")}),
        (None, {"fields": ("confirm",)}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("tiers")
            .annotate(price_stale=_stale_annotation("price__"))
        )

    def get_fieldsets(self, request, obj=None):
        return _without_confirm_unless_editable(self, request, obj, super().get_fieldsets(request, obj))

    def get_readonly_fields(self, request, obj=None):
        # Balances are stored at the asset's precision: changing it (or the symbol) later
        # would misstate every amount already held.
        return ("symbol", "precision", "current_price") if obj else ("current_price",)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, CollateralTierInline) and request.method == "POST":
            # The tier set's confirmation is the asset form's checkbox (the formset is checked
            # after that form, from the same POST).
            kwargs["confirm"] = forms.CheckboxInput().value_from_datadict(request.POST, None, "confirm")
        return kwargs

    def save_model(self, request, obj, form, change):
        """Through ``asset_update`` (a new asset is created with its tiers in ``save_related``)."""
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in ASSET_FIELDS}
        if change and changes:
            asset_update(
                actor=request.user,
                symbol=obj.symbol,
                confirm=form.cleaned_data.get("confirm", False),
                reason=ADMIN_REASON,
                **changes,
            )

    def save_related(self, request, form, formsets, change):
        """The asset (when new) and its tiers through the configuration services, as the API does."""
        tiers = next(f for f in formsets if isinstance(f, CollateralTierFormSet))
        confirm = form.cleaned_data.get("confirm", False)
        if not change:
            fields = {name: form.cleaned_data[name] for name in ASSET_FIELDS if name in form.cleaned_data}
            created = asset_create(
                actor=request.user,
                symbol=form.cleaned_data["symbol"],
                precision=form.cleaned_data["precision"],
                tiers=tiers.tiers(),
                confirm=confirm,
                reason=ADMIN_REASON,
                **fields,
            )
            form.instance.pk, form.instance._state.adding = created.pk, False
        elif tiers.has_changed():
            asset_tiers_replace(
                actor=request.user,
                symbol=form.instance.symbol,
                tiers=tiers.tiers(),
                confirm=confirm,
                reason=ADMIN_REASON,
            )
        for formset in formsets:  # what the change message lists; the services did the writing
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if change and any(formset.has_changed() for formset in formsets):
            self.message_user(
                request,
                format_html(
                    "Collateral tiers of {} changed: accounts holding it are re-assessed at the next sweep "
                    '(every minute), or <a href="{}">sweep now</a>.',
                    form.instance.symbol,
                    reverse("admin:accounts_marginaccount_changelist"),
                ),
                messages.INFO,
            )

    @admin.display(description="price (USDT)", ordering="price__price")
    def price_shown(self, asset: Asset) -> str:
        if asset.symbol == settings.QUOTE_ASSET:
            return "1 (quote asset)"
        price = getattr(asset, "price", None)
        return money(price.price) if price else "no price"

    @admin.display(description="price age", ordering="price__observed_at")
    def price_age(self, asset: Asset):
        price = getattr(asset, "price", None)
        if asset.symbol == settings.QUOTE_ASSET or price is None:
            return EMPTY
        if getattr(asset, "price_stale", False):
            return format_html('<strong style="color:#b71c1c">stale · {}</strong>', age(price.observed_at))
        return age(price.observed_at)

    @admin.display(description="collateral factor (by position value)")
    def factors(self, asset: Asset) -> str:
        return tiers_text(asset.tiers.all())

    @admin.display(description="daily rate", ordering="daily_interest_rate")
    def rate(self, asset: Asset) -> str:
        return rate_percent(asset.daily_interest_rate)

    @admin.display(description="borrow limit", ordering="borrow_limit")
    def limit(self, asset: Asset) -> str:
        return money(asset.borrow_limit) if asset.borrow_limit is not None else "no cap"

    @admin.display(description="current price")
    def current_price(self, asset: Asset):
        if asset.pk is None:
            return "Record a price once the asset is saved."
        record = reverse("admin:risk_assetprice_record") + f"?asset={asset.symbol}"
        price = getattr(asset, "price", None)
        if asset.symbol == settings.QUOTE_ASSET:
            return "1 (the quote asset)"
        if price is None:
            return format_html('No price yet — <a href="{}">record a price</a>', record)
        return format_html(
            '{} USDT from {}, {} ago — <a href="{}">record a price</a>',
            money(price.price),
            price.source,
            age(price.observed_at),
            record,
        )

    def history_view(self, request, object_id, extra_context=None):
        """The asset's own history plus every change to its collateral tiers."""
        extra_context = {**(extra_context or {}), "tier_changes": self._tier_changes(object_id)}
        return super().history_view(request, object_id, extra_context)

    @staticmethod
    def _tier_changes(asset_id) -> list[dict]:
        records = list(
            CollateralTier.history.filter(asset_id=asset_id)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        previous_of_tier: dict[int, object] = {}
        rows = []
        for record in records:
            older = previous_of_tier.get(record.id)
            changes = deltas(CollateralTier, record, older) if older is not None else []
            rows.append(
                {
                    "date": record.history_date,
                    "user": record.history_user,
                    "kind": record.get_history_type_display(),
                    "reason": record.history_change_reason,
                    "tier": tier_label(record.up_to, record.factor),
                    "changes": changes,
                }
            )
            previous_of_tier[record.id] = record
        return sorted(rows, key=lambda row: row["date"], reverse=True)


@admin.register(AssetPrice)
class AssetPriceAdmin(OperationLinksMixin, ReadableHistoryAdmin):
    """Prices are recorded through ``price_record`` (which queues a sweep), never edited here."""

    list_display = ("asset", "price_shown", "source", "observed_at", "price_age")
    list_select_related = ("asset",)
    search_fields = ("asset__symbol", "source")
    list_filter = ("source",)
    fields = ("asset", "price", "source", "observed_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(stale=_stale_annotation())

    @admin.display(description="price (USDT)", ordering="price")
    def price_shown(self, price: AssetPrice) -> str:
        return money(price.price)

    @admin.display(description="age")
    def price_age(self, price: AssetPrice):
        if getattr(price, "stale", False) and price.asset.symbol != settings.QUOTE_ASSET:
            return format_html('<strong style="color:#b71c1c">stale · {}</strong>', age(price.observed_at))
        return age(price.observed_at)

    def operation_links(self, request):
        links = []
        if request.user.has_perm(RECORD_PRICE):
            links.append({"url": reverse("admin:risk_assetprice_record"), "label": "Record a price"})
        held = PriceHold.objects.filter(status=PriceHold.Status.PENDING).count()
        if held:
            url = reverse("admin:risk_pricehold_changelist") + f"?status__exact={PriceHold.Status.PENDING}"
            links.append({"url": url, "label": f"Held prices ({held})"})
        return links

    def get_urls(self):
        return [
            path("record/", self.admin_site.admin_view(self.record_view), name="risk_assetprice_record"),
            *super().get_urls(),
        ]

    def record_view(self, request):
        """Report a price by hand: it goes live (a sweep follows) or is held for a second person."""
        if not request.user.has_perm(RECORD_PRICE):
            raise PermissionDenied
        if request.method == "POST":
            form = PriceRecordForm(request.POST)
            if form.is_valid():
                asset = form.cleaned_data["asset"]
                try:
                    outcome = price_observe(
                        asset=asset,
                        price=form.cleaned_data["price"],
                        source=f"admin:{request.user.username}",
                        recorded_by=request.user,
                    )
                except DomainError as error:
                    add_domain_error(form, error)
                else:
                    return self._recorded(request, outcome)
        else:
            form = PriceRecordForm(initial={"asset": request.GET.get("asset", "").upper() or None})
        response = operation_page(
            self,
            request,
            form=form,
            title="Record a price",
            intro="Store the latest price of an asset in USDT, as the price feed would. Accounts that hold "
            "or owe the asset are swept right after, so margin calls follow the new price. A move beyond "
            "the asset's sanity band is held until a second source or a second staff member confirms it.",
            submit_label="Record price",
            extra={"price_reference": price_reference(), "typed": _typed_change(form)},
        )
        response.template_name = "admin/risk/assetprice/record.html"
        return response

    def _recorded(self, request, outcome):
        asset = outcome.asset
        if outcome.hold is not None:
            self.message_user(
                request,
                format_html(
                    "{} price of {} USDT is held for confirmation, not live: {} "
                    '<a href="{}">Held prices</a>.',
                    asset,
                    money(outcome.observation.price),
                    outcome.observation.note,
                    reverse("admin:risk_pricehold_changelist"),
                ),
                messages.WARNING,
            )
        elif outcome.decision == PriceDecision.IGNORED:
            self.message_user(request, f"{asset}: {outcome.observation.note}", messages.WARNING)
        else:
            self.message_user(
                request,
                f"{asset} price recorded at {money(outcome.live.price)} USDT; a sweep of the accounts "
                "holding or owing it is queued.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:risk_assetprice_changelist"))


def _typed_change(form) -> dict | None:
    """The chosen asset's live price and, once a price is typed, the change it would make.

    Rendered on the page (and updated as one types by risk/js/price_record.js).
    """
    data = getattr(form, "cleaned_data", None) or {}
    asset = data.get("asset")
    if asset is None and not form.is_bound:
        symbol = form.initial.get("asset")
        asset = Asset.objects.select_related("price").filter(symbol=symbol).first() if symbol else None
    live = getattr(asset, "price", None) if asset is not None else None
    if live is None:
        return None
    typed = data.get("price")
    change = f"{price_change(typed, live.price):+.2%}" if typed is not None else None
    return {"asset": asset.symbol, "live": money(live.price), "age": age(live.observed_at), "change": change}


@admin.register(PriceHold)
class PriceHoldAdmin(ReadOnlyAdmin):
    """Prices held back by the sanity band or for want of sources: confirm or reject them here."""

    list_display = (
        "asset",
        "held_price",
        "live_then",
        "change",
        "reason",
        "source",
        "recorded_by",
        "observed",
        "status",
        "resolution",
    )
    list_filter = ("status", "reason")
    list_select_related = ("asset", "observation", "observation__recorded_by", "resolved_by")
    search_fields = ("asset__symbol", "observation__source")
    actions = ["confirm_selected", "reject_selected"]

    def has_confirm_permission(self, request) -> bool:
        return request.user.has_perm(CONFIRM_PRICE)

    @admin.display(description="held price (USDT)", ordering="observation__price")
    def held_price(self, hold: PriceHold) -> str:
        return money(hold.observation.price)

    @admin.display(description="live price then")
    def live_then(self, hold: PriceHold) -> str:
        return money(hold.observation.live_price)

    @admin.display(description="change")
    def change(self, hold: PriceHold) -> str:
        live = hold.observation.live_price
        return f"{price_change(hold.observation.price, live):+.2%}" if live else EMPTY

    @admin.display(description="source", ordering="observation__source")
    def source(self, hold: PriceHold) -> str:
        return hold.observation.source

    @admin.display(description="recorded by")
    def recorded_by(self, hold: PriceHold) -> str:
        user = hold.observation.recorded_by
        return user.username if user else EMPTY

    @admin.display(description="observed", ordering="observation__observed_at")
    def observed(self, hold: PriceHold) -> str:
        return f"{age(hold.observation.observed_at)} ago"

    @admin.action(description="Confirm the selected held prices (they go live)", permissions=["confirm"])
    def confirm_selected(self, request, queryset):
        self._resolve(
            request, queryset, lambda hold: price_hold_confirm(hold_id=hold.pk, staff_user=request.user)
        )

    @admin.action(description="Reject the selected held prices", permissions=["confirm"])
    def reject_selected(self, request, queryset):
        self._resolve(
            request, queryset, lambda hold: price_hold_reject(hold_id=hold.pk, staff_user=request.user)
        )

    def _resolve(self, request, queryset, resolve) -> None:
        done = 0
        for hold in queryset.order_by("id"):
            try:
                resolve(hold)
            except DomainError as error:
                self.message_user(request, f"{hold}: {error.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} held price(s) resolved.", messages.SUCCESS)


@admin.register(PriceObservation)
class PriceObservationAdmin(ReadOnlyAdmin):
    """Every price reported, with who or what reported it and what the desk decided: never edited."""

    list_display = (
        "recorded_at",
        "asset",
        "price_shown",
        "source",
        "recorded_by",
        "decision",
        "live_shown",
        "note",
    )
    list_filter = ("decision", "asset")
    list_select_related = ("asset", "recorded_by")
    search_fields = ("asset__symbol", "source", "note")
    date_hierarchy = "recorded_at"

    @admin.display(description="reported (USDT)", ordering="price")
    def price_shown(self, observation: PriceObservation) -> str:
        return money(observation.price)

    @admin.display(description="live after (USDT)")
    def live_shown(self, observation: PriceObservation) -> str:
        return money(observation.live_price)


@admin.register(RiskSettings)
class RiskSettingsAdmin(ReadableHistoryAdmin):
    """One record: the list page opens it straight away."""

    form = RiskSettingsForm
    fieldsets = (
        (
            "Margin ratio levels",
            {
                "description": "As fractions of liability: 1.25 is a margin ratio of 125%. They must be "
                "ordered: liquidation < margin call ≤ target < borrow and transfer out.",
                "fields": (
                    "borrow_level",
                    "transfer_out_level",
                    "margin_call_level",
                    "target_level",
                    "liquidation_level",
                ),
            },
        ),
        ("Liquidation", {"fields": ("liquidation_fee", "collateral_repay_fee")}),
        ("Prices", {"fields": ("max_price_age", "max_price_move", "price_confirm_window")}),
        (None, {"fields": ("confirm",)}),
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_fieldsets(self, request, obj=None):
        return _without_confirm_unless_editable(self, request, obj, super().get_fieldsets(request, obj))

    def save_model(self, request, obj, form, change):
        """Through ``risk_settings_update``, as the API does."""
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in SETTINGS_FIELDS}
        if changes:
            risk_settings_update(
                actor=request.user,
                confirm=form.cleaned_data.get("confirm", False),
                reason=ADMIN_REASON,
                **changes,
            )

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        record = RiskSettings.load()
        return HttpResponseRedirect(reverse("admin:risk_risksettings_change", args=[record.pk]))

    def response_change(self, request, obj):
        if "_continue" not in request.POST and "_addanother" not in request.POST:
            self.message_user(request, "Risk settings saved.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:risk_risksettings_change", args=[obj.pk]))
        return super().response_change(request, obj)
