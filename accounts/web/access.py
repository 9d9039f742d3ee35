"""Who may see the customer pages: signed-in customers, past the second factor if they have one."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device


def needs_second_factor(request) -> bool:
    """True when the user has a confirmed authenticator but this session has not used it yet."""
    user = request.user
    return user_has_device(user, confirmed=True) and not user.is_verified()


class CustomerRequiredMixin(LoginRequiredMixin):
    """A customer page: signed in, second factor done when set up; staff go to the admin.

    Every object a customer page shows is looked up through ``request.user``, so another
    customer's id is simply not found (404).
    """

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.user.is_staff:
            return redirect("admin:index")
        if needs_second_factor(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('login-verify')}?{query}")
        return super().dispatch(request, *args, **kwargs)
