"""API tokens (DRF's ``Token``: one per user): issue, list, revoke."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from rest_framework.authtoken.models import Token

from margin_project.errors import NotFound

PREFIX_LENGTH = 8


def api_token_issue(*, user) -> tuple[Token, bool]:
    """The user's token, created on first use; ``True`` when it is new."""
    with transaction.atomic():
        return Token.objects.get_or_create(user=user)


def api_tokens_list(*, user) -> QuerySet[Token]:
    return Token.objects.filter(user=user).order_by("created")


def api_token_prefix(token: Token) -> str:
    """What lists show instead of the secret: its first characters."""
    return token.key[:PREFIX_LENGTH]


def api_token_revoke(*, user, prefix: str) -> None:
    """Delete the user's token that starts with ``prefix``; another user's is never found."""
    if len(prefix) != PREFIX_LENGTH:
        raise NotFound("No such token.", field="prefix")
    deleted, _ = Token.objects.filter(user=user, key__startswith=prefix).delete()
    if not deleted:
        raise NotFound("No such token.", field="prefix")
