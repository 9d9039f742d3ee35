"""Liquidations: what was sold and why, for the customer whose account it was."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views import View

from accounts.web.access import CustomerRequiredMixin
from accounts.web.liquidations import liquidation_explain
from risk.models import Liquidation


class LiquidationListView(CustomerRequiredMixin, View):
    template_name = "accounts/liquidations/list.html"

    def get(self, request):
        liquidations = Liquidation.objects.filter(margin_account__user=request.user).order_by(
            "-created_at", "-id"
        )
        page = Paginator(liquidations, 20).get_page(request.GET.get("page"))
        return render(request, self.template_name, {"page": page})


class LiquidationDetailView(CustomerRequiredMixin, View):
    template_name = "accounts/liquidations/detail.html"

    def get(self, request, pk: int):
        # Looked up through the customer: another customer's liquidation is not found (404).
        liquidation = get_object_or_404(
            Liquidation.objects.select_related("margin_call", "transaction"),
            pk=pk,
            margin_account__user=request.user,
        )
        return render(request, self.template_name, {"explained": liquidation_explain(liquidation)})
