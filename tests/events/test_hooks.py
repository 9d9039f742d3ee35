"""Each business change writes exactly one event of its type, with the record's numbers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db.models import Max
from django.utils import timezone

from accounts.services import (
    deposit_credit,
    loan_borrow,
    loan_repay,
    margin_mode_disable,
    transfer,
    withdrawal_create,
)
from margin_project.events.catalog import Types, payload_check
from margin_project.events.models import Event
from risk.services import price_record
from risk.services.alerts import stale_price_alert
from risk.services.configuration import asset_create, asset_tiers_replace, asset_update, risk_settings_update
from tests.helpers import enable_mode, fund_margin

pytestmark = pytest.mark.django_db


class New:
    """The events written inside the ``with`` block."""

    def __enter__(self):
        self.top = Event.objects.aggregate(top=Max("id"))["top"] or 0
        return self

    def __exit__(self, *exc):
        self.events = list(Event.objects.filter(id__gt=self.top).order_by("id"))
        for event in self.events:
            payload_check(event.type, event.payload)

    @property
    def one(self) -> Event:
        assert len(self.events) == 1, [e.type for e in self.events]
        return self.events[0]


@pytest.fixture
def borrower(customer):
    fund_margin(customer, BTC="1", ADA="10000")
    enable_mode(customer)
    return customer


def test_deposit_credited_once_per_reference(customer):
    with New() as new:
        txn = deposit_credit(user=customer, asset="BTC", amount="1.50", reference="0xabc")
    assert new.one.type == Types.DEPOSIT_CREDITED
    assert new.one.account_id == customer.margin_account.pk
    assert new.one.payload == {
        "transaction_id": txn.pk,
        "asset": "BTC",
        "amount": "1.5",
        "reference": "0xabc",
    }
    with New() as again:
        deposit_credit(user=customer, asset="BTC", amount="1.5", reference="0xabc")  # the same deposit
    assert again.events == []


def test_withdrawal(customer):
    deposit_credit(user=customer, asset="USDT", amount="300", reference="d1")
    with New() as new:
        withdrawal_create(user=customer, asset="USDT", amount="250", destination="0xdef")
    assert (new.one.type, new.one.payload["amount"], new.one.payload["destination"]) == (
        Types.WITHDRAWAL_CREATED,
        "250",
        "0xdef",
    )


def test_transfer_both_ways(customer):
    deposit_credit(user=customer, asset="BTC", amount="1", reference="d1")
    with New() as into:
        transfer(user=customer, asset="BTC", amount="0.4", direction="to_margin")
    with New() as out:
        transfer(user=customer, asset="BTC", amount="0.1", direction="to_spot")
    assert into.one.payload["direction"] == "to_margin" and into.one.payload["amount"] == "0.4"
    assert out.one.payload["direction"] == "to_spot" and out.one.type == Types.TRANSFER_COMPLETED


def test_borrow_and_repay_carry_what_the_loan_owes_after(borrower):
    with New() as borrowed:
        result = loan_borrow(user=borrower, asset="USDT", amount="20000")
    assert borrowed.one.type == Types.LOAN_BORROWED
    assert borrowed.one.payload == {
        "loan_id": result.loan.pk,
        "transaction_id": result.transaction.pk,
        "asset": "USDT",
        "amount": "20000",
        "interest_charged": "2",
        "principal": "20000",
        "interest": "2",
    }
    with New() as repaid:
        loan_repay(user=borrower, asset="USDT", amount="5002")
    assert repaid.one.payload["interest_paid"] == "2"
    assert repaid.one.payload["principal_paid"] == "5000"
    assert (repaid.one.payload["principal"], repaid.one.payload["interest"]) == ("15000", "0")


def test_multi_asset_mode_on_and_off_once_each(customer):
    with New() as on:
        enable_mode(customer)
        enable_mode(customer)  # already on: nothing changes, no event
    assert on.one.payload == {"multi_asset_mode": True}
    with New() as off:
        margin_mode_disable(user=customer)
    assert off.one.payload == {"multi_asset_mode": False}


def test_a_price_recorded_and_not_an_older_one(market):
    with New() as new:
        price_record(asset="BTC", price="61000", source="feed")
        price_record(
            asset="BTC", price="59000", source="late", observed_at=timezone.now() - timedelta(hours=1)
        )
    assert new.one.type == Types.PRICE_RECORDED
    assert new.one.account_id is None
    assert (new.one.payload["price"], new.one.payload["source"]) == ("61000", "feed")


def test_a_stale_price_alert_when_opened_not_when_refreshed(market):
    with New() as new:
        stale_price_alert(asset=market["ADA"], accounts_affected=1)
        stale_price_alert(asset=market["ADA"], accounts_affected=4)
    assert new.one.type == Types.PRICE_STALE_ALERT
    assert new.one.payload["asset"] == "ADA"


def test_configuration_changes_say_old_and_new_and_who(market, make_user):
    officer = make_user("rita", is_staff=True)
    with New() as rate:
        asset_update(actor=officer, symbol="BTC", daily_interest_rate=D("0.00025"))
    assert rate.one.payload["object"] == "asset" and rate.one.payload["key"] == "BTC"
    assert rate.one.payload["changes"] == {"daily_interest_rate": {"old": "0.0002", "new": "0.00025"}}
    assert rate.one.payload["changed_by"] == "rita"
    with New() as unchanged:
        asset_update(actor=officer, symbol="BTC", daily_interest_rate=D("0.000250"))  # the same value
    assert unchanged.events == []

    with New() as tiers:
        asset_tiers_replace(actor=officer, symbol="BTC", tiers=[(D("100000000"), D("1")), (None, D("0.95"))])
    assert tiers.one.payload["changes"]["tiers"] == {
        "old": [{"up_to": None, "factor": "0.9"}],
        "new": [{"up_to": "100000000", "factor": "1"}, {"up_to": None, "factor": "0.95"}],
    }
    assert tiers.one.payload["changed_by"] == "rita"

    with New() as settings_change:
        risk_settings_update(actor=officer, borrow_level=D("1.3"))
    assert settings_change.one.payload["object"] == "risk_settings"
    assert settings_change.one.payload["changes"] == {"borrow_level": {"old": "1.25", "new": "1.3"}}

    with New() as created:
        asset_create(actor=officer, symbol="DOGE", name="Dogecoin", precision=8, tiers=[(None, D("0.5"))])
    asset, bands = created.events
    assert asset.payload["changes"]["symbol"] == {"old": None, "new": "DOGE"}
    assert bands.payload["changes"]["tiers"] == {"old": [], "new": [{"up_to": None, "factor": "0.5"}]}
