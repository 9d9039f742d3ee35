"""Setting up the authenticator app: scan the QR code (or type the secret), prove it with a code.

The secret lives only in the session until a valid code proves the app has it; then
``totp_device_create`` stores the device, and this session counts as verified.
"""

from __future__ import annotations

from base64 import b32encode
from binascii import unhexlify

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts.forms import TotpCodeForm
from accounts.services.web_forms import totp_device_create
from accounts.web.access import CustomerRequiredMixin
from accounts.web.errors import form_error_add
from accounts.web.qr import qr_svg
from margin_project.errors import DomainError

from .auth import safe_next

SETUP_KEY = "_totp_setup_key"


def _grouped_secret(key: str) -> str:
    secret = b32encode(unhexlify(key)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class TwoFactorView(CustomerRequiredMixin, View):
    template_name = "accounts/two_factor.html"

    def _device(self, request) -> TOTPDevice | None:
        return TOTPDevice.objects.filter(user=request.user, confirmed=True).first()

    def _context(self, request, form) -> dict:
        key = request.session.get(SETUP_KEY)
        if not key:
            key = random_hex(20)
            request.session[SETUP_KEY] = key
        # Not saved: only used to build the otpauth:// address the app scans.
        url = TOTPDevice(user=request.user, key=key).config_url
        return {
            "form": form,
            "qr": qr_svg(url),
            "secret": _grouped_secret(key),
            "otpauth_url": url,
            "next": safe_next(request, ""),
        }

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
                device = totp_device_create(
                    user=request.user,
                    key=request.session.get(SETUP_KEY, ""),
                    code=form.cleaned_data["otp_code"],
                )
            except DomainError as error:
                form_error_add(form, error)
            else:
                request.session.pop(SETUP_KEY, None)
                otp_login(request, device)
                messages.success(request, "Two-factor authentication is on. Sign-ins will ask for a code.")
                return redirect(safe_next(request, "two-factor"))
        return render(request, self.template_name, self._context(request, form))
