"""A worker killed (SIGKILL) in the middle of an accrual chunk leaves nothing half done,
and after a restart every loan is charged exactly once."""

import os
import signal
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import InterestAccrual, LedgerTransaction, Loan
from accounts.tasks import accrue_interest_chunk_task, accrue_interest_task
from tests.helpers import assert_ledger_balanced
from tests.workers.conftest import purge, wait_for
from tests.workers.scenarios import leveraged_btc_holder

pytestmark = pytest.mark.worker
ROOT = Path(__file__).resolve().parents[2]


def worker_process(tmp_path: Path, name: str, **extra_env) -> subprocess.Popen:
    """A real ``celery worker`` process on the test database and the configured broker."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = db["NAME"]
    else:
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env.update(CELERY_BROKER_URL=settings.CELERY_BROKER_URL, CELERY_VISIBILITY_TIMEOUT="2", **extra_env)
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "margin_project", "worker", "--pool=solo",
         "--without-mingle", "--without-gossip", "--loglevel=INFO", f"--hostname={name}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def test_worker_killed_mid_chunk_then_restarted_charges_every_loan_exactly_once(
    transactional_db, market, make_user, tmp_path
):
    from margin_project.celery import app

    accounts = [leveraged_btc_holder(make_user()) for _ in range(4)]
    loans = [account.loans.get() for account in accounts]
    day = timezone.now().date() + timedelta(days=1)
    purge(app)
    marker = tmp_path / "inside-chunk"
    doomed = worker_process(
        tmp_path, "doomed", FAULT_ACCRUAL_PAUSE_SECONDS="120", FAULT_ACCRUAL_PAUSE_MARKER=str(marker)
    )
    try:
        accrue_interest_chunk_task.delay(day.isoformat(), loans[0].pk, loans[-1].pk)
        wait_for(marker.exists, timeout=90, what="the worker to be inside the accrual chunk")
    finally:
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(30)
    assert doomed.returncode == -signal.SIGKILL

    # Killed after writing charges, legs and balances but before commit: nothing remains.
    assert not InterestAccrual.objects.filter(day=day).exists()
    assert not LedgerTransaction.objects.filter(memo__startswith=f"Daily interest for {day}").exists()
    assert all(loan.interest == D("4") for loan in loans)  # only the borrow's first day

    survivor = worker_process(tmp_path, "survivor")
    try:
        # Redis redelivers the unacknowledged message; the hourly healing run is queued as
        # beat would queue it (the embedded filesystem broker does not redeliver).
        accrue_interest_task.delay(day.isoformat())
        wait_for(
            lambda: InterestAccrual.objects.filter(day=day, kind="daily").count() == len(loans),
            timeout=90,
            what="the restarted worker to charge the day",
        )
        accrue_interest_task.delay(day.isoformat())  # and once more: still charged once
        wait_for(lambda: not _queue_has_work(app), timeout=30, what="an empty queue")
    finally:
        survivor.terminate()
        survivor.wait(30)
    for loan in Loan.objects.filter(pk__in=[loan.pk for loan in loans]).select_related("interest_account"):
        assert loan.accruals.filter(day=day, kind="daily").count() == 1
        assert loan.interest == D("8")
    assert_ledger_balanced()


def _queue_has_work(app) -> bool:
    from kombu.exceptions import ChannelError

    with app.connection_for_write() as conn:
        try:
            _, count, _ = conn.default_channel.queue_declare(app.conf.task_default_queue, passive=True)
        except ChannelError:  # Redis drops an empty queue altogether
            return False
    return count > 0
