"""History as actions: one row per borrow, repay, transfer, interest day or liquidation, its legs in
the detail, interest totals, filters over the assets held, and CSV with the USDT value at the time."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import loan_repay, transfer
from risk.models import AssetPrice
from risk.services import price_record
from tests.helpers import fund_margin

pytestmark = pytest.mark.django_db


def rows(response) -> list:
    return list(response.context["rows"])


def csv_of(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_history_shows_one_row_per_action_newest_first(borrower_client):
    actions = rows(borrower_client.get(reverse("history")))
    # 2 deposits, 2 transfers, 1 borrow: five actions (the borrow alone has three legs).
    assert [row.kind for row in actions] == ["borrow", "transfer", "deposit", "transfer", "deposit"]
    assert actions[0].description == "Borrowed 20,000 USDT (first day's interest 2 USDT)"
    assert len(actions[0].legs) == 3


def test_each_action_reads_as_the_customer_would_say_it(borrower_client, borrower):
    loan_repay(user=borrower, asset="USDT", amount="1000")
    transfer(user=borrower, asset="BTC", amount="0.1", direction="to_spot")
    descriptions = [row.description for row in rows(borrower_client.get(reverse("history")))]
    assert descriptions[:2] == [
        "Moved 0.1 BTC from margin to spot",
        "Repaid 1,000 USDT: interest 2 USDT, principal 998 USDT",
    ]
    assert "Deposit of 1 BTC to your spot wallet" in descriptions


def test_the_detail_of_an_action_lists_its_ledger_legs(borrower_client):
    borrow = rows(borrower_client.get(reverse("history")))[0]
    response = borrower_client.get(reverse("transaction-detail", args=[borrow.transaction.pk]))
    legs = {(leg.account.kind, leg.asset.symbol, leg.amount) for leg in response.context["legs"]}
    assert legs == {
        ("margin", "USDT", Decimal(20000)),
        ("loan_principal", "USDT", Decimal(-20000)),
        ("loan_interest", "USDT", Decimal(-2)),
    }


def test_history_filters_by_asset_and_kind_through_the_api_filterset(borrower_client):
    actions = rows(borrower_client.get(reverse("history"), {"asset": "btc", "kind": "transfer"}))
    assert [row.description for row in actions] == ["Moved 1 BTC from spot to margin"]


def test_the_asset_filter_offers_only_assets_held(borrower_client):
    form = borrower_client.get(reverse("history")).context["form"]
    offered = [value for value, _ in form.fields["asset"].widget.choices]
    assert offered == ["", "ADA", "BTC", "USDT"]


def test_history_paginates_actions(customer_client, customer):
    fund_margin(customer, BTC="1")
    for _ in range(24):
        transfer(user=customer, asset="BTC", amount="0.01", direction="to_spot")
    first = customer_client.get(reverse("history"))
    assert first.context["page"].paginator.num_pages == 2  # 26 actions, 25 a page
    second = customer_client.get(reverse("history"), {"page": 2})
    assert {row.transaction.pk for row in rows(first)}.isdisjoint(
        {row.transaction.pk for row in rows(second)}
    )


def test_a_bad_filter_shows_the_error(borrower_client):
    response = borrower_client.get(reverse("history"), {"kind": "theft"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_bad_page_number_shows_a_page_not_an_error(borrower_client):
    assert borrower_client.get(reverse("history"), {"page": "x"}).status_code == 200
    assert borrower_client.get(reverse("history"), {"page": "999"}).status_code == 200


def test_interest_history_shows_the_first_days_charge_and_the_total(borrower_client):
    response = borrower_client.get(reverse("interest-history"))
    charges = list(response.context["page"].object_list)
    assert len(charges) == 1
    assert charges[0].amount == 2
    assert response.context["totals"] == [("USDT", Decimal(2))]


def test_history_csv_values_each_leg_in_usdt_at_the_time(borrower_client, borrower):
    # The BTC was moved in at 60 000; the price has since moved to 50 000.
    price_record(asset="BTC", price="50000", source="test")
    exported = csv_of(borrower_client.get(reverse("history-export"), {"asset": "BTC", "kind": "transfer"}))
    margin_leg = next(row for row in exported if row["account"] == "margin")
    assert (margin_leg["amount"], margin_leg["price_usdt"], margin_leg["value_usdt"]) == (
        "1",
        "60000",
        "60000",
    )
    assert margin_leg["price_basis"] == "price at the time"


def test_history_csv_says_when_it_uses_todays_price(borrower_client, borrower):
    AssetPrice.history.filter(asset__symbol="BTC").update(history_date=timezone.now() + timedelta(days=1))
    exported = csv_of(borrower_client.get(reverse("history-export"), {"asset": "BTC", "kind": "transfer"}))
    assert {row["price_basis"] for row in exported} == {"current price (no earlier record)"}


def test_interest_csv_has_the_usdt_value_of_each_charge(borrower_client):
    exported = csv_of(borrower_client.get(reverse("interest-export")))
    assert [(row["asset"], row["amount"], row["value_usdt"], row["price_basis"]) for row in exported] == [
        ("USDT", "2", "2", "quote asset")
    ]


def test_history_queries_do_not_grow_with_the_page(customer_client, customer, django_assert_max_num_queries):
    fund_margin(customer, BTC="1")
    for _ in range(12):
        transfer(user=customer, asset="BTC", amount="0.01", direction="to_spot")
    with django_assert_max_num_queries(12):
        assert customer_client.get(reverse("history")).status_code == 200
