"""Setting up the authenticator app: scan the QR code (or type the secret), prove it with a code.

The set-up itself (``margin_project.security.enrol``) is shared with the staff enrolment
page of the admin.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import TotpCodeForm
from accounts.web.access import CustomerRequiredMixin
from accounts.web.errors import form_error_add
from margin_project.errors import DomainError
from margin_project.security.enrol import totp_setup_context, totp_setup_finish

from .auth import safe_next


class TwoFactorView(CustomerRequiredMixin, View):
    template_name = "accounts/two_factor.html"

    def _device(self, request) -> TOTPDevice | None:
        return TOTPDevice.objects.filter(user=request.user, confirmed=True).first()

    def _context(self, request, form) -> dict:
        return {"form": form, "next": safe_next(request, ""), **totp_setup_context(request)}

    def get(self, request):
        device = self._device(request)
        if device is not None:
            return render(request, self.template_name, {"device": device})
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
                messages.success(
                    request,
                    "Two-factor authentication is on. Sign-ins will ask for a code. Each code works "
                    "once: for your next step, wait for the app's next code.",
                )
                return redirect(safe_next(request, "two-factor"))
        return render(request, self.template_name, self._context(request, form))
