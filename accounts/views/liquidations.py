"""Liquidations: what was sold and why, for the customer whose account it was."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views import View

from accounts.selectors.account_risk import liquidations_of
from accounts.web.access import CustomerRequiredMixin
from accounts.web.liquidations import liquidation_explain


class LiquidationListView(CustomerRequiredMixin, View):
    template_name = "accounts/liquidations/list.html"

    def get(self, request):
        # The API's selector: the same records, in the same order.
        liquidations = liquidations_of(user=request.user)
        page = Paginator(liquidations, 20).get_page(request.GET.get("page"))
        return render(request, self.template_name, {"page": page})


class LiquidationDetailView(CustomerRequiredMixin, View):
    template_name = "accounts/liquidations/detail.html"

    def get(self, request, pk: int):
        # Looked up through the customer: another customer's liquidation is not found (404).
        liquidation = get_object_or_404(
            liquidations_of(user=request.user).select_related("margin_call", "transaction"), pk=pk
        )
        return render(request, self.template_name, {"explained": liquidation_explain(liquidation)})
