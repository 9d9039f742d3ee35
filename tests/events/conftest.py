"""Fixtures of the events tests: receivers on 127.0.0.1, a worker on the webhooks queue."""

from __future__ import annotations

import pytest

from .receiver import Receiver, serve


@pytest.fixture(autouse=True)
def _local_receivers_allowed(settings):
    """The tests' receivers listen on http://127.0.0.1; production allows neither."""
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 5
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0.05
    settings.WEBHOOK_RETRY_MAX_SECONDS = 0.2


@pytest.fixture
def receiver():
    receiver = Receiver()
    server = serve(receiver)
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def staff(make_user, market):
    """A risk officer with an authenticator: reads every event, manages webhook endpoints."""
    from django.contrib.auth.models import Group

    from risk.roles import RISK_OFFICER
    from tests.conftest import totp_device

    user = make_user("risk-desk", is_staff=True)
    user.groups.add(Group.objects.get(name=RISK_OFFICER))
    totp_device(user)
    return user


@pytest.fixture
def other(make_user, market):
    return make_user("mallory")


def purge_queues(app) -> None:
    with app.connection_for_write() as conn:
        for queue in (app.conf.task_default_queue, "webhooks"):
            conn.default_channel.queue_purge(queue)


@pytest.fixture
def webhook_worker(transactional_db):
    """A Celery worker thread consuming the default and the webhooks queue from the real broker."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    from margin_project.celery import app
    from tests.workers.conftest import TaskCounter

    purge_queues(app)
    counter = TaskCounter()
    task_postrun.connect(counter, weak=False)
    try:
        with start_worker(
            app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            shutdown_timeout=30,
            loglevel="WARNING",
            queues=[app.conf.task_default_queue, "webhooks"],
        ):
            yield counter
    finally:
        task_postrun.disconnect(counter)
        purge_queues(app)
