"""Running a money-moving call: the Idempotency-Key, the second factor, one transaction.

Order inside one transaction (retried as a whole on a deadlock):
1. claim the key (a repeat waits for the first, then gets its stored response back);
2. check the TOTP code (consumed, and a failure counted, even when the call is refused);
3. run the service in a savepoint; store the response with the key.
A refused call rolls back its service work and frees its key; the TOTP bookkeeping commits.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db import transaction
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.services.idempotency import (
    Replay,
    idempotency_claim,
    idempotency_release,
    idempotency_store,
    request_fingerprint,
)
from margin_project.errors import DomainError
from margin_project.transactions import run_atomic_retry

from .otp import otp_check

KEY_HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[!-~]{1,255}$")


def idempotency_key(request) -> str | None:
    key = request.headers.get(KEY_HEADER)
    if key is None:
        return None
    if not _KEY.match(key):
        raise ValidationError(
            {KEY_HEADER: ["Use 1-255 printable ASCII characters (a UUID is ideal)."]},
            code="invalid_idempotency_key",
        )
    return key


def money_call(
    request, operation: Callable[[], tuple[int, object]], *, second_factor: bool = True
) -> Response:
    """Run ``operation`` (returns status and body) once per Idempotency-Key, behind the 2FA check."""
    key = idempotency_key(request)

    def attempt() -> Response | DomainError:
        record = None
        if key is not None:
            claimed = idempotency_claim(
                user=request.user,
                key=key,
                fingerprint=request_fingerprint(method=request.method, path=request.path, body=request.data),
                method=request.method,
                path=request.path,
            )
            if isinstance(claimed, Replay):
                return Response(claimed.body, status=claimed.status, headers={"Idempotent-Replayed": "true"})
            record = claimed
        try:
            if second_factor:
                otp_check(request)
            with transaction.atomic():
                status, body = operation()
        except DomainError as exc:
            if record is not None:
                idempotency_release(record)
            return exc  # returned, not raised: the key's release and the 2FA bookkeeping commit
        if record is not None:
            idempotency_store(record, status=status, body=body)
        return Response(body, status=status)

    # The whole call is one transaction, retried as a whole on a deadlock (one place for that).
    outcome = run_atomic_retry(attempt)
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome
