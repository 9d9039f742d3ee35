"""Who may read events and manage webhooks: customers their own, staff what their role allows.

Customers: their own account's events and their own endpoints (the selectors scope every
query to the caller, so another customer's object is not found). Staff: as every staff
endpoint (``margin_project.api.permissions.StaffPermission``), the Django permissions the
view declares per method (``staff_permissions``, the ones the admin asks for:
``risk/roles.py`` lets support view and risk officers also register and change
endpoints), and the second factor (``X-OTP-Code``) on every change.
"""

from __future__ import annotations

from margin_project.api.permissions import IsCustomer, StaffPermission

VIEW_EVENTS = "events.view_event"
VIEW_ENDPOINTS = "events.view_webhookendpoint"
VIEW_DELIVERIES = "events.view_webhookdelivery"
ADD_ENDPOINTS = "events.add_webhookendpoint"
CHANGE_ENDPOINTS = "events.change_webhookendpoint"


class CustomerOrStaffRole(StaffPermission):
    """A customer (for their own things), or staff holding the declared permissions (+ code on changes)."""

    def has_permission(self, request, view) -> bool:
        if IsCustomer().has_permission(request, view):
            return True
        return super().has_permission(request, view)
