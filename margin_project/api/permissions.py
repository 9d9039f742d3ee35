"""Who may call what. Objects of other customers are never found (404), never forbidden (403)."""

from rest_framework.permissions import IsAdminUser, IsAuthenticated

IsCustomer = IsAuthenticated
IsStaff = IsAdminUser

__all__ = ["IsCustomer", "IsStaff"]
