"""Setting up the authenticator app: scan the QR code (or type the secret), prove it with a code.

The set-up itself (``margin_project.security.enrol``) is shared with the staff enrolment
page of the admin. Once it is on, the customer gets recovery codes, shown once.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import TotpCodeForm
from accounts.services.recovery_codes import recovery_codes_issue, recovery_codes_left
from accounts.web.access import CustomerRequiredMixin
from accounts.web.errors import form_error_add
from margin_project.errors import DomainError
from margin_project.security.enrol import totp_setup_context, totp_setup_finish

from .auth import safe_next

CODES_KEY = "_recovery_codes"  # new codes wait here until their page shows them, once


class TwoFactorView(CustomerRequiredMixin, View):
    template_name = "accounts/two_factor.html"

    def _device(self, request) -> TOTPDevice | None:
        return TOTPDevice.objects.filter(user=request.user, confirmed=True).first()

    def _context(self, request, form) -> dict:
        return {"form": form, "next": safe_next(request, ""), **totp_setup_context(request)}

    def get(self, request):
        device = self._device(request)
        if device is not None:
            return render(
                request,
                self.template_name,
                {"device": device, "recovery_left": recovery_codes_left(user=request.user)},
            )
        return render(request, self.template_name, self._context(request, TotpCodeForm()))

    def post(self, request):
        if self._device(request) is not None:
            return redirect("two-factor")
        form = TotpCodeForm(request.POST)
        if form.is_valid():
            try:
                totp_setup_finish(request, code=form.cleaned_data["otp_code"])
            except DomainError as error:
                form_error_add(form, error)
            else:
                request.session[CODES_KEY] = recovery_codes_issue(user=request.user)
                messages.success(
                    request,
                    "Two-factor authentication is on. Sign-ins will ask for a code. Each code works "
                    "once: for the next step (such as multi-asset mode) wait for the app's next code.",
                )
                next_url = safe_next(request, reverse("two-factor"))
                return redirect(f"{reverse('two-factor-recovery')}?{urlencode({'next': next_url})}")
        return render(request, self.template_name, self._context(request, form))


class RecoveryCodesView(CustomerRequiredMixin, View):
    """New recovery codes, shown once; a POST replaces them (the old ones stop working)."""

    template_name = "accounts/recovery_codes.html"

    def get(self, request):
        codes = request.session.pop(CODES_KEY, None)
        return render(
            request,
            self.template_name,
            {
                "codes": codes,
                "left": recovery_codes_left(user=request.user),
                "next": safe_next(request, reverse("two-factor")),
            },
        )

    def post(self, request):
        try:
            request.session[CODES_KEY] = recovery_codes_issue(user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("two-factor")
        return redirect("two-factor-recovery")
