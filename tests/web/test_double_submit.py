"""Two confirms of one preview arriving at once (a double click on a slow line) move money once."""

import threading
from decimal import Decimal

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from accounts.models.ledger import AccountKind
from accounts.services import deposit_credit
from tests.helpers import balance

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_confirms_move_the_asset_once(customer):
    deposit_credit(user=customer, asset="BTC", amount="2", reference="race-btc")
    first = Client()
    sign_in(first, customer)
    data = {"direction": "to_margin", "asset": "BTC", "amount": "1"}
    token = first.post(reverse("transfer"), {**data, "step": "preview"}).context["token"]
    second = Client()
    second.cookies = first.cookies  # the same browser session, a second request
    barrier = threading.Barrier(2)
    statuses = []

    def confirm(client):
        try:
            barrier.wait(timeout=10)
            response = client.post(reverse("transfer"), {**data, "step": "confirm", "token": token})
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [302, 302]  # both end on the dashboard: one did it, one was told it was done
    assert balance(customer, AccountKind.MARGIN, "BTC") == Decimal("1")
    assert balance(customer, AccountKind.SPOT, "BTC") == Decimal("1")
