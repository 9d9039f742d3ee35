"""One transaction per write, in the money context, retried when the database asks for it.

Every write path (a service, an API money call, a web confirm) runs through
``atomic_retry``: a database transaction entered inside the desk's decimal context.
When it is the outermost transaction and PostgreSQL breaks a deadlock
(SQLSTATE 40P01) or refuses a serialisation (40001) — or SQLite reports its file
locked — the whole transaction is rolled back and run again from the start, a bounded
number of times with a short random pause. Nested inside another ``atomic_retry``
it is a plain savepoint: only the outermost transaction can be retried (the locks
taken before the failure belong to it), so the outermost one owns the retry.

This is the one place deadlocks are handled; callers never see one unless every
attempt failed.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import DEFAULT_DB_ALIAS, DatabaseError, transaction

from .money import money_context

P = ParamSpec("P")
R = TypeVar("R")

logger = logging.getLogger(__name__)

ATTEMPTS = 6
BACKOFF = 0.02  # seconds; doubled each attempt, with jitter so racers do not meet again
RETRY_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure


def conflict_retryable(error: BaseException) -> bool:
    """True for a deadlock or serialisation failure (PostgreSQL) or a locked file (SQLite)."""
    if not isinstance(error, DatabaseError):
        return False
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in RETRY_SQLSTATES:
        return True
    return "database is locked" in str(error) or "database table is locked" in str(error)


def atomic_retry(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator: run ``func`` in one transaction in the money context, retrying conflicts."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if transaction.get_connection(DEFAULT_DB_ALIAS).in_atomic_block:
            with money_context(), transaction.atomic():
                return func(*args, **kwargs)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with money_context(), transaction.atomic():
                    return func(*args, **kwargs)
            except DatabaseError as error:
                if attempt == ATTEMPTS or not conflict_retryable(error):
                    raise
                logger.warning(
                    "%s: %s on attempt %d of %d; retrying the transaction",
                    func.__qualname__,
                    str(error).splitlines()[0],
                    attempt,
                    ATTEMPTS,
                )
                time.sleep(BACKOFF * 2 ** (attempt - 1) * (0.5 + random.random()))
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper


def run_atomic_retry(func: Callable[[], R]) -> R:
    """Run ``func()`` as ``atomic_retry`` would (for wrappers built around a closure)."""
    return atomic_retry(func)()
