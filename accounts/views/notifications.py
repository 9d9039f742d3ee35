"""In-app alerts: margin calls, liquidations; mark them read."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views import View

from accounts.selectors import notifications_for
from accounts.services import notifications_mark_read
from accounts.web.access import CustomerRequiredMixin

PAGE_SIZE = 20


class NotificationListView(CustomerRequiredMixin, View):
    template_name = "accounts/notifications.html"

    def get(self, request):
        page = Paginator(notifications_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, self.template_name, {"page": page})


class NotificationReadView(CustomerRequiredMixin, View):
    """Mark one alert (``id``) or all of them (``all``) read; others' ids are ignored by the service."""

    def post(self, request):
        raw = request.POST.get("id", "").strip()
        if raw.isdigit():
            notifications_mark_read(user=request.user, ids=[int(raw)])
        elif request.POST.get("all") and not raw:
            notifications_mark_read(user=request.user)
        return redirect("alerts")
