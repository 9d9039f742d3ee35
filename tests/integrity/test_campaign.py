"""A campaign of concurrent money calls: no deadlock surfaces, no 5xx, the books stay exact.

50 clients (threads, each with its own database connection) make at least 3 000 mixed
money calls through the API (transfers both ways, borrows, repays) and the deposit
service, all on the same house rows (the external world and interest income in USDT).
On PostgreSQL the row locks, the lock order and the one retry decide; SQLite (one writer
at a time) runs a smaller campaign of the same mix.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter
from decimal import Decimal as D

import pytest
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import MarginAccount
from accounts.selectors.positions import account_positions
from accounts.services import deposit_credit, loan_borrow
from risk import engine
from risk.selectors import market_snapshot, thresholds_current
from tests.api.conftest import client_for
from tests.conftest import market_create
from tests.helpers import assert_ledger_balanced, enable_mode, fund_margin, race

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

OPERATIONS = ("to_margin", "to_spot", "borrow", "repay", "deposit", "btc_out", "btc_in")


def campaign_size() -> tuple[int, int]:
    """(clients, calls per client): 50 x 62 on PostgreSQL, a small run on SQLite's single writer."""
    return (50, 62) if connection.vendor == "postgresql" else (8, 15)


def customers(n: int, django_user_model) -> list:
    users = []
    for i in range(n):
        user = django_user_model.objects.create_user(f"client{i}", password="pw-Secret-123")
        deposit_credit(user=user, asset="USDT", amount="50000", reference=f"seed-usdt-{i}")
        deposit_credit(user=user, asset="BTC", amount="1", reference=f"seed-btc-{i}")
        fund_margin(user, BTC="2", USDT="5000")
        enable_mode(user)
        loan_borrow(user=user, asset="USDT", amount="3000")
        # The calls go through the API without a second factor (as the demo's customers).
        TOTPDevice.objects.filter(user=user).delete()
        users.append(user)
    return users


def call(api, operation: str, user, rng: random.Random, i: int, k: int):
    """One money call; returns (operation, status)."""
    amount = str(rng.choice([D("1.5"), D("10"), D("25.12345678"), D("100")]))
    if operation == "deposit":
        deposit_credit(user=user, asset="USDT", amount=amount, reference=f"campaign-{i}-{k}")
        return operation, 201
    if operation in ("to_margin", "to_spot", "btc_out", "btc_in"):
        asset, direction = {
            "to_margin": ("USDT", "to_margin"),
            "to_spot": ("USDT", "to_spot"),
            "btc_out": ("BTC", "to_spot"),
            "btc_in": ("BTC", "to_margin"),
        }[operation]
        if asset == "BTC":
            amount = "0.001"
        body = {"asset": asset, "amount": amount, "direction": direction}
        response = api.post("/api/v1/account/transfers/", body, format="json")
    elif operation == "borrow":
        response = api.post(
            "/api/v1/account/loans/borrow/", {"asset": "USDT", "amount": amount}, format="json"
        )
    else:
        response = api.post(
            "/api/v1/account/loans/repay/", {"asset": "USDT", "amount": amount}, format="json"
        )
    return operation, response.status_code


def test_concurrent_clients_finish_without_a_5xx_a_deadlock_or_a_wrong_balance(
    django_user_model, settings, caplog
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "money": "100000/min",
        },
    }
    market_create()
    clients, calls = campaign_size()
    users = customers(clients, django_user_model)
    apis = [client_for(user) for user in users]
    caplog.set_level(logging.WARNING, logger="margin_project.transactions")

    def work(i: int) -> list[tuple[str, int]]:
        rng = random.Random(i)
        return [call(apis[i], rng.choice(OPERATIONS), users[i], rng, i, k) for k in range(calls)]

    started = time.monotonic()
    results = race(clients, work)
    elapsed = time.monotonic() - started

    crashed = [r for r in results if isinstance(r, Exception)]
    assert not crashed, crashed[:3]
    statuses = Counter(status for outcome in results for _, status in outcome)
    refused = Counter(outcome for outcomes in results for outcome in outcomes if outcome[1] != 201)
    total = sum(statuses.values())
    assert total >= clients * calls
    assert not [s for s in statuses if s >= 500], statuses
    assert statuses[201] >= 0.95 * total, refused  # the mix stays within balances: refusals are rare
    retried = sum("retrying the transaction" in r.getMessage() for r in caplog.records)
    print(f"\ncampaign: {total} calls by {clients} clients in {elapsed:.1f}s; {statuses}; {retried} retries")

    assert_ledger_balanced()
    market, thresholds = market_snapshot(), thresholds_current()
    for account in MarginAccount.objects.filter(user__in=users):
        valuation = engine.value(account_positions(account), market.terms)
        assert (account.collateral_value, account.liability_value, account.margin_ratio, account.status) == (
            valuation.collateral_value,
            valuation.liability,
            valuation.margin_ratio,
            str(engine.status(valuation, thresholds)),
        ), account.user.username
