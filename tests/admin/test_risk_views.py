"""The risk desk's views: the account list by risk, an account's page, a liquidation explained."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import MarginAccount
from accounts.services.sweep import account_sweep
from risk.models import Liquidation, RiskSettings
from risk.services import price_record
from tests.helpers import fund_margin

from .conftest import borrower
from .posts import visible_text

pytestmark = pytest.mark.django_db

LIST = "admin:accounts_marginaccount_changelist"


def sweep(user) -> None:
    account_sweep(margin_account_id=MarginAccount.objects.get(user=user).pk)


@pytest.fixture
def desk(make_user, market):
    """alice in margin call, bob liquidated back to 110%, dave healthy, erin without debt."""
    users = {
        "alice": borrower(make_user, "alice", collateral={"BTC": "1"}, borrow="40000"),
        "bob": borrower(make_user, "bob", collateral={"ETH": "2"}, borrow="4000"),
        "dave": borrower(make_user, "dave", collateral={"BTC": "1"}, borrow="10000", keep_in_margin="10000"),
        "erin": make_user("erin"),
    }
    fund_margin(users["erin"], USDT="100")
    price_record(asset="BTC", price="48000", source="test")
    price_record(asset="ETH", price="2250", source="test")
    for user in users.values():
        sweep(user)
    return users


def listed(client, **params) -> list[str]:
    response = client.get(reverse(LIST), params)
    return [account.user.username for account in response.context["cl"].result_list]


def test_risk_list_puts_the_lowest_ratio_first(support_client, desk):
    assert listed(support_client) == ["alice", "bob", "dave", "erin"]


def test_risk_list_shows_ratio_status_collateral_and_liability(support_client, desk):
    page = visible_text(support_client.get(reverse(LIST)))

    # alice: 1 BTC x 48 000 x 0.90 = 43 200 against 40 004.
    assert "alice Margin call 107.98% 43,200 40,004" in page
    assert "erin Healthy no liability 100 0" in page


def test_risk_list_sorts_by_liability(support_client, desk):
    # Columns count from 0 (support has no actions, so no checkbox column): liability is the 5th.
    assert listed(support_client, o="-4") == ["alice", "dave", "bob", "erin"]


def test_filter_in_margin_call(support_client, desk):
    assert listed(support_client, risk="margin_call") == ["alice"]


def test_filter_liquidated(support_client, desk):
    assert listed(support_client, risk="liquidated") == ["bob"]


def test_filter_at_risk_is_below_the_borrow_level(support_client, desk):
    # alice 107.98% and bob 110% are below 125%; dave is far above.
    assert listed(support_client, risk="at_risk") == ["alice", "bob"]


def test_filter_stale_price(support_client, desk):
    RiskSettings.objects.update(max_price_age=timedelta(microseconds=1))

    # erin holds only USDT, whose price is 1 by definition and never stale.
    assert listed(support_client, risk="stale") == ["alice", "bob", "dave"]


def test_search_by_customer(support_client, desk):
    assert listed(support_client, q="dav") == ["dave"]


def test_risk_list_queries_do_not_grow_with_accounts(support_client, make_user, market):
    borrower(make_user, "a1", collateral={"BTC": "1"}, borrow="1000")
    with CaptureQueriesContext(connection) as few:
        support_client.get(reverse(LIST))
    for name in ("a2", "a3", "a4", "a5"):
        borrower(make_user, name, collateral={"ETH": "1"}, borrow="100")

    with CaptureQueriesContext(connection) as many:
        support_client.get(reverse(LIST))

    assert len(many) == len(few)


def account_page(client, user) -> str:
    account = MarginAccount.objects.get(user=user)
    return visible_text(client.get(reverse("admin:accounts_marginaccount_change", args=[account.pk])))


def test_account_page_shows_balances_with_price_factor_and_collateral_value(support_client, desk):
    page = account_page(support_client, desk["dave"])

    # Asset, spot, margin, price, factor, collateral value, share of the collateral.
    assert "BTC 0 1 48,000 90% 43,200 81.2%" in page  # 43 200 / 53 200 = 81.203%
    assert "USDT 0 10,000 1 100% 10,000 18.79%" in page
    assert "Margin ratio 531.94%" in page  # 53 200 / 10 001


def test_account_page_shows_loans_with_accrued_interest(support_client, desk):
    page = account_page(support_client, desk["alice"])

    assert "Loans Asset Principal Accrued interest Daily rate Value (USDT) USDT 40,000 4 0.01% 40,004" in page


def test_account_page_shows_the_open_margin_call(support_client, desk):
    page = account_page(support_client, desk["alice"])

    assert "Margin calls — one open since" in page
    assert "107.98% 107.98% open" in page


def test_account_page_explains_the_liquidation(support_client, desk):
    page = account_page(support_client, desk["bob"])

    assert "101.23% 110% " in page
    assert (
        "Sold 0.87500628 ETH at 2,250 USDT = 1,968.76413 USDT; "
        "0.01750013 ETH of it went to the insurance fund" in page
    )
    assert (
        "Repaid 0.4 USDT interest and 1,928.9888375 USDT principal from the proceeds of selling ETH" in page
    )


def test_account_page_shows_the_ledger(support_client, desk):
    page = account_page(support_client, desk["alice"])

    assert "Ledger (latest" in page
    assert "Borrow Loan principal USDT −40,000" in page
    assert "Deposit Spot wallet BTC 1 Deposit of 1 BTC" in page


def test_account_page_offers_no_edit(support_client, desk):
    account = MarginAccount.objects.get(user=desk["alice"])

    response = support_client.post(
        reverse("admin:accounts_marginaccount_change", args=[account.pk]), {"multi_asset_mode": ""}
    )

    assert response.status_code == 403  # a read-only page: a post is refused, nothing is saved
    account.refresh_from_db()
    assert account.multi_asset_mode is True


def test_liquidation_page_reads_step_by_step(support_client, desk):
    liquidation = Liquidation.objects.get()

    page = visible_text(support_client.get(reverse("admin:risk_liquidation_change", args=[liquidation.pk])))

    assert "Ratio before: 101.23%" in page and "Ratio after: 110%" in page
    assert "Fee to insurance fund (USDT): 39.3752925" in page  # 0.01750013 ETH x 2 250
    assert "Collateral sold Sold 0.87500628 ETH at 2,250 USDT" in page
    assert "Repaid from sale proceeds Repaid 0.4 USDT interest" in page


def test_margin_calls_list_filters_open_ones(support_client, desk):
    response = support_client.get(reverse("admin:risk_margincall_changelist"), {"closed_at__isnull": "True"})

    assert [call.margin_account.user.username for call in response.context["cl"].result_list] == ["alice"]


LISTS = (
    "accounts_loan",
    "accounts_interestaccrual",
    "accounts_ledgertransaction",
    "accounts_ledgeraccount",
    "accounts_notification",
    "risk_margincall",
    "risk_liquidation",
    "risk_statuschange",
    "risk_staffalert",
    "risk_ratiosnapshot",
    "risk_asset",
    "risk_assetprice",
    "django_celery_beat_periodictask",
)


def test_every_list_opens_for_support(support_client, desk):
    opened = {name: support_client.get(reverse(f"admin:{name}_changelist")).status_code for name in LISTS}

    assert opened == dict.fromkeys(LISTS, 200)


def test_admin_home_links_the_risk_desk_tools(officer_client, market):
    page = visible_text(officer_client.get(reverse("admin:index")))

    for link in (
        "Margin accounts by risk",
        "Stress test a price shock",
        "Risk settings",
        "Schedules",
        "Record a price",
    ):
        assert link in page
