"""Admins of third-party apps, put right where their defaults do not fit the desk's roles.

- django-celery-beat offers "run", "enable", "disable" and "toggle" on periodic tasks to
  anyone who can open the list: support (view only) could stop the margin sweep or run an
  accrual. Here those actions need the permission to change a periodic task, as the risk
  officer has (``risk/roles.py``).
- django-axes' "clean up expired attempts" action reads request attributes only its own
  middleware path sets, so it failed with a 500; here it runs through our lockout handler.
"""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.contrib import admin
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from margin_project.security.lockout import LockoutHandler

TASK_ACTIONS = ("enable_tasks", "disable_tasks", "toggle_tasks", "run_tasks")


class GuardedPeriodicTaskAdmin(PeriodicTaskAdmin):
    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_change_permission(request):
            for name in TASK_ACTIONS:
                actions.pop(name, None)
        return actions


class LockoutAttemptAdmin(AccessAttemptAdmin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.handler = LockoutHandler()

    @admin.action(description="Clean up expired attempts")
    def cleanup_expired_attempts(self, request, queryset):
        AxesProxyHandler.update_request(request)
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(request, f"Cleaned up {count} expired access attempts.")


def third_party_register(site: admin.AdminSite) -> None:
    """Replace the packages' admins (called once every app's admin module is loaded)."""
    replacements = ((PeriodicTask, GuardedPeriodicTaskAdmin), (AccessAttempt, LockoutAttemptAdmin))
    for model, model_admin in replacements:
        if site.is_registered(model):
            site.unregister(model)
        site.register(model, model_admin)
