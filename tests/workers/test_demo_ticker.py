"""The demo keeps its prices alive: a real worker and a real beat run the ticker past the maximum age."""

from __future__ import annotations

import random
import threading
import time
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import connections

from accounts.services import loan_borrow
from risk.models import AssetPrice, RiskSettings
from risk.selectors import market_snapshot
from risk.services.demo import demo_anchors, demo_price_next, demo_prices_tick
from tests.helpers import enable_mode, fund_margin
from tests.workers.conftest import wait_for

MAX_AGE = timedelta(seconds=2)


@pytest.fixture
def beat(transactional_db):
    """Starts Celery beat with the database scheduler (django-celery-beat) in a thread.

    Call it once the schedules exist: the scheduler reads them when it starts.
    """
    from celery.beat import Service
    from django_celery_beat.schedulers import DatabaseScheduler

    from margin_project.celery import app

    service = Service(app, scheduler_cls=DatabaseScheduler, max_interval=0.5)
    thread = threading.Thread(target=service.start, name="beat", daemon=True)
    yield thread.start
    service.stop()
    if thread.is_alive():
        thread.join(10)
    connections.close_all()


@pytest.mark.worker
def test_prices_stay_fresh_and_actions_allowed_while_the_ticker_runs(
    settings, market, make_user, celery_worker, beat
):
    settings.DEMO_PRICE_TICKER = True
    RiskSettings.objects.filter(pk=1).update(max_price_age=MAX_AGE)
    call_command("setup_demo_ticker", seconds=1)
    customer = make_user("visitor")
    fund_margin(customer, BTC="1")
    enable_mode(customer)

    beat()
    started = time.monotonic()
    # Run for three times the maximum price age: without the ticker every price would be stale.
    wait_for(
        lambda: (
            time.monotonic() - started > 3 * MAX_AGE.total_seconds()
            and AssetPrice.objects.filter(source="demo-ticker").count() >= 5
        ),
        timeout=60,
        what="the ticker to run past the maximum price age",
    )

    assert market_snapshot().stale == frozenset()
    assert set(AssetPrice.objects.exclude(asset__symbol="USDT").values_list("source", flat=True)) == {
        "demo-ticker"
    }
    result = loan_borrow(user=customer, asset="USDT", amount="1000")  # refused on a stale price
    assert result.amount == D("1000")


@pytest.mark.django_db
def test_the_ticker_does_nothing_when_the_setting_is_off(settings, market):
    from risk.tasks import demo_price_tick

    settings.DEMO_PRICE_TICKER = False
    before = list(AssetPrice.objects.values_list("price", "observed_at"))
    assert demo_price_tick() == 0
    assert list(AssetPrice.objects.values_list("price", "observed_at")) == before


@pytest.mark.django_db
def test_the_schedule_follows_the_setting(settings):
    from django_celery_beat.models import PeriodicTask

    settings.DEMO_PRICE_TICKER = False
    call_command("setup_demo_ticker")
    assert PeriodicTask.objects.get(task="risk.demo_price_tick").enabled is False
    settings.DEMO_PRICE_TICKER = True
    call_command("setup_demo_ticker", seconds=5)
    task = PeriodicTask.objects.get(task="risk.demo_price_tick")
    assert (task.enabled, task.interval.every) == (True, 5)


@pytest.mark.django_db
def test_a_tick_moves_each_price_a_little_and_keeps_it_near_the_demo_price(market):
    before = dict(AssetPrice.objects.values_list("asset__symbol", "price"))
    demo_prices_tick(rng=random.Random(7))
    after = dict(AssetPrice.objects.values_list("asset__symbol", "price"))
    anchors = demo_anchors()
    for symbol, price in after.items():
        if symbol == "USDT":
            assert price == before[symbol]
            continue
        # At most 0.05 % plus 5 % of the way to the demo price.
        bound = before[symbol] * D("0.0005") + abs(anchors[symbol] - before[symbol]) * D("0.05")
        assert abs(price - before[symbol]) <= bound + D("1e-8") * price


def test_the_walk_is_pulled_back_toward_the_demo_price():
    price = D("100")
    for _ in range(200):
        price = demo_price_next(price, D("170"), D("0"))
    assert D("169") < price <= D("170")
