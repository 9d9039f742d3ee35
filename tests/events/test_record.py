"""The outbox: an event exists if and only if its change committed; writes are loud when misused."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import transaction
from django.db.models import Max

from accounts.events import record_interest_charged, status_changed_draft
from accounts.models import InterestAccrual
from accounts.services import loan_borrow
from accounts.services.interest import interest_accrue
from margin_project.errors import RatioTooLow
from margin_project.events.catalog import PayloadInvalid, Types, payload_check
from margin_project.events.models import Event
from margin_project.events.services import (
    EventDraft,
    OutsideTransaction,
    event_record,
    events_record_bulk,
)
from risk.models import StatusChange
from tests.helpers import enable_mode, fund_margin

MODE_ON = {"multi_asset_mode": True}


@pytest.fixture
def borrower(customer):
    fund_margin(customer, BTC="1", ADA="10000")
    enable_mode(customer)
    return customer


def test_recording_outside_a_transaction_fails_loudly(transactional_db):
    with pytest.raises(OutsideTransaction):
        event_record(type=Types.MARGIN_MODE_CHANGED, account_id=None, payload=MODE_ON)
    with pytest.raises(OutsideTransaction):
        events_record_bulk(events=[EventDraft(Types.MARGIN_MODE_CHANGED, None, MODE_ON)])
    assert not Event.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("event_type", "payload"),
    [
        ("loan.nonsense", {}),
        (Types.MARGIN_MODE_CHANGED, {}),
        (Types.MARGIN_MODE_CHANGED, {"multi_asset_mode": "yes"}),
        (Types.MARGIN_MODE_CHANGED, {"multi_asset_mode": True, "extra": 1}),
        (
            Types.TRANSFER_COMPLETED,
            {"transaction_id": 1, "asset": "BTC", "amount": 0.1, "direction": "to_spot"},
        ),
    ],
)
def test_a_payload_off_its_schema_is_refused(event_type, payload):
    with pytest.raises(PayloadInvalid), transaction.atomic():
        event_record(type=event_type, account_id=None, payload=payload)
    assert not Event.objects.exists()


def test_a_committed_change_writes_exactly_one_event(transactional_db, borrower):
    top = Event.objects.aggregate(top=Max("id"))["top"]
    result = loan_borrow(user=borrower, asset="USDT", amount="1000")

    events = list(Event.objects.filter(id__gt=top))
    assert [e.type for e in events] == [Types.LOAN_BORROWED]
    assert events[0].payload["transaction_id"] == result.transaction.pk
    assert events[0].account_id == result.loan.margin_account_id


def test_a_change_rolled_back_writes_no_event(transactional_db, borrower):
    before = list(Event.objects.values_list("id", flat=True))
    with pytest.raises(RuntimeError, match="boom"), transaction.atomic():
        loan_borrow(user=borrower, asset="USDT", amount="1000")
        assert Event.objects.filter(type=Types.LOAN_BORROWED).count() == 1  # inside, it is there
        raise RuntimeError("boom")
    assert list(Event.objects.values_list("id", flat=True)) == before


def test_a_refused_change_writes_no_event(transactional_db, borrower):
    before = Event.objects.count()
    with pytest.raises(RatioTooLow):
        loan_borrow(user=borrower, asset="USDT", amount="10000000")
    assert Event.objects.count() == before


@pytest.mark.django_db
def test_bulk_events_get_increasing_ids_in_list_order(borrower):
    account = borrower.margin_account
    changes = [
        StatusChange(margin_account=account, at=f"2026-01-05T10:00:0{i}Z", from_status="healthy",
                     to_status="margin_call", margin_ratio=D("1.0") + D(i) / 100)
        for i in range(5)
    ]  # fmt: skip
    with transaction.atomic():
        created = events_record_bulk(events=[status_changed_draft(change) for change in changes])
    assert [e.pk for e in created] == sorted(e.pk for e in created)
    assert [e.payload["margin_ratio"] for e in created] == ["1", "1.01", "1.02", "1.03", "1.04"]
    assert all(e.type == Types.MARGIN_STATUS_CHANGED and e.version == 1 for e in created)


@pytest.mark.django_db
def test_the_accruals_events_are_written_set_based_one_per_loan(borrower, make_user):
    from datetime import timedelta

    from django.utils import timezone

    second = make_user()
    fund_margin(second, BTC="1")
    enable_mode(second)
    loan_borrow(user=borrower, asset="USDT", amount="20000")
    loan_borrow(user=second, asset="BTC", amount="0.1")
    day = timezone.now().date() + timedelta(days=1)
    with transaction.atomic():
        result = interest_accrue(day=day)
        written = record_interest_charged(transaction_id=result.transaction_id)

    assert written == 2
    events = list(Event.objects.filter(type=Types.INTEREST_CHARGED).order_by("id"))
    accruals = list(InterestAccrual.objects.filter(day=day, kind="daily").order_by("id"))
    assert [e.payload for e in events] == [
        {
            "loan_id": a.loan_id,
            "transaction_id": a.transaction_id,
            "asset": a.loan.asset.symbol,
            "day": day.isoformat(),
            "rate": format(a.rate.normalize(), "f"),
            "principal": format(a.principal.normalize(), "f"),
            "amount": format(a.amount.normalize(), "f"),
        }
        for a in accruals
    ]
    assert [e.account_id for e in events] == [a.loan.margin_account_id for a in accruals]
    for event in events:
        payload_check(event.type, event.payload)
    assert events[0].payload["amount"] == "2"  # 20 000 USDT x 0.01 %, exact, no trailing zeros
