"""The admin home page's cockpit: the desk's numbers, each linking to its list; a stale-price banner."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from accounts.selectors import margin_account_for
from accounts.selectors.cockpit import desk_cockpit
from accounts.services.sweep import account_sweep
from risk.models import AssetPrice, StaffAlert
from risk.services import price_record

from .conftest import borrower

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(make_user, market, eager_celery):
    """alice in margin call, bob liquidated with bad debt left, carol healthy."""
    customers = [
        borrower(make_user, "alice", collateral={"BTC": "1"}, borrow="40000"),
        borrower(make_user, "bob", collateral={"ADA": "10000"}, borrow="1900"),
        borrower(make_user, "carol", collateral={"ETH": "10"}, borrow="1000"),
    ]
    price_record(asset="BTC", price="48000", source="test")  # alice: 43 200 / 40 004 = 107.98%
    price_record(asset="ADA", price="0.05", source="test")  # bob: 250 against 1 900.19: all sold, bad debt
    for customer in customers:
        account_sweep(margin_account_id=margin_account_for(customer).pk)


def test_the_cockpit_counts_what_the_desk_must_look_at(desk):
    cockpit = desk_cockpit()
    # alice; bob's call closed when his liquidation took all his debt (the rest as bad debt).
    assert cockpit.figure("margin_calls").value == 1
    assert cockpit.figure("liquidations").value == 1
    assert cockpit.figure("bad_debt").value != "0"
    assert cockpit.figure("stale_prices").value == 0
    assert cockpit.figure("open_alerts").value == StaffAlert.objects.filter(resolved_at__isnull=True).count()
    assert [symbol for symbol, _ in cockpit.insurance_fund] == ["ADA", "USDT"]


def test_the_admin_home_shows_the_counts_linking_to_their_lists(desk, officer_client):
    html = officer_client.get("/admin/").content.decode()
    assert 'id="cockpit-margin_calls">1<' in html
    assert 'id="cockpit-liquidations">1<' in html
    assert "/admin/accounts/marginaccount/?risk=margin_call" in html
    assert "/admin/risk/liquidation/?created_at__gte=" in html
    assert 'id="stale-banner"' not in html


@pytest.mark.parametrize("key", ["margin_calls", "liquidations", "bad_debt", "stale_prices", "open_alerts"])
def test_each_count_links_to_a_list_that_opens(desk, officer_client, key):
    url = desk_cockpit().figure(key).url.replace("&amp;", "&")
    response = officer_client.get(url)
    assert response.status_code == 200
    assert "?e=1" not in response.get("Location", "")


def test_the_liquidations_link_lists_exactly_the_counted_ones(desk, officer_client):
    response = officer_client.get(desk_cockpit().figure("liquidations").url)
    assert response.context["cl"].result_count == 1


def test_a_price_going_stale_puts_a_banner_on_the_admin_home(market, officer_client):
    AssetPrice.objects.filter(asset__symbol="BTC").update(observed_at=timezone.now() - timedelta(hours=1))
    html = officer_client.get("/admin/").content.decode()
    assert 'id="stale-banner"' in html
    assert "Stale prices:</strong>\n        BTC" in html
    assert 'id="cockpit-stale_prices">1<' in html


def test_support_sees_the_cockpit_too(desk, support_client):
    assert 'id="cockpit"' in support_client.get("/admin/").content.decode()


def test_the_insurance_fund_shows_each_asset(desk, officer_client):
    html = officer_client.get("/admin/").content.decode()
    fund = html[html.index('id="cockpit-insurance_fund"') :]
    assert "ADA" in fund.split("</span>")[0]
    assert D(0) not in [balance for _, balance in desk_cockpit().insurance_fund]
