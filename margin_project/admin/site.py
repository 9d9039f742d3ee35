"""The admin site with a second factor for staff (as ``django_otp.admin.OTPAdminSite``, on our one check).

- Staff sign in with their password and the code of their authenticator app, checked by
  ``margin_project.security.two_factor.totp_check`` like every other code (wrong codes
  count, django-axes sees them, a locked step refuses even the right code).
- While ``STAFF_MFA_REQUIRED`` is on (the production default), a session that has not
  given a code is not let in; a staff user with no authenticator yet is sent to enrol
  (the same set-up as the customers' page) and is in once it is proven.
- With it off (``bin/run``'s demo) the password is enough for staff without a device;
  staff who set one up still give its code.

``MarginAdminConfig`` makes this the default ``admin.site``, so every ``@admin.register``
lands here.
"""

from __future__ import annotations

from functools import update_wrapper

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import user_has_device

from margin_project.errors import DomainError
from margin_project.security.enrol import totp_setup_context, totp_setup_finish
from margin_project.security.two_factor import Purpose, code_clean, totp_check

CODE_ATTRS = {"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": r"[0-9 ]*", "size": 8}


def second_factor_missing(request) -> bool:
    """A signed-in staff member who must give a code and whose session has not."""
    user = request.user
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and not user.is_verified()
        and (settings.STAFF_MFA_REQUIRED or user_has_device(user, confirmed=True))
    )


class StaffLoginForm(AdminAuthenticationForm):
    """Username, password and, for staff with an authenticator, its current code."""

    otp_code = forms.CharField(
        label="Authentication code",
        required=False,
        max_length=12,
        strip=True,
        widget=forms.TextInput(attrs=CODE_ATTRS),
        help_text="The 6 digits your authenticator app shows. Not set up yet? Leave it empty: "
        "you will be asked to set it up.",
    )

    def clean(self):
        cleaned = super().clean()  # the password (django-axes counts failures) and is_staff
        user = self.get_user()
        if user is not None and user_has_device(user, confirmed=True):
            try:
                # Read by django-otp when the session is created: it is then verified.
                user.otp_device = totp_check(
                    user=user,
                    code=cleaned.get("otp_code"),
                    purpose=Purpose.STAFF_SIGN_IN,
                    request=self.request,
                )
            except DomainError as error:
                raise forms.ValidationError({"otp_code": error.message}) from None
        return cleaned


class EnrolForm(forms.Form):
    otp_code = forms.CharField(
        label="Authentication code", max_length=12, widget=forms.TextInput(attrs=CODE_ATTRS)
    )

    def clean_otp_code(self) -> str:
        try:
            return code_clean(self.cleaned_data["otp_code"])
        except DomainError as error:
            raise forms.ValidationError(error.message) from None


class MarginAdminSite(admin.AdminSite):
    login_form = StaffLoginForm
    login_template = "admin/login_two_factor.html"

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and not second_factor_missing(request)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            if second_factor_missing(request) and not user_has_device(request.user, confirmed=True):
                return HttpResponseRedirect(reverse("admin:two_factor_enrol", current_app=self.name))
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, inner)

    def get_urls(self):
        enrol = never_cache(csrf_protect(self.enrol_view))
        return [path("two-factor/", enrol, name="two_factor_enrol"), *super().get_urls()]

    def enrol_view(self, request):
        """A staff member with no authenticator sets one up; then the session is verified."""
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return HttpResponseRedirect(reverse("admin:login", current_app=self.name))
        if user_has_device(user, confirmed=True):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        if request.method == "POST" and "logout" in request.POST:
            logout(request)
            return HttpResponseRedirect(reverse("admin:login", current_app=self.name))
        form = EnrolForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                totp_setup_finish(request, code=form.cleaned_data["otp_code"])
            except DomainError as error:
                form.add_error("otp_code", error.message)
            else:
                messages.success(
                    request,
                    "Two-factor authentication is on: from now on the admin asks for your password and "
                    "a code. Each code works once: for your next change, wait for the app's next code.",
                )
                return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        context = {
            **self.each_context(request),
            "title": "Set up two-factor authentication",
            "form": form,
            **totp_setup_context(request),
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/two_factor_enrol.html", context)
