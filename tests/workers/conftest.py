"""A real Celery worker on the configured broker (filesystem by default, Redis in CI's second pass)."""

from __future__ import annotations

import threading
import time

import pytest
from celery.signals import task_postrun
from django.db import connections


class TaskCounter:
    """Counts tasks the worker finished, so tests wait for work rather than for time."""

    def __init__(self):
        self.done = 0
        self.lock = threading.Lock()

    def __call__(self, **kwargs):
        with self.lock:
            self.done += 1
        connections.close_all()  # the worker thread's connection must not outlive the test


def wait_for(predicate, *, timeout: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def purge(app) -> None:
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)


@pytest.fixture
def celery_worker(transactional_db):
    """Start a worker thread consuming from the real broker; yields the finished-task counter."""
    from celery.contrib.testing.worker import start_worker

    from margin_project.celery import app

    purge(app)
    counter = TaskCounter()
    task_postrun.connect(counter, weak=False)
    try:
        with start_worker(
            app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"
        ):
            yield counter
    finally:
        task_postrun.disconnect(counter)
