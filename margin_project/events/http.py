"""The webhook HTTP client: one POST at a time, short timeouts, no redirects, no proxies.

A ``WebhookClient`` keeps its connection to one endpoint open between the events of one
delivery run (a TLS handshake per event would cost more than the event), checks the
address each time it connects (``urlcheck.address_check``), and never raises for
anything a receiver or the network does: every outcome is a ``PostResult``.
"""

from __future__ import annotations

import http.client
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from .urlcheck import InvalidWebhookUrl, address_check

EXCERPT_CHARS = 500
# Read at most this much of an answer; a longer one closes the connection.
MAX_ANSWER_BYTES = 64 * 1024
_RETRYABLE_ON_REUSE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


@dataclass(frozen=True)
class PostResult:
    status: int | None
    latency_ms: int
    excerpt: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class WebhookClient:
    """Posts JSON bodies; reuses the connection while the scheme, host and port stay the same."""

    def __init__(self, *, timeout: float):
        self.timeout = timeout
        self._connection: http.client.HTTPConnection | None = None
        self._key: tuple[str, str, int] | None = None

    def __enter__(self) -> WebhookClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection, self._key = None, None

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> PostResult:
        started = time.monotonic()

        def result(status: int | None, excerpt: str = "", error: str = "") -> PostResult:
            return PostResult(status, int((time.monotonic() - started) * 1000), excerpt, error[:200])

        try:
            parts = urlsplit(url)
            if parts.scheme not in ("https", "http") or not parts.hostname:
                raise InvalidWebhookUrl("Webhook URLs must use https.", field="url")
            key = (parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            reused = self._connection is not None and self._key == key
            if not reused:
                self._connect(key)
            try:
                status, excerpt = self._exchange(path, body, headers)
            except _RETRYABLE_ON_REUSE:
                if not reused:
                    raise
                self._connect(key)  # the receiver closed the idle connection: once more, fresh
                status, excerpt = self._exchange(path, body, headers)
        except InvalidWebhookUrl as exc:
            self.close()
            return result(None, error=exc.message)
        except Exception as exc:  # noqa: BLE001 - timeouts, refused connections, TLS, garbage answers
            self.close()
            return result(None, error=f"{type(exc).__name__}: {exc}")
        return result(status, excerpt, "" if 200 <= status < 300 else f"HTTP {status}")

    def _connect(self, key: tuple[str, str, int]) -> None:
        self.close()
        scheme, host, port = key
        address_check(host, port)
        if scheme == "https":
            self._connection = http.client.HTTPSConnection(
                host, port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            self._connection = http.client.HTTPConnection(host, port, timeout=self.timeout)
        self._key = key

    def _exchange(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        self._connection.request("POST", path, body=body, headers=headers)
        response = self._connection.getresponse()
        answer = response.read(MAX_ANSWER_BYTES)
        if not response.isclosed() or response.will_close:
            self.close()  # an answer too long to finish, or the receiver will not keep the connection
        return response.status, answer.decode("utf-8", "replace")[:EXCERPT_CHARS]
