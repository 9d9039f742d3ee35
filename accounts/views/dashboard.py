"""The dashboard: the unified margin balance, the margin ratio and its status, at a glance."""

from __future__ import annotations

from django.shortcuts import render
from django.views import View

from accounts.selectors import margin_account_for
from accounts.web.access import CustomerRequiredMixin
from accounts.web.dashboard import dashboard_build


class DashboardView(CustomerRequiredMixin, View):
    template_name = "accounts/dashboard.html"

    def get(self, request):
        dashboard = dashboard_build(margin_account=margin_account_for(request.user))
        return render(request, self.template_name, {"d": dashboard})
