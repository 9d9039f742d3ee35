"""A customer sees only their own data: another customer's ids are simply not found."""

import pytest
from django.urls import reverse

from accounts.models import LedgerTransaction, Notification
from tests.helpers import fund_margin

from .conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def mallory_client(client, make_user, market):
    mallory = make_user("mallory")
    fund_margin(mallory, BTC="1")
    sign_in(client, mallory)
    return client


def test_another_customers_liquidation_is_not_found(mallory_client, liquidated):
    assert mallory_client.get(reverse("liquidation-detail", args=[liquidated.pk])).status_code == 404


def test_another_customers_ledger_transaction_is_not_found(mallory_client, borrower):
    txn = LedgerTransaction.objects.filter(margin_account__user=borrower, kind="borrow").get()
    assert mallory_client.get(reverse("transaction-detail", args=[txn.pk])).status_code == 404


def test_a_house_transaction_is_not_found(mallory_client, market):
    house = LedgerTransaction.objects.filter(margin_account__isnull=True).first()
    pk = house.pk if house else 10**9
    assert mallory_client.get(reverse("transaction-detail", args=[pk])).status_code == 404


def test_another_customers_history_is_not_listed(mallory_client, borrower):
    html = mallory_client.get(reverse("history")).content.decode()
    assert "20,000" not in html  # alice's borrow
    assert "Borrow" not in html.split('data-testid="history-table"')[1]


def test_another_customers_liquidations_are_not_listed(mallory_client, liquidated):
    html = mallory_client.get(reverse("liquidations")).content.decode()
    assert reverse("liquidation-detail", args=[liquidated.pk]) not in html


def test_marking_another_customers_alert_read_changes_nothing(mallory_client, liquidated):
    alert = Notification.objects.filter(user=liquidated.margin_account.user).first()
    mallory_client.post(reverse("alerts-read"), {"id": alert.pk})
    alert.refresh_from_db()
    assert alert.read_at is None


def test_the_owner_can_open_their_liquidation_and_transaction(borrower_client, liquidated):
    assert borrower_client.get(reverse("liquidation-detail", args=[liquidated.pk])).status_code == 200
    assert (
        borrower_client.get(reverse("transaction-detail", args=[liquidated.transaction_id])).status_code
        == 200
    )


@pytest.mark.parametrize(
    "name",
    ["dashboard", "transfer", "borrow", "repay", "mode", "alerts", "history", "liquidations", "two-factor"],
)
def test_every_customer_page_needs_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
