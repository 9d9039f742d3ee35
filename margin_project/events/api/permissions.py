"""Who may read events and manage webhooks.

Customers: their own account's events and their own endpoints (the selectors scope every
query to the caller, so another customer's object is not found). Staff: what their role
allows, declared per HTTP method on the view (``staff_permissions``), the same Django
permissions the admin asks for (``risk/roles.py``: support views, risk officers also
register and change endpoints); a method not declared is refused to staff.
"""

from __future__ import annotations

from rest_framework.permissions import BasePermission

VIEW_EVENTS = "events.view_event"
VIEW_ENDPOINTS = "events.view_webhookendpoint"
VIEW_DELIVERIES = "events.view_webhookdelivery"
ADD_ENDPOINTS = "events.add_webhookendpoint"
CHANGE_ENDPOINTS = "events.change_webhookendpoint"


class CustomerOrStaffRole(BasePermission):
    message = "Your staff role does not allow this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if not user.is_staff:
            return True
        method = "GET" if request.method in ("HEAD", "OPTIONS") else request.method
        needed = (getattr(view, "staff_permissions", None) or {}).get(method)
        if needed is None:
            return False
        return user.has_perms((needed,) if isinstance(needed, str) else tuple(needed))
