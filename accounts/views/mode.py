"""Multi-asset mode: on with a code from the authenticator app, off once nothing is owed."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from django_otp import user_has_device

from accounts.forms import TotpCodeForm
from accounts.selectors import account_positions, margin_account_for
from accounts.services import margin_mode_disable, margin_mode_enable
from accounts.web.access import CustomerRequiredMixin
from accounts.web.errors import form_error_add
from margin_project.errors import DomainError


class ModeView(CustomerRequiredMixin, View):
    template_name = "accounts/mode.html"

    def render_page(self, request, *, form=None, disable_error: str | None = None):
        margin_account = margin_account_for(request.user)
        owed = [p for p in account_positions(margin_account).values() if p.principal or p.interest]
        context = {
            "margin_account": margin_account,
            "has_device": user_has_device(request.user, confirmed=True),
            "form": form or TotpCodeForm(),
            "owed": sorted(owed, key=lambda p: p.symbol),
            "disable_error": disable_error,
        }
        return render(request, self.template_name, context)

    def get(self, request):
        return self.render_page(request)


class ModeEnableView(ModeView):
    def get(self, request):
        return redirect("mode")

    def post(self, request):
        if not user_has_device(request.user, confirmed=True):
            messages.info(
                request, "Set up two-factor authentication first; then enter a code to turn the mode on."
            )
            return redirect(f"{reverse('two-factor')}?{urlencode({'next': reverse('mode')})}")
        form = TotpCodeForm(request.POST)
        if form.is_valid():
            try:
                margin_mode_enable(user=request.user, otp_code=form.cleaned_data["otp_code"], request=request)
            except DomainError as error:
                form_error_add(form, error)
            else:
                messages.success(request, "Multi-asset mode is on: your margin assets are shared collateral.")
                return redirect("mode")
        return self.render_page(request, form=form)


class ModeDisableView(ModeView):
    def get(self, request):
        return redirect("mode")

    def post(self, request):
        try:
            margin_mode_disable(user=request.user)
        except DomainError as error:
            return self.render_page(request, disable_error=error.message)
        messages.success(request, "Multi-asset mode is off.")
        return redirect("mode")
