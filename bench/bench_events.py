"""Benchmark the event outbox: webhook deliveries per second, and its cost on the nightly accrual.

1. Delivery: writes E events (as the batch sweep writes its status changes: one bulk
   insert), registers endpoints on a local receiver (127.0.0.1, answers 200 and checks
   every signature) and runs the in-order deliverer as a worker does: one endpoint, then
   several endpoints at once on threads (the webhooks worker runs a thread pool).
2. Accrual: builds N accounts with a loan (bench_workers.build) and times the nightly
   accrual of one day without events and of the next day with its per-loan
   ``loan.interest_charged`` events written set-based in the same transaction
   (``accounts.events.record_interest_charged``, the call the accrual will make), twice
   each, alternating; prints the ratio.

Usage (PostgreSQL; a scratch database, it is flushed):
    createdb -h 127.0.0.1 -U postgres margin_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/margin_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/margin_bench \\
        .venv/bin/python bench/bench_events.py --events 3000 --endpoints 4 --accounts 20000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "margin_project.settings")
# The after-commit dispatch only queues (into a scratch folder): the bench runs the deliverer itself.
os.environ["CELERY_BROKER_URL"] = "filesystem://"
os.environ.setdefault("CELERY_BROKER_DIR", tempfile.mkdtemp(prefix="bench-broker-"))
os.environ.setdefault("WEBHOOK_ALLOW_HTTP", "true")
os.environ.setdefault("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "true")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.events import record_interest_charged  # noqa: E402
from accounts.services.interest import interest_accrue, loan_id_chunks  # noqa: E402
from bench.bench_workers import build  # noqa: E402
from margin_project.events.catalog import Types  # noqa: E402
from margin_project.events.models import Event, WebhookEndpoint  # noqa: E402
from margin_project.events.services import (  # noqa: E402
    EventDraft,
    events_record_bulk,
    webhook_endpoint_create,
    webhook_endpoint_deliver,
)
from margin_project.events.signing import signature_verify  # noqa: E402


class Receiver:
    def __init__(self):
        self.count = 0
        self.bad = 0
        self.secrets: list[str] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real receivers do

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                header = self.headers.get("Margin-Signature", "")
                ok = any(signature_verify(s, body, header) for s in receiver.secrets)
                with receiver.lock:
                    receiver.count += 1
                    receiver.bad += not ok
                self.send_response(200 if ok else 400)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def timed(label: str, fn):
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    print(f"{label:<58} {elapsed:8.2f} s   {result(elapsed) if callable(result) else result}", flush=True)
    return elapsed


def drain(endpoint_id: int, last_id: int) -> None:
    while WebhookEndpoint.objects.filter(pk=endpoint_id).values_list("cursor", flat=True)[0] < last_id:
        webhook_endpoint_deliver(endpoint_id=endpoint_id, max_events=10**9, budget_seconds=10**9)
    connections.close_all()


def delivery(events: int, endpoints: int) -> None:
    call_command("flush", "--no-input", verbosity=0)
    call_command("seed_demo", "--no-customers", verbosity=0)
    receiver = Receiver()
    desk = get_user_model().objects.create_user("bench-desk", is_staff=True, is_superuser=True)
    now = timezone.now()
    payload = {"asset": "BTC", "price": "60000.5", "source": "bench", "observed_at": "2026-01-05T10:00:00Z"}

    def write() -> str:
        with transaction.atomic():
            events_record_bulk(events=[EventDraft(Types.PRICE_RECORDED, None, payload, now)] * events)
        return f"{events} events, one bulk insert"

    def register(n: int) -> list[int]:
        ids = []
        for _ in range(n):
            registered = webhook_endpoint_create(
                owner=desk, url=receiver.url, event_types=[Types.PRICE_RECORDED]
            )
            receiver.secrets.append(registered.secret)
            ids.append(registered.endpoint.pk)
        WebhookEndpoint.objects.filter(pk__in=ids).update(cursor=first - 1)
        return ids

    first = Event.objects.count() + 1
    timed("write events (bulk, as the batch sweep will)", write)
    first = Event.objects.order_by("-id").values_list("id", flat=True)[events - 1]
    last = Event.objects.order_by("-id").values_list("id", flat=True)[0]

    [single] = register(1)
    timed(
        "deliver to 1 endpoint (one deliverer)",
        lambda: drain(single, last) or (lambda s: f"{events / s:.0f} events/s"),
    )
    many = register(endpoints)
    before = receiver.count

    def parallel():
        threads = [threading.Thread(target=drain, args=(endpoint_id, last)) for endpoint_id in many]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        delivered = receiver.count - before
        return lambda s: f"{delivered} deliveries, {delivered / s:.0f} events/s ({endpoints} threads)"

    timed(f"deliver to {endpoints} endpoints at once", parallel)
    if receiver.bad:
        sys.exit(f"{receiver.bad} deliveries had a bad signature")
    receiver.server.shutdown()


def accrual(accounts: int) -> None:
    timed(f"build {accounts} accounts with a loan (SQL bulk)", lambda: build(accounts) or "done")
    today = timezone.now().date()
    times = {False: [], True: []}
    for n, with_events in enumerate([False, True, False, True], start=1):
        day = today + timedelta(days=n)

        def run(day=day, with_events=with_events) -> str:
            charged = written = 0
            for lo, hi in loan_id_chunks():
                with transaction.atomic():
                    result = interest_accrue(day=day, loan_id_from=lo, loan_id_to=hi)
                    charged += result.loans_charged
                    if with_events and result.transaction_id:
                        written += record_interest_charged(transaction_id=result.transaction_id)
            return f"{charged} loans charged, {written} events"

        label = f"accrual of {day} {'with' if with_events else 'without'} events"
        times[with_events].append(timed(label, run))
    ratio = sum(times[True]) / sum(times[False])
    print(f"{'accrual with events / without':<58} {ratio:8.2f} x", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--endpoints", type=int, default=4)
    parser.add_argument("--accounts", type=int, default=20_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run the benchmark on PostgreSQL (DATABASE_URL=postgres://...).")
    delivery(args.events, args.endpoints)
    accrual(args.accounts)


if __name__ == "__main__":
    main()
