"""Webhook signatures: HMAC-SHA256 over a timestamp and the exact body, Stripe's shape.

Header: ``Margin-Signature: t=1767607200,v1=<hex>`` where ``<hex>`` is
HMAC-SHA256(secret, f"{t}." + body). The receiver recomputes it over the raw body and
rejects a mismatch (forged or altered) and a ``t`` too far from its clock (a replay).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "Margin-Signature"
EVENT_ID_HEADER = "Margin-Event-Id"
EVENT_TYPE_HEADER = "Margin-Event-Type"
IDEMPOTENCY_HEADER = "Idempotency-Key"
TOLERANCE_SECONDS = 300
SECRET_PREFIX = "whsec_"


def secret_new() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, body: bytes, timestamp: int) -> str:
    """The header value for ``body`` sent at ``timestamp`` (Unix seconds)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def signature_verify(
    secret: str, body: bytes, header: str, *, tolerance: int = TOLERANCE_SECONDS, now: float | None = None
) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` and its time is within ``tolerance``."""
    parts = dict(item.split("=", 1) for item in (header or "").split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
