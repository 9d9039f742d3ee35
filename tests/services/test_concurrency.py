"""Requests racing on one account: locks keep the ratio and the books right.

Real threads, each with its own database connection; on PostgreSQL the row locks
decide, on SQLite the IMMEDIATE write lock does.
"""

from decimal import Decimal as D

import pytest
from django.db import connection

from accounts.models import Loan
from accounts.selectors import account_summary, margin_account_for
from accounts.services import loan_borrow, transfer
from margin_project.errors import DomainError
from tests.conftest import market_create
from tests.helpers import assert_ledger_balanced, enable_mode, fund_margin, race


@pytest.fixture
def funded(transactional_db, django_user_model):
    market_create()
    user = django_user_model.objects.create_user("racer", password="pw-Secret-123")
    fund_margin(user, BTC="1")
    enable_mode(user)
    return user


def test_concurrent_borrows_never_exceed_the_borrow_level(funded):
    limit = account_summary(margin_account=margin_account_for(funded)).max_borrowable["USDT"].amount
    each = (limit / 3).quantize(D("1"))  # three fit, the other five must be refused
    results = race(8, lambda i: loan_borrow(user=funded, asset="USDT", amount=each))

    succeeded = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(succeeded) == 3, results
    assert len(refused) == 5, results
    loan = Loan.objects.get(margin_account__user=funded)
    assert loan.principal == 3 * each
    assert account_summary(margin_account=margin_account_for(funded)).valuation.margin_ratio >= D("1.25")
    assert_ledger_balanced()


def test_borrow_racing_transfers_out_keeps_the_ratio(funded):
    def work(i):
        if i % 2:
            return loan_borrow(user=funded, asset="USDT", amount="10000")
        return transfer(user=funded, asset="BTC", amount="0.2", direction="to_spot")

    results = race(6, work)
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, DomainError)], results
    summary = account_summary(margin_account=margin_account_for(funded))
    assert summary.valuation.margin_ratio is None or summary.valuation.margin_ratio >= D("1.25")
    assert_ledger_balanced()


def test_the_configured_database_is_the_one_under_test():
    """Guards CI: the PostgreSQL pass must not silently fall back to SQLite."""
    import os

    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected
