"""Every event type's example and builder match the catalogue; the sweep's builders read its records."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.events import (
    liquidation_payload,
    margin_call_closed_payload,
    margin_call_opened_payload,
    status_changed_payload,
    sweep_events_record,
    sweep_events_record_for,
)
from accounts.services.sweep import account_sweep
from margin_project.events.catalog import CATALOG, LIQUIDATION_LINE, PayloadInvalid, Types, payload_check
from margin_project.events.models import Event
from risk.events import configuration_changed_payload, price_recorded_payload, stale_price_alert_payload
from risk.models import AssetPrice, Liquidation, MarginCall, StaffAlert, StatusChange
from risk.services import price_record
from risk.services.alerts import stale_price_alert
from tests.workers.scenarios import LIQUIDATION_PRICE, MARGIN_CALL_PRICE, leveraged_btc_holder

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("event_type", sorted(CATALOG))
def test_every_types_example_matches_its_fields(event_type):
    definition = CATALOG[event_type]
    assert payload_check(event_type, definition.example) is definition
    assert definition.version >= 1


def test_decimals_must_be_strings_in_every_payload():
    example = dict(CATALOG[Types.LOAN_BORROWED].example)
    with pytest.raises(PayloadInvalid, match="amount must be decimal"):
        payload_check(Types.LOAN_BORROWED, {**example, "amount": 20000})
    with pytest.raises(PayloadInvalid, match="amount must be decimal"):
        payload_check(Types.LOAN_BORROWED, {**example, "amount": "2e4"})


@pytest.fixture
def liquidated(customer):
    """Alice swept by the current sweep into a margin call, then a liquidation that closes it."""
    account = leveraged_btc_holder(customer)
    for price in (MARGIN_CALL_PRICE, LIQUIDATION_PRICE):
        AssetPrice.objects.filter(asset__symbol="BTC").update(price=price)
        account_sweep(margin_account_id=account.pk)
    return account


def test_the_sweeps_records_build_payloads_of_their_types(liquidated):
    change = StatusChange.objects.filter(margin_account=liquidated).order_by("id").first()
    call = MarginCall.objects.get(margin_account=liquidated)
    liquidation = Liquidation.objects.get(margin_account=liquidated)

    status = payload_check(Types.MARGIN_STATUS_CHANGED, status_changed_payload(change))
    assert status.scope == "account"
    assert status_changed_payload(change) == {
        "from_status": "healthy",
        "to_status": "margin_call",
        "margin_ratio": format(change.margin_ratio.normalize(), "f"),
    }
    payload_check(Types.MARGIN_CALL_OPENED, margin_call_opened_payload(call))
    payload_check(Types.MARGIN_CALL_CLOSED, margin_call_closed_payload(call))
    assert margin_call_closed_payload(call)["close_reason"] == "liquidated"

    payload = liquidation_payload(liquidation)
    payload_check(Types.LIQUIDATION_EXECUTED, payload)
    lines = list(liquidation.lines.order_by("position"))
    assert len(payload["lines"]) == len(lines) >= 2
    for line, sent in zip(lines, payload["lines"], strict=True):
        assert set(sent) == set(LIQUIDATION_LINE)
        assert D(sent["quantity"]) == line.quantity and D(sent["value"]) == line.value
    assert D(payload["fee_value"]) == liquidation.fee_value
    assert D(payload["ratio_after"]) == liquidation.ratio_after


def test_a_sweep_batchs_events_are_written_in_one_statement_in_order_per_account(liquidated, make_user):
    AssetPrice.objects.filter(asset__symbol="BTC").update(price=D("60000"))
    second = leveraged_btc_holder(make_user())
    AssetPrice.objects.filter(asset__symbol="BTC").update(price=MARGIN_CALL_PRICE)
    account_sweep(margin_account_id=second.pk)
    changes = list(StatusChange.objects.order_by("id"))
    calls = list(MarginCall.objects.order_by("id"))
    liquidation = Liquidation.objects.get(margin_account=liquidated)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        written = sweep_events_record(
            status_changes=changes,
            opened=calls,
            liquidations=[liquidation],
            closed=[c for c in calls if c.closed_at],
            lines={liquidation.pk: list(liquidation.lines.select_related("asset", "from_sale_of"))},
        )
    assert (
        sum("INSERT INTO" in q["sql"] and "events_event" in q["sql"] for q in queries.captured_queries) == 1
    )
    by_account = {}
    for event in Event.objects.filter(pk__in=[e.pk for e in written]).order_by("id"):
        by_account.setdefault(event.account_id, []).append(event.type)
    assert by_account[liquidated.pk] == [
        Types.MARGIN_STATUS_CHANGED,  # healthy -> margin_call
        Types.MARGIN_CALL_OPENED,
        Types.LIQUIDATION_EXECUTED,
        Types.MARGIN_CALL_CLOSED,
        Types.MARGIN_STATUS_CHANGED,  # margin_call -> healthy, after the liquidation
    ]
    assert by_account[second.pk] == [Types.MARGIN_STATUS_CHANGED, Types.MARGIN_CALL_OPENED]
    assert written[0].occurred_at == changes[0].at


def test_what_a_sweep_wrote_at_its_time_is_read_back_into_its_events(customer):
    from datetime import timedelta

    from django.utils import timezone

    account = leveraged_btc_holder(customer)
    first, second = timezone.now(), timezone.now() + timedelta(minutes=1)
    AssetPrice.objects.filter(asset__symbol="BTC").update(price=MARGIN_CALL_PRICE)
    account_sweep(margin_account_id=account.pk, now=first)
    AssetPrice.objects.filter(asset__symbol="BTC").update(price=LIQUIDATION_PRICE)
    outcome = account_sweep(margin_account_id=account.pk, now=second)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        written = sweep_events_record_for(
            account_ids=[account.pk], at=second, liquidation_ids=[outcome.liquidation_id]
        )
    assert [e.type for e in written] == [
        Types.LIQUIDATION_EXECUTED,
        Types.MARGIN_CALL_CLOSED,
        Types.MARGIN_STATUS_CHANGED,  # back to healthy, after the liquidation
    ]  # the call was opened by the first sweep, not this one
    assert len(queries.captured_queries) <= 8  # a few reads and one insert, whatever the batch size
    assert len(written[0].payload["lines"]) == Liquidation.objects.get().lines.count()


def test_prices_alerts_and_configuration_build_payloads_of_their_types(market):
    price = price_record(asset="BTC", price="61250.50", source="feed")
    assert price_recorded_payload(price)["price"] == "61250.5"
    payload_check(Types.PRICE_RECORDED, price_recorded_payload(price))

    alert = stale_price_alert(asset=market["ADA"], accounts_affected=2)
    assert isinstance(alert, StaffAlert)
    payload_check(Types.PRICE_STALE_ALERT, stale_price_alert_payload(alert))

    payload = configuration_changed_payload(
        object="asset",
        key="BTC",
        changes={"daily_interest_rate": (D("0.0002"), D("0.00025"))},
        changed_by=None,
    )
    payload_check(Types.CONFIGURATION_CHANGED, payload)
    assert payload["changes"] == {"daily_interest_rate": {"old": "0.0002", "new": "0.00025"}}
