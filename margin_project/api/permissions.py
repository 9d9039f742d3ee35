"""Who may call what. Objects of other customers are never found (404), never forbidden (403).

- ``IsCustomer`` (the default of every view): a signed-in customer. Staff are refused: the
  customer endpoints act on the caller's own money, and staff hold none.
- ``IsSignedIn``: anyone signed in, staff included (their own tokens, the asset list).
- ``StaffPermission``: deny by default. The view declares, per HTTP method, the Django
  permissions the caller needs (``staff_permissions``): the same ones the admin asks for
  the same action (``risk/roles.py``). A method it does not list is refused to everyone,
  superusers included, so an endpoint added without its rule cannot be called. Changes
  (any method but GET/HEAD/OPTIONS) also need the second factor in ``X-OTP-Code``.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from margin_project.security.two_factor import Purpose, second_factor_check

OTP_HEADER = "X-OTP-Code"


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


class IsCustomer(BasePermission):
    """A signed-in customer (not staff)."""

    message = "This endpoint is for customers; staff use the staff endpoints."

    def has_permission(self, request, view) -> bool:
        return _signed_in(request.user) and not request.user.is_staff


class IsSignedIn(BasePermission):
    """Anyone signed in: a customer or staff."""

    def has_permission(self, request, view) -> bool:
        return _signed_in(request.user)


def required_permissions(view, method: str) -> tuple[str, ...] | None:
    """What ``view`` declares for ``method`` (HEAD and OPTIONS read as GET); None when nothing."""
    declared = getattr(view, "staff_permissions", None) or {}
    method = "GET" if method in ("HEAD", "OPTIONS") else method
    needed = declared.get(method)
    if needed is None:
        return None
    return (needed,) if isinstance(needed, str) else tuple(needed)


class StaffPermission(BasePermission):
    """Staff holding every permission the view declares for this method; then the second factor.

    ``staff_permissions = {"GET": VIEW_ACCOUNTS, "POST": (ADD_ASSET, ADD_TIERS)}`` on the view.
    A view whose change checks the code itself, later in the request (``money_call``, so an
    idempotent replay needs no fresh code), sets ``second_factor_in_view = True``.
    """

    message = "Your staff role does not allow this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        needed = required_permissions(view, request.method)
        if not (_signed_in(user) and user.is_staff and needed is not None and user.has_perms(needed)):
            return False
        if request.method not in SAFE_METHODS and not getattr(view, "second_factor_in_view", False):
            # Raises TwoFactorRequired/Invalid/Locked (403/429 in the API's error shape).
            second_factor_check(
                user=user,
                code=request.headers.get(OTP_HEADER, ""),
                purpose=Purpose.STAFF_API,
                request=request,
            )
        return True


# Before roles were enforced on the API every staff endpoint said ``IsStaff``; there is no such
# shortcut any more: a staff endpoint names its permissions.
__all__ = ["IsCustomer", "IsSignedIn", "StaffPermission", "required_permissions"]
