"""No deadlocks, no HTML 500s: one retry for conflicts, locks on the rows meant, JSON for bugs."""

from __future__ import annotations

import logging
import threading

import pytest
from django.db import OperationalError, connection, transaction

from accounts.models import LedgerAccount, LedgerTransaction
from accounts.models.ledger import AccountKind
from accounts.services import deposit_credit, transfer
from accounts.services import transfers as transfers_module
from accounts.services.common import margin_account_lock
from accounts.services.ledger import lock_ledger_accounts
from margin_project import transactions
from margin_project.transactions import atomic_retry, conflict_retryable
from risk.models import Asset
from tests.api.conftest import client_for
from tests.conftest import market_create
from tests.helpers import assert_ledger_balanced, balance

TRANSFERS = "/api/v1/account/transfers/"


class _PgError(Exception):
    def __init__(self, sqlstate: str):
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def database_conflict(sqlstate: str = "40P01") -> OperationalError:
    """What Django raises when PostgreSQL breaks a deadlock (psycopg's error as the cause)."""
    error = OperationalError("deadlock detected\nDETAIL: Process 1 waits for ShareLock")
    error.__cause__ = _PgError(sqlstate)
    return error


def failing_first(times: int, error_factory, real):
    """``real`` wrapped to raise ``error_factory()`` on its first ``times`` calls."""
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= times:
            raise error_factory()
        return real(*args, **kwargs)

    wrapper.calls = calls
    return wrapper


@pytest.fixture
def no_pause(monkeypatch):
    monkeypatch.setattr(transactions, "BACKOFF", 0)


@pytest.fixture
def racer(transactional_db, django_user_model):
    market_create()
    user = django_user_model.objects.create_user("racer", password="pw-Secret-123")
    deposit_credit(user=user, asset="USDT", amount="100", reference="r1")
    return user


@pytest.mark.parametrize(("sqlstate", "retryable"), [("40P01", True), ("40001", True), ("23505", False)])
def test_only_deadlocks_and_serialisation_failures_are_retryable(sqlstate, retryable):
    assert conflict_retryable(database_conflict(sqlstate)) is retryable


def test_a_deadlocked_service_is_run_again_from_the_start_and_moves_money_once(
    racer, monkeypatch, no_pause, caplog
):
    lock = failing_first(2, database_conflict, margin_account_lock)
    monkeypatch.setattr(transfers_module, "margin_account_lock", lock)
    before = LedgerTransaction.objects.count()

    with caplog.at_level(logging.WARNING, logger="margin_project.transactions"):
        transfer(user=racer, asset="USDT", amount="40", direction="to_margin")

    assert lock.calls["n"] == 3
    assert LedgerTransaction.objects.count() == before + 1
    assert balance(racer, AccountKind.MARGIN, "USDT") == 40
    assert sum("retrying the transaction" in r.getMessage() for r in caplog.records) == 2
    assert_ledger_balanced()


def test_a_conflict_that_outlives_every_retry_is_a_503_in_the_json_shape(racer, monkeypatch, no_pause):
    monkeypatch.setattr(
        transfers_module, "margin_account_lock", failing_first(99, database_conflict, margin_account_lock)
    )
    before = LedgerTransaction.objects.count()

    response = client_for(racer).post(
        TRANSFERS, {"asset": "USDT", "amount": "1", "direction": "to_margin"}, format="json"
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert response.json()["error"]["code"] == "busy"
    assert LedgerTransaction.objects.count() == before


def test_other_database_errors_are_not_retried(racer, monkeypatch, no_pause):
    lock = failing_first(1, lambda: OperationalError("disk full"), margin_account_lock)
    monkeypatch.setattr(transfers_module, "margin_account_lock", lock)

    with pytest.raises(OperationalError, match="disk full"):
        transfer(user=racer, asset="USDT", amount="1", direction="to_margin")
    assert lock.calls["n"] == 1


def test_only_the_outermost_transaction_retries(racer, no_pause):
    inner_calls = {"n": 0}

    @atomic_retry
    def inner():
        inner_calls["n"] += 1
        if inner_calls["n"] == 1:
            raise database_conflict()

    @atomic_retry
    def outer():
        inner()

    outer()
    # The inner block failed once inside the outer transaction; the outer one ran again.
    assert inner_calls["n"] == 2


@pytest.mark.django_db
def test_an_unexpected_api_error_is_a_json_500_with_a_correlation_id_in_the_logs(
    customer, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("accounts.api.money_views.transfer", broken)

    with caplog.at_level(logging.ERROR, logger="margin_project.api"):
        response = client_for(customer).post(
            TRANSFERS, {"asset": "BTC", "amount": "1", "direction": "to_margin"}, format="json"
        )

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    correlation = response["X-Correlation-ID"]
    body = response.json()["error"]
    assert body["code"] == "server_error"
    assert correlation in body["message"]
    logged = [r for r in caplog.records if correlation in r.getMessage()]
    assert logged and logged[0].exc_info[0] is RuntimeError


# --- locks (PostgreSQL's row locks; SQLite has one writer at a time) -------------------------


def _locked_elsewhere(model, pk) -> bool:
    """True if another connection cannot lock the row right now."""
    outcome = {}

    def probe():
        try:
            with transaction.atomic():
                model.objects.select_for_update(nowait=True).filter(pk=pk).first()
            outcome["locked"] = False
        except OperationalError:
            outcome["locked"] = True
        finally:
            connection.close()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join(30)
    return outcome["locked"]


@pytest.mark.postgres
def test_locking_ledger_rows_and_the_margin_account_leaves_the_asset_and_user_rows_free(racer):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers as a whole")
    spot = LedgerAccount.objects.get(owner=racer, kind=AccountKind.SPOT)
    with transaction.atomic():
        margin_account_lock(racer)
        lock_ledger_accounts([spot])

        assert _locked_elsewhere(LedgerAccount, spot.pk)
        assert not _locked_elsewhere(Asset, spot.asset_id)
        assert not _locked_elsewhere(type(racer), racer.pk)
