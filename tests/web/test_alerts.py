"""Alerts (margin calls, liquidations) and the liquidation page that explains what was sold."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Notification
from risk.models import LineKind

pytestmark = pytest.mark.django_db


def test_a_margin_call_shows_up_as_an_unread_alert(borrower_client, borrower):
    from .conftest import margin_call_make

    margin_call_make(borrower)
    html = borrower_client.get(reverse("alerts")).content.decode()
    assert 'data-kind="margin_call"' in html
    assert re.search(r'data-testid="unread-count"[^>]*>1<', html)


def test_marking_all_read_clears_the_unread_count(borrower_client, liquidated):
    borrower_client.post(reverse("alerts-read"), {"all": "1"})
    assert not Notification.objects.filter(user=liquidated.margin_account.user, read_at__isnull=True).exists()
    assert 'data-testid="unread-count"' not in borrower_client.get("/").content.decode()


def test_marking_one_alert_read_leaves_the_others(borrower_client, liquidated):
    alerts = list(Notification.objects.filter(user=liquidated.margin_account.user))
    assert len(alerts) >= 2  # the margin call and the liquidation
    borrower_client.post(reverse("alerts-read"), {"id": alerts[0].pk})
    unread = Notification.objects.filter(user=liquidated.margin_account.user, read_at__isnull=True)
    assert unread.count() == len(alerts) - 1


def test_the_liquidation_alert_links_to_its_explanation(borrower_client, liquidated):
    html = borrower_client.get(reverse("alerts")).content.decode()
    assert f'href="/liquidations/{liquidated.pk}/" data-testid="alert-details"' in html


def test_the_liquidation_page_explains_what_was_sold_and_why(borrower_client, liquidated):
    html = borrower_client.get(reverse("liquidation-detail", args=[liquidated.pk])).content.decode()
    assert "at or below the liquidation level of 105%" in html
    assert "back to the target of 110%" in html
    sales = liquidated.lines.filter(kind=LineKind.SALE)
    assert sales.exists()
    table = html.split('data-testid="liquidation-sales"')[1].split("</table>")[0]
    for sale in sales:
        assert f'data-symbol="{sale.asset.symbol}"' in table
    ratio_after = liquidated.ratio_after * 100
    assert ratio_after >= Decimal("110")


def test_the_dashboard_links_to_the_last_liquidation(borrower_client, liquidated):
    html = borrower_client.get("/").content.decode()
    assert reverse("liquidation-detail", args=[liquidated.pk]) in html


@pytest.mark.parametrize("data", [{"id": "abc"}, {"id": "-1"}, {}])
def test_a_bad_mark_read_request_marks_nothing(borrower_client, liquidated, data):
    borrower_client.post(reverse("alerts-read"), data)
    assert not Notification.objects.filter(
        user=liquidated.margin_account.user, read_at__isnull=False
    ).exists()
