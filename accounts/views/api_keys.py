"""API keys page: create a key (its secret is shown once), see the keys, revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View
from django_otp import user_has_device

from accounts.forms.api_keys import ApiKeyCreateForm
from accounts.selectors.api_keys import api_keys_of
from accounts.services.api_keys import api_key_create, api_key_revoke
from accounts.web.access import CustomerRequiredMixin
from accounts.web.errors import form_error_add
from margin_project.errors import DomainError


class ApiKeysView(CustomerRequiredMixin, View):
    template_name = "accounts/api_keys/list.html"
    created_template = "accounts/api_keys/created.html"

    def _page(self, request, form, status: int = 200):
        context = {
            "form": form,
            "keys": api_keys_of(user=request.user),
            "base_url": request.build_absolute_uri("/"),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        two_factor = user_has_device(request.user, confirmed=True)
        return self._page(request, ApiKeyCreateForm(two_factor=two_factor))

    def post(self, request):
        form = ApiKeyCreateForm(request.POST, two_factor=user_has_device(request.user, confirmed=True))
        if not form.is_valid():
            return self._page(request, form, status=400)
        data = form.cleaned_data
        try:
            issued = api_key_create(
                user=request.user,
                label=data["label"],
                permissions=data["permissions"],
                ip_allowlist=data["ip_allowlist"],
                public_key=data["public_key"] or None,
                otp_code=data.get("otp_code"),
                request=request,
            )
        except DomainError as error:
            form_error_add(form, error)
            return self._page(request, form, status=400)
        response = render(
            request,
            self.created_template,
            {"key": issued.api_key, "secret": issued.secret, "base_url": request.build_absolute_uri("/")},
        )
        response["Cache-Control"] = "no-store"  # the secret must not stay in a cache
        return response


class ApiKeyRevokeView(CustomerRequiredMixin, View):
    def post(self, request, key: str):
        try:
            revoked = api_key_revoke(user=request.user, key=key)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Key “{revoked.label}” revoked: it no longer works.")
        return redirect("api-keys-page")
