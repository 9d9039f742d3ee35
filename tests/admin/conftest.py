"""Staff users in their groups, logged-in clients, eager Celery, and portfolios built through services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from accounts.services import loan_borrow, transfer
from risk.roles import RISK_OFFICER, SUPPORT
from tests.helpers import enable_mode, fund_margin, staff_sign_in


def staff_in(make_user, username: str, group: str):
    user = make_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def officer(make_user):
    return staff_in(make_user, "rita", RISK_OFFICER)


@pytest.fixture
def support(make_user):
    return staff_in(make_user, "sam", SUPPORT)


@pytest.fixture
def officer_client(client, officer):
    # Signed in past the second factor (staff need it by default); force_login, because
    # django-axes' backend needs a request, which client.login() does not give it.
    staff_sign_in(client, officer)
    return client


@pytest.fixture
def support_client(client, support):
    staff_sign_in(client, support)
    return client


@pytest.fixture
def superuser_client(client, make_user):
    staff_sign_in(client, make_user("root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def eager_celery(settings):
    """Queued tasks run at once, in the test's thread and transaction."""
    from margin_project.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


def borrower(make_user, username: str, *, collateral: dict[str, str], borrow: str, keep_in_margin: str = "0"):
    """A customer who put collateral in margin, borrowed USDT and moved it out to spot.

    What stays in margin is ``keep_in_margin`` USDT: the account then rests on its collateral.
    """
    user = make_user(username)
    fund_margin(user, **collateral)
    enable_mode(user)
    loan_borrow(user=user, asset="USDT", amount=borrow)
    out = Decimal(borrow) - Decimal(keep_in_margin)
    if out:
        transfer(user=user, asset="USDT", amount=str(out), direction="to_spot")
    return user


@pytest.fixture
def alice_with_loan(make_user, market):
    """1 BTC (60 000, factor 0.90) against 40 000 USDT borrowed: ratio 54 000 / 40 004 = 134.98%."""
    return borrower(make_user, "alice", collateral={"BTC": "1"}, borrow="40000")
