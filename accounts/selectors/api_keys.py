"""A customer's API keys, as the key page and the API list them."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import ApiKey


def api_keys_of(*, user) -> QuerySet[ApiKey]:
    """The user's active keys, newest first (revoked keys are kept but not listed)."""
    return ApiKey.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at", "-id")
