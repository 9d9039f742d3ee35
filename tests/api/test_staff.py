"""Staff endpoints: prices, deposits, asset configuration, risk settings, any account's summary."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from accounts.models import LedgerTransaction
from accounts.models.ledger import AccountKind, TransactionKind
from risk.models import Asset, AssetPrice, CollateralTier, RiskSettings
from tests.api.conftest import error_of
from tests.helpers import balance, ledger_state

pytestmark = pytest.mark.django_db
DEPOSITS = "/api/v1/staff/deposits/"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/staff/prices/"),
        ("post", DEPOSITS),
        ("post", "/api/v1/staff/assets/"),
        ("patch", "/api/v1/staff/assets/BTC/"),
        ("put", "/api/v1/staff/assets/BTC/tiers/"),
        ("get", "/api/v1/staff/risk-settings/"),
        ("patch", "/api/v1/staff/risk-settings/"),
        ("get", "/api/v1/staff/accounts/"),
        ("get", "/api/v1/staff/accounts/1/"),
    ],
)
def test_customers_cannot_call_staff_endpoints(api, customer, method, url):
    before = ledger_state()
    response = getattr(api, method)(url, {}, format="json")
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"
    assert ledger_state() == before


def test_prices_are_recorded_in_a_batch(staff_api):
    response = staff_api.post(
        "/api/v1/staff/prices/",
        {
            "prices": [
                {"asset": "BTC", "price": "61250.5", "source": "feed"},
                {"asset": "eth", "price": "3100"},
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [(p["asset"], p["price"], p["source"]) for p in response.json()] == [
        ("BTC", "61250.5", "feed"),
        ("ETH", "3100", "api"),
    ]
    assert AssetPrice.objects.get(asset__symbol="BTC").price == D("61250.5")


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"asset": "BTC", "price": "0"}, "price"),
        ({"asset": "BTC", "price": "-1"}, "price"),
        ({"asset": "BTC", "price": 61000.5}, "prices.1.price"),
        ({"asset": "XYZ", "price": "1"}, "asset"),
        ({"asset": "BTC", "price": "1", "observed_at": "2999-01-01T00:00:00Z"}, "observed_at"),
    ],
)
def test_a_bad_price_refuses_the_whole_batch(staff_api, row, field):
    response = staff_api.post(
        "/api/v1/staff/prices/", {"prices": [{"asset": "ETH", "price": "3333"}, row]}, format="json"
    )
    assert response.status_code == 400, response.content
    assert error_of(response)["field"] == field
    assert AssetPrice.objects.get(asset__symbol="ETH").price == D("3000")


def test_an_older_price_does_not_replace_a_newer_one(staff_api):
    old = (timezone.now() - timedelta(hours=1)).isoformat()
    response = staff_api.post(
        "/api/v1/staff/prices/",
        {"prices": [{"asset": "BTC", "price": "1", "observed_at": old}]},
        format="json",
    )
    assert response.json()[0]["price"] == "60000"


def test_a_deposit_is_credited_once_per_reference(staff_api, customer):
    body = {"username": "alice", "asset": "BTC", "amount": "1.5", "reference": "0xabc"}
    first = staff_api.post(DEPOSITS, body, format="json")
    assert first.status_code == 201, first.content
    again = staff_api.post(DEPOSITS, body, format="json")
    assert again.json()["transaction_id"] == first.json()["transaction_id"]
    assert balance(customer, AccountKind.SPOT, "BTC") == D("1.5")
    assert LedgerTransaction.objects.filter(kind=TransactionKind.DEPOSIT).count() == 1
    conflict = staff_api.post(DEPOSITS, body | {"amount": "2"}, format="json")
    assert conflict.status_code == 409
    assert error_of(conflict)["code"] == "conflict"


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"amount": "0"}, 400, "invalid_amount"),
        ({"amount": "-1"}, 400, "invalid_amount"),
        ({"amount": "0.000000001"}, 400, "invalid_amount"),
        ({"amount": 1.5}, 400, "invalid_amount"),
        ({"asset": "XYZ"}, 400, "unknown_asset"),
        ({"username": "nobody"}, 404, "not_found"),
        ({"reference": ""}, 400, "blank"),
    ],
)
def test_bad_deposits_are_refused_and_move_nothing(staff_api, customer, change, status, code):
    before = ledger_state()
    body = {"username": "alice", "asset": "BTC", "amount": "1", "reference": "0x1"} | change
    response = staff_api.post(DEPOSITS, body, format="json")
    assert response.status_code == status, response.content
    assert error_of(response)["code"] == code
    assert ledger_state() == before


def test_staff_create_an_asset_with_tiers(staff_api):
    response = staff_api.post(
        "/api/v1/staff/assets/",
        {
            "symbol": "sol",
            "name": "Solana",
            "precision": 8,
            "is_borrowable": True,
            "daily_interest_rate": "0.0003",
            "tiers": [{"up_to": None, "factor": "0.75"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["symbol"], body["price"], body["tiers"]) == (
        "SOL",
        None,
        [{"up_to": None, "factor": "0.75"}],
    )
    duplicate = staff_api.post(
        "/api/v1/staff/assets/", {"symbol": "SOL", "name": "x", "precision": 8}, format="json"
    )
    assert duplicate.status_code == 400
    assert error_of(duplicate)["field"] == "symbol"


def test_staff_change_switches_and_rate(staff_api):
    response = staff_api.patch(
        "/api/v1/staff/assets/bnb/", {"daily_interest_rate": "0.00004", "is_borrowable": False}, format="json"
    )
    assert response.status_code == 200, response.content
    asset = Asset.objects.get(symbol="BNB")
    assert (asset.daily_interest_rate, asset.is_borrowable) == (D("0.00004"), False)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"daily_interest_rate": "-0.1"}, "daily_interest_rate"),
        ({"daily_interest_rate": "0.0000000000001"}, "daily_interest_rate"),  # finer than 12 places
        ({"daily_interest_rate": 0.1}, "daily_interest_rate"),
        ({"liquidation_priority": -1}, "liquidation_priority"),
    ],
)
def test_bad_asset_changes_are_refused(staff_api, change, field):
    response = staff_api.patch("/api/v1/staff/assets/BTC/", change, format="json")
    assert response.status_code == 400, response.content
    assert error_of(response)["field"] == field
    assert Asset.objects.get(symbol="BTC").daily_interest_rate == D("0.0002")


def test_unknown_asset_is_a_404(staff_api):
    assert staff_api.patch("/api/v1/staff/assets/NOPE/", {"name": "x"}, format="json").status_code == 404
    assert staff_api.get("/api/v1/assets/NOPE/").status_code == 404


def test_staff_replace_tiers(staff_api):
    tiers = [
        {"up_to": "120000000", "factor": "0.975"},
        {"up_to": "100000000", "factor": "1"},
        {"up_to": None, "factor": "0.9"},
        {"up_to": "150000000", "factor": "0.95"},
    ]
    response = staff_api.put("/api/v1/staff/assets/BTC/tiers/", {"tiers": tiers}, format="json")
    assert response.status_code == 200, response.content
    assert [t["up_to"] for t in response.json()["tiers"]] == ["100000000", "120000000", "150000000", None]
    assert CollateralTier.objects.filter(asset__symbol="BTC").count() == 4


def test_staff_read_and_change_risk_settings(staff_api):
    assert staff_api.get("/api/v1/staff/risk-settings/").json()["max_price_age_seconds"] == 300
    response = staff_api.patch(
        "/api/v1/staff/risk-settings/",
        {"transfer_out_level": "1.5", "max_price_age_seconds": 60},
        format="json",
    )
    assert response.status_code == 200, response.content
    risk = RiskSettings.load()
    assert (risk.transfer_out_level, risk.max_price_age) == (D("1.5"), timedelta(seconds=60))


@pytest.mark.parametrize(
    "change",
    [
        {"margin_call_level": "1.01"},
        {"liquidation_fee": "0.6"},
        {"borrow_level": 1.3},
        {"max_price_age_seconds": 0},
    ],
)
def test_inconsistent_risk_settings_are_refused(staff_api, change):
    response = staff_api.patch("/api/v1/staff/risk-settings/", change, format="json")
    assert response.status_code == 400, response.content
    error_of(response)
    assert RiskSettings.load().margin_call_level == D("1.10")


def test_staff_read_any_account(staff_api, customer):
    from tests.helpers import fund_margin

    fund_margin(customer, BTC="1")
    listed = staff_api.get("/api/v1/staff/accounts/", {"username": "ali"}).json()
    assert [row["username"] for row in listed["results"]] == ["alice"]
    summary = staff_api.get(f"/api/v1/staff/accounts/{customer.pk}/").json()
    assert (summary["username"], summary["collateral_value"]) == ("alice", "54000")
    missing = staff_api.get("/api/v1/staff/accounts/999999/")
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "not_found"
