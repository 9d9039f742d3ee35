"""One-time form tokens: a confirmed money movement runs at most once.

A preview issues a token into the session; the confirm form sends it back. The token
is consumed in the same database transaction as the service call, after locking the
session row, so a double click, a re-post or a browser "resubmit" finds it gone and
does nothing. A refused action (the service raised) keeps its token: nothing happened.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import TypeVar

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from margin_project.transactions import run_atomic_retry

T = TypeVar("T")

SESSION_KEY = "_form_tokens"
MAX_TOKENS = 20  # open previews kept per session; the oldest drop out
TOKEN_TTL = 60 * 60  # seconds a preview stays confirmable


class FormTokenSpent(Exception):
    """The token was already used, has expired, or was never issued to this session."""


def _live(tokens: dict, now: int) -> dict[str, list]:
    return {t: v for t, v in tokens.items() if isinstance(v, list) and now - v[1] < TOKEN_TTL}


def form_token_issue(request, purpose: str) -> str:
    """A fresh token for one confirm form of ``purpose`` (e.g. "borrow")."""
    now = int(time.time())
    tokens = _live(dict(request.session.get(SESSION_KEY, {})), now)
    token = secrets.token_urlsafe(24)
    tokens[token] = [purpose, now]
    newest = sorted(tokens.items(), key=lambda item: item[1][1])[-MAX_TOKENS:]
    request.session[SESSION_KEY] = dict(newest)
    return token


def _tokens_locked(request) -> dict:
    """The session's tokens as stored now, with the session row locked until commit."""
    session = request.session
    if isinstance(session, DatabaseSessionStore) and session.session_key:
        model = session.get_model_class()
        row = model.objects.select_for_update().filter(session_key=session.session_key).first()
        if row is not None:
            return dict(session.decode(row.session_data).get(SESSION_KEY, {}))
    return dict(session.get(SESSION_KEY, {}))


def form_token_run_once(request, *, token: str, purpose: str, action: Callable[[], T]) -> T:
    """Run ``action`` if ``token`` is live for ``purpose``, consuming the token with it.

    Raises ``FormTokenSpent`` (and runs nothing) for a used, expired or unknown token.
    An exception from ``action`` rolls everything back and leaves the token live.
    """
    now = int(time.time())

    def attempt() -> T:
        tokens = _live(_tokens_locked(request), now)
        entry = tokens.get(str(token or ""))
        if entry is None or entry[0] != purpose:
            raise FormTokenSpent
        result = action()
        del tokens[token]
        request.session[SESSION_KEY] = tokens
        if isinstance(request.session, DatabaseSessionStore):
            request.session.save()  # inside the transaction: the spend commits with the action
        return result

    # One transaction for the spend and the action, retried as a whole on a deadlock.
    return run_atomic_retry(attempt)
