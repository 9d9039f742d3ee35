"""Account summary, multi-asset mode and the max borrowable / transferable limits."""

from decimal import Decimal as D

import pytest

from accounts.selectors import margin_account_for
from risk.models import Asset
from tests.api.conftest import error_of, fresh_code
from tests.helpers import fund_margin, ledger_state

pytestmark = pytest.mark.django_db


def test_summary_shows_the_worked_example(api, borrower, otp):
    api.post("/api/v1/account/loans/borrow/", {"asset": "USDT", "amount": "20000"}, format="json", **otp())
    body = api.get("/api/v1/account/").json()
    assert body["multi_asset_mode"] is True
    assert (body["collateral_value"], body["liability"], body["status"]) == ("76500", "20002", "healthy")
    assert body["margin_ratio"] == "3.82461753"
    balances = {row["asset"]: row for row in body["balances"]}
    assert balances["BTC"] == {
        "asset": "BTC",
        "spot": "0",
        "margin": "1",
        "price": "60000",
        "collateral_value": "54000",
    }
    assert balances["ADA"]["collateral_value"] == "2500"
    assert body["loans"] == [
        {"asset": "USDT", "principal": "20000", "interest": "2", "daily_rate": "0.0001", "value": "20002"}
    ]
    assert {row["asset"] for row in body["max_borrowable"]} == {"USDT", "BTC", "ETH", "BNB"}
    assert {row["asset"] for row in body["max_transferable"]} == {"ADA", "BTC", "USDT"}
    assert body["thresholds"]["borrow"] == "1.25"


def test_every_amount_in_the_summary_is_a_string(api, borrower):
    def walk(value):
        assert not isinstance(value, float), value
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(api.get("/api/v1/account/").json())


def test_mode_enable_needs_a_valid_totp_code(api, customer):
    from tests.conftest import totp_device

    totp_device(customer)
    for headers, code in [({}, "two_factor_required"), ({"HTTP_X_OTP_CODE": "111111"}, "two_factor_invalid")]:
        response = api.post("/api/v1/account/mode/enable/", **headers)
        assert response.status_code == 403
        assert error_of(response)["code"] == code
    assert margin_account_for(customer).multi_asset_mode is False
    response = api.post("/api/v1/account/mode/enable/", HTTP_X_OTP_CODE=fresh_code(customer))
    assert (response.status_code, response.json()) == (200, {"multi_asset_mode": True})


def test_mode_enable_without_2fa_set_up_is_refused(api, customer):
    response = api.post("/api/v1/account/mode/enable/", HTTP_X_OTP_CODE="123456")
    assert response.status_code == 403
    assert error_of(response)["code"] == "two_factor_required"


def test_mode_disable_is_refused_while_a_loan_is_owed(api, borrower, otp):
    api.post("/api/v1/account/loans/borrow/", {"asset": "USDT", "amount": "10"}, format="json", **otp())
    before = ledger_state()
    response = api.post("/api/v1/account/mode/disable/", **otp())
    assert response.status_code == 409
    assert error_of(response)["code"] == "mode_change_refused"
    assert ledger_state() == before
    assert margin_account_for(borrower).multi_asset_mode is True


def test_mode_disable_needs_the_code_and_then_turns_it_off(api, borrower, otp):
    assert api.post("/api/v1/account/mode/disable/").status_code == 403
    response = api.post("/api/v1/account/mode/disable/", **otp())
    assert (response.status_code, response.json()) == (200, {"multi_asset_mode": False})


def test_max_borrowable_names_the_limit_that_caps_it(api, borrower):
    response = api.get("/api/v1/account/max-borrowable/", {"asset": "usdt"})
    assert response.status_code == 200
    body = response.json()
    assert body["asset"] == "USDT" and body["limited_by"] == "margin_ratio"
    assert D(body["amount"]) > 0
    Asset.objects.filter(symbol="USDT").update(borrow_limit=D("500"))
    capped = api.get("/api/v1/account/max-borrowable/", {"asset": "USDT"}).json()
    assert capped == {"asset": "USDT", "amount": "500", "limited_by": "borrow_limit"}


def test_max_borrowable_is_exactly_what_a_borrow_accepts(api, borrower, otp):
    amount = api.get("/api/v1/account/max-borrowable/", {"asset": "BTC"}).json()["amount"]
    too_much = str(D(amount) + D("0.00000001"))
    assert (
        api.post(
            "/api/v1/account/loans/borrow/", {"asset": "BTC", "amount": too_much}, format="json", **otp()
        ).status_code
        == 422
    )
    assert (
        api.post(
            "/api/v1/account/loans/borrow/", {"asset": "BTC", "amount": amount}, format="json", **otp()
        ).status_code
        == 201
    )


@pytest.mark.parametrize(
    ("asset", "expected"),
    [("ADA", "not_borrowable"), ("USDC", "not_borrowable")],
)
def test_max_borrowable_of_an_asset_that_cannot_be_borrowed_is_zero(api, borrower, asset, expected):
    assert api.get("/api/v1/account/max-borrowable/", {"asset": asset}).json() == {
        "asset": asset,
        "amount": "0",
        "limited_by": expected,
    }


def test_max_borrowable_is_zero_with_multi_asset_mode_off(api, customer):
    fund_margin(customer, BTC="1")
    body = api.get("/api/v1/account/max-borrowable/", {"asset": "USDT"}).json()
    assert body == {"asset": "USDT", "amount": "0", "limited_by": "multi_asset_mode_off"}


@pytest.mark.parametrize("url", ["/api/v1/account/max-borrowable/", "/api/v1/account/max-transferable/"])
@pytest.mark.parametrize(("query", "code"), [({}, "required"), ({"asset": "XYZ"}, "unknown_asset")])
def test_limits_need_a_known_asset(api, borrower, url, query, code):
    response = api.get(url, query)
    assert response.status_code == 400
    assert error_of(response)["code"] == code


def test_max_transferable_with_and_without_debt(api, borrower, otp):
    assert api.get("/api/v1/account/max-transferable/", {"asset": "BTC"}).json() == {
        "asset": "BTC",
        "amount": "1",
    }
    assert api.get("/api/v1/account/max-transferable/", {"asset": "ETH"}).json() == {
        "asset": "ETH",
        "amount": "0",
    }
    api.post("/api/v1/account/loans/borrow/", {"asset": "USDT", "amount": "40000"}, format="json", **otp())
    amount = api.get("/api/v1/account/max-transferable/", {"asset": "BTC"}).json()["amount"]
    assert D(0) < D(amount) < 1
    ok = api.post(
        "/api/v1/account/transfers/",
        {"asset": "BTC", "amount": amount, "direction": "to_spot"},
        format="json",
        **otp(),
    )
    assert ok.status_code == 201, ok.content
