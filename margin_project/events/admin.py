"""The back office's view of events and webhooks: read the outbox, watch and act on endpoints.

Endpoints are registered by their owners (API or web page: the secret is shown to them
once); here staff see failing endpoints first, turn them off and on, and re-send.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.db.models import F
from django.urls import reverse
from django.utils.html import format_html

from margin_project.admin.base import ReadOnlyAdmin, ReadOnlyInline
from margin_project.admin.display import EMPTY
from margin_project.errors import DomainError

from .catalog import CATALOG
from .models import DeliveryAttempt, DeliveryStatus, Event, WebhookDelivery, WebhookEndpoint
from .selectors import endpoint_next_event, events_outbox_lag
from .services import (
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_disable,
    webhook_endpoints_enable,
)
from .urlcheck import webhook_url_check


def _account_link(account_id: int | None) -> str:
    if account_id is None:
        return "house"
    url = reverse("admin:accounts_marginaccount_change", args=[account_id])
    return format_html('<a href="{}">account {}</a>', url, account_id)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("id", "type", "version", "account", "occurred_at")
    list_filter = ("type",)
    search_fields = ("=id", "=account__id", "account__user__username")
    show_full_result_count = False  # the outbox is large: no COUNT(*) per page
    fields = ("id", "type", "version", "account", "occurred_at", "data")
    readonly_fields = fields

    @admin.display(description="account")
    def account(self, event: Event) -> str:
        return _account_link(event.account_id)

    @admin.display(description="payload")
    def data(self, event: Event) -> str:
        return format_html("<pre>{}</pre>", json.dumps(event.payload, indent=2, ensure_ascii=False))


EVENT_TYPE_CHOICES = forms.MultipleChoiceField(
    choices=[(name, name) for name in CATALOG],
    required=False,
    widget=forms.CheckboxSelectMultiple,
    help_text="None ticked: every event (house-wide and every account's, or the one account's).",
)


class EndpointChangeForm(forms.ModelForm):
    event_types = EVENT_TYPE_CHOICES

    class Meta:
        model = WebhookEndpoint
        fields = ("description", "event_types")


class EndpointAddForm(EndpointChangeForm):
    """A staff member registering an endpoint for themselves."""

    url = forms.CharField(label="URL", max_length=500, help_text="https, on a public address.")

    class Meta:
        model = WebhookEndpoint
        fields = ("description", "event_types", "account")

    def clean_url(self):
        try:
            return webhook_url_check(self.cleaned_data.get("url"))
        except DomainError as error:
            raise forms.ValidationError(error.message) from None


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Staff register their own endpoints here (the secret is shown once); customers use their page."""

    form = EndpointChangeForm
    add_form = EndpointAddForm
    list_display = ("url", "owner", "state", "failing_since", "cursor", "waiting", "created_at")
    list_filter = ("is_active",)
    search_fields = ("url", "owner__username")
    raw_id_fields = ("account",)
    add_fields = ("url", "description", "event_types", "account")
    fields = (
        "url",
        "owner",
        "account",
        "description",
        "event_types",
        "is_active",
        "disabled_at",
        "disabled_reason",
        "failing_since",
        "cursor",
        "secret_hint",
        "created_at",
    )
    readonly_fields = (
        "url",
        "owner",
        "account",
        "is_active",
        "disabled_at",
        "disabled_reason",
        "failing_since",
        "cursor",
        "secret_hint",
        "created_at",
    )
    actions = ("disable", "enable", "resend_head")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        account = form.cleaned_data.get("account")
        registered = webhook_endpoint_create(
            owner=request.user,
            url=form.cleaned_data["url"],
            event_types=form.cleaned_data["event_types"],
            description=form.cleaned_data.get("description", ""),
            account_id=account.pk if account else None,
        )
        obj.pk = registered.endpoint.pk
        self.message_user(
            request, f"Signing secret, shown this once — store it now: {registered.secret}", messages.WARNING
        )

    # Failing endpoints first (longest failing on top), then the ones turned off.
    ordering = (F("failing_since").asc(nulls_last=True), "is_active", "id")
    list_select_related = ("owner",)

    def changelist_view(self, request, extra_context=None):
        lag = events_outbox_lag()
        if lag.caught_up:
            title = "Webhook endpoints — every active endpoint is caught up"
        else:
            title = (
                f"Webhook endpoints — outbox lag {int(lag.age.total_seconds())} s "
                f"(oldest undelivered event #{lag.oldest_event_id}; {lag.endpoints_failing} failing)"
            )
        return super().changelist_view(request, {**(extra_context or {}), "title": title})

    @admin.display(description="state")
    def state(self, endpoint: WebhookEndpoint) -> str:
        if not endpoint.is_active:
            return "off"
        return "failing" if endpoint.failing_since else "ok"

    @admin.display(description="next event")
    def waiting(self, endpoint: WebhookEndpoint) -> str:
        event = endpoint_next_event(endpoint) if endpoint.is_active else None
        return EMPTY if event is None else f"#{event.pk} {event.type}"

    @admin.action(description="Turn off the selected endpoints", permissions=["change"])
    def disable(self, request, queryset):
        for endpoint in queryset.filter(is_active=True):
            webhook_endpoint_disable(
                endpoint=endpoint, reason=f"Turned off by {request.user.get_username()}."
            )
        self.message_user(request, "Turned off.", messages.SUCCESS)

    @admin.action(
        description="Turn on the selected endpoints (resume where they stopped)", permissions=["change"]
    )
    def enable(self, request, queryset):
        count = webhook_endpoints_enable(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"Turned on {count} endpoint(s).", messages.SUCCESS)

    @admin.action(
        description="Re-send the delivery each selected endpoint is stuck on", permissions=["change"]
    )
    def resend_head(self, request, queryset):
        stuck = WebhookDelivery.objects.filter(
            endpoint__in=queryset, status__in=[DeliveryStatus.RETRYING, DeliveryStatus.FAILED]
        )
        for delivery in stuck:
            webhook_delivery_resend(delivery=delivery)
        self.message_user(request, f"Queued {len(stuck)} re-send(s).", messages.SUCCESS)


class AttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    fields = ("at", "status_code", "success", "latency_ms", "error", "response_excerpt", "manual")
    readonly_fields = fields
    ordering = ("-at", "-id")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "endpoint",
        "event_id",
        "event_type",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("status",)
    search_fields = ("=event__id", "endpoint__url")
    list_select_related = ("endpoint", "event")
    show_full_result_count = False
    inlines = (AttemptInline,)
    actions = ("resend",)

    @admin.display(description="type")
    def event_type(self, delivery: WebhookDelivery) -> str:
        return delivery.event.type

    def has_resend_permission(self, request) -> bool:
        return request.user.has_perm("events.change_webhookendpoint")

    @admin.action(description="Re-send the selected deliveries now", permissions=["resend"])
    def resend(self, request, queryset):
        deliveries = list(queryset)
        for delivery in deliveries:
            webhook_delivery_resend(delivery=delivery)
        self.message_user(request, f"Queued {len(deliveries)} re-send(s).", messages.SUCCESS)


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdmin):
    list_display = ("at", "delivery", "status_code", "success", "latency_ms", "error", "manual")
    list_filter = ("success", "manual")
    list_select_related = ("delivery__endpoint",)
    show_full_result_count = False
