"""The workers for real: a Celery worker consuming from the configured broker.

Tasks are queued exactly as production queues them (after commit, by the services),
and the tests wait for the worker to finish them.
"""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import InterestAccrual, Notification
from accounts.selectors import account_summary, margin_account_for
from accounts.services.interest import interest_accrue_queue
from accounts.tasks import accrue_interest_chunk_task, accrue_interest_task, sweep_all_task
from risk.models import AssetPrice, Liquidation, MarginCall, StaffAlert
from risk.services import price_record
from tests.helpers import assert_ledger_balanced
from tests.workers.conftest import wait_for
from tests.workers.scenarios import LIQUIDATION_PRICE, MARGIN_CALL_PRICE, engine_plan, leveraged_btc_holder

pytestmark = pytest.mark.worker


@pytest.fixture
def borrowers(celery_worker, market, make_user):
    return [leveraged_btc_holder(make_user()) for _ in range(3)]


def settle(counter, *, quiet: float = 1.5, timeout: float = 60) -> None:
    """Wait until the worker has been idle for ``quiet`` seconds (no task finished)."""
    import time

    deadline = time.monotonic() + timeout
    last, since = counter.done, time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        if counter.done != last:
            last, since = counter.done, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
    raise AssertionError("the worker never went quiet")


def test_accrual_delivered_twice_charges_each_loan_once(borrowers, celery_worker):
    tomorrow = timezone.now().date() + timedelta(days=1)
    loans = [account.loans.get() for account in borrowers]
    lo, hi = min(loan.pk for loan in loans), max(loan.pk for loan in loans)
    accrue_interest_chunk_task.delay(tomorrow.isoformat(), lo, hi)
    accrue_interest_chunk_task.delay(tomorrow.isoformat(), lo, hi)  # the same message again
    interest_accrue_queue(day=tomorrow)  # and the scheduled run on top
    accrue_interest_task.delay(tomorrow.isoformat())
    wait_for(lambda: InterestAccrual.objects.filter(day=tomorrow, kind="daily").count() == 3, what="accrual")
    settle(celery_worker)

    for loan in loans:
        assert loan.accruals.filter(day=tomorrow, kind="daily").count() == 1
        assert loan.interest == 2 * D("4")  # the borrow's first day + tomorrow, 40 000 x 0.01%
    assert_ledger_balanced()


def test_price_drop_produces_one_margin_call_one_email_one_notification(borrowers, celery_worker):
    price_record(asset="BTC", price=MARGIN_CALL_PRICE, source="feed")  # the worker sweeps exposed accounts
    wait_for(lambda: len(mail.outbox) == 3, what="three margin-call e-mails")
    sweep_all_task.delay()  # the minute sweep comes along too
    settle(celery_worker)

    assert MarginCall.objects.filter(closed_at=None).count() == 3
    assert Notification.objects.filter(kind="margin_call").count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.user.email for a in borrowers)
    assert len(mail.outbox) == 3


def test_deeper_drop_liquidates_exactly_the_engine_plan(borrowers, celery_worker):
    btc = AssetPrice.objects.filter(asset__symbol="BTC")
    before = btc.get().price
    btc.update(price=LIQUIDATION_PRICE)  # no sweep yet: the plan is computed at the new price
    planned = engine_plan(borrowers[0])
    btc.update(price=before)  # the feed moves it (a sweep follows only a price that changes)
    price_record(asset="BTC", price=LIQUIDATION_PRICE, source="feed")
    wait_for(lambda: Liquidation.objects.count() == 3, what="three liquidations")
    settle(celery_worker)

    liquidation = Liquidation.objects.get(margin_account=borrowers[0])
    sale = liquidation.lines.get(kind="sale")
    assert (sale.quantity, sale.fee_quantity) == (planned.sales[0].quantity, planned.sales[0].fee_quantity)
    repaid = liquidation.lines.get(kind="repayment")
    assert (repaid.interest, repaid.principal) == (
        planned.repayments[0].interest,
        planned.repayments[0].principal,
    )
    ratio = account_summary(margin_account=margin_account_for(borrowers[0].user)).valuation.margin_ratio
    assert ratio == planned.ratio_after >= D("1.10")
    assert_ledger_balanced()


def test_no_liquidation_on_a_stale_price(borrowers, celery_worker, settings):
    AssetPrice.objects.filter(asset__symbol="BTC").update(
        price=LIQUIDATION_PRICE, observed_at=timezone.now() - timedelta(hours=2)
    )
    sweep_all_task.delay()
    wait_for(lambda: StaffAlert.objects.filter(kind="stale_price").exists(), what="stale-price alert")
    settle(celery_worker)

    assert not Liquidation.objects.exists()
    assert StaffAlert.objects.get().asset.symbol == "BTC"
    assert [m.to for m in mail.outbox if m.to == [settings.RISK_DESK_EMAIL]] == [[settings.RISK_DESK_EMAIL]]
