"""A delivery worker killed (SIGKILL) mid-request: after a restart every event arrives, in order.

The killed worker's request never got its answer recorded, so its lease runs out and the
event is sent again (at least once: the receiver deduplicates by event id); nothing after
it overtakes it and nothing is lost.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.selectors import margin_account_for
from margin_project.events.catalog import Types
from margin_project.events.models import WebhookEndpoint
from margin_project.events.services import event_record, webhook_endpoint_create
from margin_project.events.tasks import heal_task
from tests.events.conftest import purge_queues
from tests.workers.conftest import wait_for

pytestmark = pytest.mark.worker
ROOT = Path(__file__).resolve().parents[2]


def worker_process(tmp_path: Path, name: str) -> subprocess.Popen:
    """A real ``celery worker`` on the test database, consuming the default and webhooks queues."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = db["NAME"]
    else:
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env.update(
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CELERY_VISIBILITY_TIMEOUT="2",
        WEBHOOK_ALLOW_HTTP="true",
        WEBHOOK_ALLOW_PRIVATE_ADDRESSES="true",
        WEBHOOK_LEASE_SECONDS="3",
        WEBHOOK_TIMEOUT_SECONDS="30",
    )
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "margin_project", "worker", "--pool=solo",
         "-Q", "celery,webhooks", "--without-mingle", "--without-gossip", "--loglevel=INFO",
         f"--hostname={name}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def test_a_worker_killed_mid_delivery_loses_and_reorders_nothing(
    transactional_db, customer, receiver, tmp_path
):
    from margin_project.celery import app

    purge_queues(app)
    in_flight, release = threading.Event(), threading.Event()
    hang_on: list[int] = []
    arrivals: list[int] = []  # in the order requests arrive (the receiver logs them as it answers)

    def answer(headers, body):
        event_id = int(headers["Margin-Event-Id"])
        arrivals.append(event_id)
        if hang_on and event_id == hang_on[0] and not in_flight.is_set():
            in_flight.set()
            release.wait(60)  # the worker is killed while it waits for this answer
        return 200

    receiver.answer = answer
    endpoint = webhook_endpoint_create(owner=customer, url=receiver.url).endpoint
    account = margin_account_for(customer).pk
    doomed = worker_process(tmp_path, "doomed")
    try:
        ids = []
        for n in range(6):
            with transaction.atomic():
                ids.append(
                    event_record(
                        type=Types.MARGIN_MODE_CHANGED,
                        account_id=account,
                        payload={"multi_asset_mode": n % 2 == 0},
                    ).pk
                )
            if n == 0:
                hang_on.append(ids[0] + 2)  # the third event hangs
        wait_for(in_flight.is_set, timeout=90, what="the worker to be inside the third delivery")
    finally:
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(30)
        release.set()
    assert doomed.returncode == -signal.SIGKILL
    assert arrivals == ids[:3]  # two delivered, the third was in flight

    survivor = worker_process(tmp_path, "survivor")
    try:
        # The dead worker's lease runs out; then the minute's healing run (queued here as beat
        # would) wakes the endpoint. On Redis the unacknowledged message also comes back.
        wait_for(
            lambda: (
                (WebhookEndpoint.objects.get(pk=endpoint.pk).lease_until or timezone.now()) <= timezone.now()
            ),
            timeout=30,
            what="the dead worker's lease to run out",
        )
        heal_task.delay()
        wait_for(lambda: ids[-1] in receiver.delivered_ids(), timeout=90, what="every event delivered")
    finally:
        survivor.terminate()
        survivor.wait(30)
        purge_queues(app)

    arrived = list(arrivals)
    assert arrived == sorted(arrived)  # in order, the interrupted one again before the rest
    assert arrived[:4] == [ids[0], ids[1], ids[2], ids[2]]
    assert set(arrived) == set(ids)  # nothing lost
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).cursor == ids[-1]
