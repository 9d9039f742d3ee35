"""API tokens (DRF's ``Token``: one per user): issue, list, revoke; revoked when the password changes."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from rest_framework.authtoken.models import Token

from margin_project.api.authentication import token_expired
from margin_project.errors import NotFound

PREFIX_LENGTH = 8


def api_token_issue(*, user) -> tuple[Token, bool]:
    """The user's token, created on first use (or anew once expired); ``True`` when it is new."""
    with transaction.atomic():
        token, created = Token.objects.select_for_update().get_or_create(user=user)
        if not created and token_expired(token):
            token.delete()
            token, created = Token.objects.create(user=user), True
        return token, created


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


def api_tokens_revoke_all(*, user) -> int:
    """Delete every token of ``user`` (their password changed); how many there were."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted


class TokensRevokedOnPasswordChange:
    """A password "validator" that validates nothing: it revokes the user's tokens after a change.

    Django calls ``password_changed`` on every ``AUTH_PASSWORD_VALIDATORS`` entry once a new
    password is saved (``set_password`` then ``save``): the change page, a reset link, the
    admin, ``manage.py changepassword``. A login that only re-hashes the same password does
    not call it.
    """

    def validate(self, password, user=None) -> None:
        return None

    def password_changed(self, password, user=None) -> None:
        if user is not None and user.pk is not None:
            api_tokens_revoke_all(user=user)

    def get_help_text(self) -> str:
        return "Changing your password also revokes your API tokens."
