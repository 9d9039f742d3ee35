"""Sign in (password, then the second factor when set up), sign out, password change and reset.

django-axes watches every sign-in, the code step included (``margin_project.security``:
one address, one username and the pair each have a limit). The code step is the one
two-factor check every caller uses: wrong codes count, a session gets a few tries, then
it must sign in again.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django_otp import login as otp_login
from django_otp import user_has_device

from accounts.forms import LoginForm, RecoveryCodeForm, TotpCodeForm
from accounts.web.access import CustomerRequiredMixin
from accounts.web.errors import form_error_add
from margin_project.errors import DomainError
from margin_project.security.two_factor import Purpose, TwoFactorLocked, recovery_code_check, totp_check


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
        return self._page(request, TotpCodeForm(), RecoveryCodeForm())

    def _page(self, request, form, recovery_form):
        context = {"form": form, "recovery_form": recovery_form, "next": safe_next(request)}
        return render(request, self.template_name, context)

    def post(self, request):
        if "recovery_code" in request.POST:
            return self.post_recovery_code(request)
        form = TotpCodeForm(request.POST)
        if form.is_valid():
            purpose = Purpose.STAFF_SIGN_IN if request.user.is_staff else Purpose.SIGN_IN
            try:
                device = totp_check(
                    user=request.user, code=form.cleaned_data["otp_code"], purpose=purpose, request=request
                )
            except TwoFactorLocked as error:
                # This half-signed-in session is done: the password is asked again (and counted).
                logout(request)
                messages.error(request, error.message)
                return redirect("login")
            except DomainError as error:
                form_error_add(form, error)
            else:
                otp_login(request, device)
                return redirect(safe_next(request))
        return self._page(request, form, RecoveryCodeForm())

    def post_recovery_code(self, request):
        """The phone is lost: a one-use recovery code instead (sign-in only)."""
        recovery_form = RecoveryCodeForm(request.POST)
        if recovery_form.is_valid():
            try:
                device = recovery_code_check(
                    user=request.user, code=recovery_form.cleaned_data["recovery_code"], request=request
                )
            except TwoFactorLocked as error:
                logout(request)
                messages.error(request, error.message)
                return redirect("login")
            except DomainError as error:
                form_error_add(recovery_form, error)
            else:
                otp_login(request, device)
                messages.warning(
                    request,
                    "You signed in with a recovery code; it will not work again. "
                    "Make new codes on the two-factor page if few are left.",
                )
                return redirect(safe_next(request))
        return self._page(request, TotpCodeForm(), recovery_form)


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
