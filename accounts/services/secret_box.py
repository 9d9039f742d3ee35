"""Encryption at rest of API key secrets (Fernet: AES-128-CBC + HMAC-SHA256, from ``cryptography``).

The keys come from ``settings.API_KEY_ENCRYPTION_KEY`` (a list: the first encrypts, every
one decrypts, so keys rotate without re-issuing API keys). Without a configured key a
demo key is derived from ``SECRET_KEY``; production refuses to start without one.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _cipher() -> MultiFernet:
    keys = list(settings.API_KEY_ENCRYPTION_KEY or [])
    if not keys:
        digest = hashlib.sha256(b"api-key-secrets:" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "API_KEY_ENCRYPTION_KEY must be Fernet keys (urlsafe base64 of 32 bytes)."
        ) from exc


def secret_encrypt(secret: str) -> str:
    return _cipher().encrypt(secret.encode()).decode()


def secret_decrypt(token: str) -> str | None:
    """The secret, or None when no configured key opens the token (a key was dropped)."""
    try:
        return _cipher().decrypt(token.encode()).decode()
    except InvalidToken:
        return None
