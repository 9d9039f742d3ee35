"""The ledger history: the customer's own entries, filtered by asset and kind, paginated."""

import pytest
from django.urls import reverse

from accounts.services import transfer
from tests.helpers import fund_margin

pytestmark = pytest.mark.django_db


def rows(response) -> list:
    return list(response.context["page"].object_list)


def test_history_lists_the_customers_entries_newest_first(borrower_client):
    legs = rows(borrower_client.get(reverse("history")))
    assert legs[0].transaction.kind == "borrow"
    assert {leg.transaction.kind for leg in legs} == {"deposit", "transfer", "borrow"}


def test_history_filters_by_asset_and_kind(borrower_client):
    legs = rows(borrower_client.get(reverse("history"), {"asset": "BTC", "kind": "transfer"}))
    assert legs
    assert all(leg.asset.symbol == "BTC" and leg.transaction.kind == "transfer" for leg in legs)


def test_history_paginates(customer_client, customer):
    fund_margin(customer, BTC="1")
    for _ in range(13):
        transfer(user=customer, asset="BTC", amount="0.01", direction="to_spot")
    first = customer_client.get(reverse("history"))
    assert first.context["page"].paginator.num_pages == 2
    second = customer_client.get(reverse("history"), {"page": 2})
    assert {leg.pk for leg in rows(first)}.isdisjoint({leg.pk for leg in rows(second)})


def test_a_bad_filter_shows_the_error(borrower_client):
    response = borrower_client.get(reverse("history"), {"kind": "theft"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_bad_page_number_shows_a_page_not_an_error(borrower_client):
    assert borrower_client.get(reverse("history"), {"page": "x"}).status_code == 200
    assert borrower_client.get(reverse("history"), {"page": "999"}).status_code == 200


def test_interest_history_shows_the_first_days_charge(borrower_client):
    response = borrower_client.get(reverse("interest-history"))
    charges = rows(response)
    assert len(charges) == 1
    assert charges[0].amount == 2


def test_history_queries_do_not_grow_with_the_page(customer_client, customer, django_assert_max_num_queries):
    fund_margin(customer, BTC="1")
    for _ in range(12):
        transfer(user=customer, asset="BTC", amount="0.01", direction="to_spot")
    with django_assert_max_num_queries(10):
        assert customer_client.get(reverse("history")).status_code == 200
