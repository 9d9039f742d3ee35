"""A real HTTP receiver on 127.0.0.1 for the webhook tests: records what arrives, answers as told."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def event(self) -> dict:
        return json.loads(self.body)

    @property
    def event_id(self) -> int:
        return int(self.headers["Margin-Event-Id"])


@dataclass
class Receiver:
    """``answer(headers, body) -> status`` decides each response (200 by default)."""

    answer: Callable[[dict[str, str], bytes], int] = lambda headers, body: 200
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def ids(self, *, status: int | None = None) -> list[int]:
        with self.lock:
            return [r.event_id for r in self.received if status is None or r.status == status]

    def delivered_ids(self) -> list[int]:
        """Ids answered 2xx, in arrival order."""
        with self.lock:
            return [r.event_id for r in self.received if 200 <= r.status < 300]


def serve(receiver: Receiver) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k: v for k, v in self.headers.items()}
            status = receiver.answer(headers, body)
            with receiver.lock:
                receiver.received.append(Received(headers, body, status))
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"not now")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
