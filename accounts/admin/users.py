"""Users: customers and staff. Only superusers manage them; the risk desk may look them up.

Support may reset a customer's two-factor and clear a login lockout from the customer's
page (permissions ``accounts.reset_two_factor`` and ``accounts.clear_lockout``), each with
a reason, recorded in the customer's admin history.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django_otp import devices_for_user

from margin_project.admin.base import operation_page
from margin_project.errors import DomainError
from risk.roles import CLEAR_LOCKOUT, RESET_TWO_FACTOR

from ..forms.support import SupportReasonForm
from ..models import User
from ..services.support import login_failures, login_lockout_clear, two_factor_reset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    change_form_template = "admin/accounts/user/change_form.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:user_id>/two-factor-reset/",
                view(self.two_factor_reset_view),
                name="accounts_user_two_factor_reset",
            ),
            path(
                "<int:user_id>/lockout-clear/",
                view(self.lockout_clear_view),
                name="accounts_user_lockout_clear",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        user = self.get_object(request, object_id)
        if user is not None:
            extra_context = {
                **(extra_context or {}),
                "sign_in": {
                    "devices": [type(d).__name__ for d in devices_for_user(user, confirmed=None)],
                    "failures": login_failures(user=user),
                    "can_reset_two_factor": request.user.has_perm(RESET_TWO_FACTOR),
                    "can_clear_lockout": request.user.has_perm(CLEAR_LOCKOUT),
                },
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def _support_action(
        self, request, user_id: int, *, permission: str, title: str, intro: str, service, done
    ):
        if not request.user.has_perm(permission):
            raise PermissionDenied
        customer = get_object_or_404(User, pk=user_id)
        form = SupportReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                count = service(user=customer, actor=request.user, reason=form.cleaned_data["reason"])
            except DomainError as error:
                form.add_error("reason", error.message)
            else:
                self.message_user(request, done(customer, count), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[customer.pk]))
        return operation_page(
            self, request, form=form, title=f"{title}: {customer.username}", intro=intro, submit_label=title
        )

    def two_factor_reset_view(self, request, user_id: int):
        return self._support_action(
            request,
            user_id,
            permission=RESET_TWO_FACTOR,
            title="Reset two-factor",
            intro="Removes the customer's authenticator and recovery codes: they sign in with their "
            "password and set two-factor up again. Do this only after checking who is asking.",
            service=two_factor_reset,
            done=lambda user, count: f"Two-factor reset for {user.username} ({count} device(s) removed).",
        )

    def lockout_clear_view(self, request, user_id: int):
        return self._support_action(
            request,
            user_id,
            permission=CLEAR_LOCKOUT,
            title="Clear login lockout",
            intro="Forgets the failed sign-ins that lock the customer out, so they can try again now.",
            service=login_lockout_clear,
            done=lambda user, count: f"Login lockout cleared for {user.username} ({count} record(s)).",
        )
