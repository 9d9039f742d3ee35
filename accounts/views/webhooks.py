"""Webhooks: the customer's endpoints, the secret shown once, deliveries and re-sending them."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from accounts.forms.webhooks import WebhookEndpointForm
from accounts.web.access import CustomerRequiredMixin
from accounts.web.errors import form_error_add
from margin_project.errors import DomainError
from margin_project.events.selectors import deliveries_of, delivery_get, endpoint_get, endpoints_of
from margin_project.events.services import (
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
)

PAGE_SIZE = 20
# The new secret waits in the session for the one page view that shows it.
SECRET_KEY = "webhook_secret_once"


class WebhookListView(CustomerRequiredMixin, View):
    template_name = "webhooks/list.html"

    def render_page(self, request, form=None):
        context = {"endpoints": endpoints_of(user=request.user), "form": form or WebhookEndpointForm()}
        return render(request, self.template_name, context)

    def get(self, request):
        return self.render_page(request)

    def post(self, request):
        form = WebhookEndpointForm(request.POST)
        if form.is_valid():
            try:
                registered = webhook_endpoint_create(
                    owner=request.user,
                    url=form.cleaned_data["url"],
                    event_types=form.cleaned_data["event_types"],
                    description=form.cleaned_data["description"],
                )
            except DomainError as error:
                form_error_add(form, error)
            else:
                request.session[SECRET_KEY] = [registered.endpoint.pk, registered.secret]
                return redirect("webhook-detail", pk=registered.endpoint.pk)
        return self.render_page(request, form)


class WebhookDetailView(CustomerRequiredMixin, View):
    """One endpoint: its secret once after registering, its deliveries with every attempt."""

    template_name = "webhooks/detail.html"

    def get(self, request, pk: int):
        try:
            endpoint = endpoint_get(user=request.user, endpoint_id=pk)
        except DomainError:
            raise Http404("No such webhook endpoint.") from None
        secret = None
        held = request.session.get(SECRET_KEY)
        if held and held[0] == endpoint.pk:
            secret = held[1]
            del request.session[SECRET_KEY]
        page = Paginator(deliveries_of(endpoint=endpoint), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, self.template_name, {"endpoint": endpoint, "secret": secret, "page": page})

    def post(self, request, pk: int):
        action = request.POST.get("action", "")
        try:
            if action == "resend":
                delivery = delivery_get(user=request.user, delivery_id=int(request.POST.get("delivery", "0")))
                if delivery.endpoint_id != pk:
                    raise DomainError("No such delivery.")
                webhook_delivery_resend(delivery=delivery)
                messages.success(request, f"Event #{delivery.event_id} is being sent again.")
            elif action in ("enable", "disable"):
                webhook_endpoint_update(owner=request.user, endpoint_id=pk, is_active=action == "enable")
                messages.success(
                    request, "The endpoint is on." if action == "enable" else "The endpoint is off."
                )
            elif action == "delete":
                webhook_endpoint_delete(owner=request.user, endpoint_id=pk)
                messages.success(request, "The endpoint was deleted.")
                return redirect("webhooks")
        except (DomainError, ValueError):
            raise Http404("No such webhook endpoint or delivery.") from None
        return redirect("webhook-detail", pk=pk)
