"""Ledger, interest, margin calls, liquidations, notifications: own records only, filtered, paged."""

from decimal import Decimal as D

import pytest
from django.utils import timezone

from accounts.models import LedgerTransaction, Notification
from accounts.selectors import margin_account_for
from risk.models import Asset, LineKind, Liquidation, LiquidationLine, MarginCall
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


def _margin_call(user, **fields) -> MarginCall:
    now = timezone.now()
    defaults = {"opened_at": now, "ratio_at_open": D("1.08"), "lowest_ratio": D("1.07")}
    return MarginCall.objects.create(margin_account=margin_account_for(user), **(defaults | fields))


def _liquidation(user) -> Liquidation:
    account = margin_account_for(user)
    txn = LedgerTransaction.objects.create(kind="liquidation", margin_account=account, memo="test")
    liquidation = Liquidation.objects.create(
        margin_account=account,
        ratio_before=D("1.04"),
        ratio_after=D("1.1"),
        collateral_value_before=D("52000"),
        liability_before=D("50000"),
        fee_value=D("120"),
        transaction=txn,
    )
    btc, usdt = Asset.objects.get(symbol="BTC"), Asset.objects.get(symbol="USDT")
    LiquidationLine.objects.create(
        liquidation=liquidation,
        position=1,
        kind=LineKind.SALE,
        asset=btc,
        quantity=D("0.1"),
        price=D("60000"),
    )
    LiquidationLine.objects.create(
        liquidation=liquidation,
        position=2,
        kind=LineKind.REPAYMENT,
        asset=usdt,
        principal=D("5878"),
        interest=D("2"),
        from_sale_of=btc,
    )
    return liquidation


def _notification(user, key: str) -> Notification:
    return Notification.objects.create(
        user=user, kind="info", title=f"Note {key}", body="Hello", dedupe_key=key
    )


def test_ledger_lists_own_legs_newest_first_with_filters(api, borrower, otp, other):
    from tests.helpers import fund_margin

    fund_margin(other, BTC="2")
    api.post("/api/v1/account/loans/borrow/", {"asset": "USDT", "amount": "100"}, format="json", **otp())
    page = api.get("/api/v1/account/ledger/").json()
    assert page["count"] == 9  # 2 deposits (1 customer leg), 2 transfers (2 legs), a borrow (3 legs)
    assert page["results"][0]["kind"] == "borrow"
    ids = [row["transaction_id"] for row in page["results"]]
    assert ids == sorted(ids, reverse=True)
    borrow = api.get("/api/v1/account/ledger/", {"kind": "borrow", "asset": "usdt"}).json()
    assert {(r["account"], r["amount"]) for r in borrow["results"]} == {
        ("margin", "100"),
        ("loan_principal", "-100"),
        ("loan_interest", "-0.01"),
    }
    margin_only = api.get("/api/v1/account/ledger/", {"account": "margin"}).json()
    assert {r["account"] for r in margin_only["results"]} == {"margin"}
    paged = api.get("/api/v1/account/ledger/", {"limit": 2, "offset": 2}).json()
    assert [r["id"] for r in paged["results"]] == [r["id"] for r in page["results"][2:4]]
    assert paged["next"] and paged["previous"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"kind": "nonsense"}, "kind"),
        ({"account": "lending_pool"}, "account"),  # the house's accounts are not the customer's
        ({"created_after": "yesterday"}, "created_after"),
        ({"created_after": "0001-01-01T00:00:00+14:00"}, "created_after"),  # would overflow in UTC
        ({"created_before": "9999-12-31T23:59:59-14:00"}, "created_before"),
        ({"asset": "\x00"}, "asset"),
    ],
)
def test_bad_filters_are_a_400_naming_the_filter(api, borrower, query, field):
    response = api.get("/api/v1/account/ledger/", query)
    assert response.status_code == 400, response.content
    assert error_of(response)["field"] == field


@pytest.mark.parametrize("query", [{"limit": "x"}, {"limit": "-1"}, {"offset": "-5"}, {"limit": "9" * 30}])
def test_odd_paging_falls_back_to_defaults(api, borrower, query):
    assert api.get("/api/v1/account/ledger/", query).status_code == 200


def test_a_huge_offset_is_an_empty_page(api, borrower):
    response = api.get("/api/v1/account/ledger/", {"offset": "9" * 40})
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_interest_history_shows_day_rate_principal_amount(api, borrower, otp):
    api.post("/api/v1/account/loans/borrow/", {"asset": "BTC", "amount": "0.5"}, format="json", **otp())
    rows = api.get("/api/v1/account/interest/").json()["results"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["asset"], row["kind"], row["rate"], row["principal"], row["amount"]) == (
        "BTC",
        "borrow",
        "0.0002",
        "0.5",
        "0.0001",
    )
    assert row["day"] == timezone.now().date().isoformat()
    assert api.get("/api/v1/account/interest/", {"asset": "ETH"}).json()["count"] == 0
    assert api.get("/api/v1/account/interest/", {"day_after": "2999-01-01"}).json()["count"] == 0


def test_margin_calls_list_and_detail_and_the_open_filter(api, customer, other):
    closed = _margin_call(
        customer, closed_at=timezone.now(), ratio_at_close=D("1.2"), close_reason="recovered"
    )
    opened = _margin_call(customer)
    _margin_call(other)
    listed = api.get("/api/v1/account/margin-calls/").json()
    assert [row["id"] for row in listed["results"]] == [opened.pk, closed.pk]
    assert [
        row["id"] for row in api.get("/api/v1/account/margin-calls/", {"open": "true"}).json()["results"]
    ] == [opened.pk]
    detail = api.get(f"/api/v1/account/margin-calls/{closed.pk}/").json()
    assert (detail["is_open"], detail["ratio_at_close"], detail["close_reason"]) == (
        False,
        "1.2",
        "recovered",
    )


def test_liquidation_detail_explains_what_was_sold_and_repaid(api, customer):
    liquidation = _liquidation(customer)
    body = api.get(f"/api/v1/account/liquidations/{liquidation.pk}/").json()
    assert (body["ratio_before"], body["ratio_after"], body["fee_value"]) == ("1.04", "1.1", "120")
    assert [(line["kind"], line["asset"], line["from_sale_of"]) for line in body["lines"]] == [
        ("sale", "BTC", None),
        ("repayment", "USDT", "BTC"),
    ]
    assert api.get("/api/v1/account/liquidations/").json()["count"] == 1


@pytest.mark.parametrize("kind", ["margin-calls", "liquidations"])
def test_another_customers_record_is_a_404(api, customer, other, kind):
    record = _margin_call(other) if kind == "margin-calls" else _liquidation(other)
    response = api.get(f"/api/v1/account/{kind}/{record.pk}/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert api.get(f"/api/v1/account/{kind}/").json()["count"] == 0
    assert api.get(f"/api/v1/account/{kind}/{2**70}/").status_code == 404


def test_notifications_list_unread_and_mark_read(api, customer, other):
    first, second = _notification(customer, "a"), _notification(customer, "b")
    _notification(other, "c")
    assert api.get("/api/v1/account/notifications/").json()["count"] == 2
    response = api.post(f"/api/v1/account/notifications/{first.pk}/read/")
    assert response.status_code == 200 and response.json()["read_at"]
    unread = api.get("/api/v1/account/notifications/", {"unread": "true"}).json()["results"]
    assert [n["id"] for n in unread] == [second.pk]
    assert api.post("/api/v1/account/notifications/read/", {}, format="json").json() == {"marked": 1}


def test_another_customers_notification_is_a_404_and_stays_unread(api, customer, other):
    theirs = _notification(other, "x")
    response = api.post(f"/api/v1/account/notifications/{theirs.pk}/read/")
    assert response.status_code == 404
    assert api.post("/api/v1/account/notifications/read/", {"ids": [theirs.pk]}, format="json").json() == {
        "marked": 0
    }
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("ids", [[0], [-3], [2**64], "all", [1.5], [None]])
def test_bad_notification_ids_are_a_400(api, customer, ids):
    response = api.post("/api/v1/account/notifications/read/", {"ids": ids}, format="json")
    assert response.status_code == 400, response.content
    assert error_of(response)["field"].startswith("ids")
