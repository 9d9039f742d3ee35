"""Sign in (password, then the second factor when set up), sign out, password change and reset.

django-axes watches every sign-in: after ``AXES_FAILURE_LIMIT`` failures for one
username from one address, that pair is locked out for the cool-off time.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django_otp import login as otp_login
from django_otp import user_has_device

from accounts.forms import LoginForm, TotpCodeForm
from accounts.services.web_forms import totp_device_match
from accounts.web.access import CustomerRequiredMixin
from accounts.web.errors import form_error_add
from margin_project.errors import DomainError


def safe_next(request, default: str = "/") -> str:
    """The ``next`` parameter when it points into this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class LoginView(auth_views.LoginView):
    template_name = "accounts/auth/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if user_has_device(form.get_user(), confirmed=True):
            query = urlencode({"next": self.get_success_url()})
            return HttpResponseRedirect(f"{reverse('login-verify')}?{query}")
        return response


class LoginVerifyView(View):
    """The second step of signing in: the code from the authenticator app."""

    template_name = "accounts/auth/verify.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("login")
        if request.user.is_verified() or not user_has_device(request.user, confirmed=True):
            return redirect(safe_next(request))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": TotpCodeForm(), "next": safe_next(request)})

    def post(self, request):
        form = TotpCodeForm(request.POST)
        if form.is_valid():
            try:
                device = totp_device_match(user=request.user, code=form.cleaned_data["otp_code"])
            except DomainError as error:
                form_error_add(form, error)
            else:
                otp_login(request, device)
                return redirect(safe_next(request))
        return render(request, self.template_name, {"form": form, "next": safe_next(request)})


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("login")

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You are signed out.")
        return response


class PasswordChangeView(CustomerRequiredMixin, auth_views.PasswordChangeView):
    template_name = "accounts/auth/password_change.html"
    success_url = reverse_lazy("dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password was changed.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/auth/password_reset.html"
    email_template_name = "accounts/auth/password_reset_email.txt"
    subject_template_name = "accounts/auth/password_reset_subject.txt"
    success_url = reverse_lazy("password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/auth/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/auth/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/auth/password_reset_complete.html"
