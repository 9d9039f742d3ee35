"""Rates and risk levels beyond their usual bounds need an explicit confirmation, in admin and API."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse

from margin_project.errors import ConfirmationRequired
from risk.models import Asset, RiskSettings
from risk.services.configuration import risk_settings_update
from tests.admin.posts import asset_change_data, risk_settings_data
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db
SETTINGS_API = "/api/v1/staff/risk-settings/"

# (field, admin form fields, API body, value once saved, message). A 15% fee needs a target above
# 1 / (1 - 15%) = 117.6%, or the levels' own rule refuses it first.
SETTINGS_BEYOND_BOUNDS = [
    (
        "borrow_level",
        {"borrow_level": "4"},
        {"borrow_level": "4"},
        D("4"),
        "A borrow level of 400% is above the usual bound of 300%: confirm to save it.",
    ),
    (
        "transfer_out_level",
        {"transfer_out_level": "3.5"},
        {"transfer_out_level": "3.5"},
        D("3.5"),
        "A transfer-out level of 350% is above the usual bound of 300%: confirm to save it.",
    ),
    (
        "liquidation_fee",
        {"liquidation_fee": "0.15", "target_level": "1.2"},
        {"liquidation_fee": "0.15", "target_level": "1.2"},
        D("0.15"),
        "A liquidation fee of 15% is above the usual bound of 10%: confirm to save it.",
    ),
    (
        "max_price_age",
        {"max_price_age": "02:00:00"},
        {"max_price_age_seconds": 7200},
        timedelta(hours=2),
        "A maximum price age of 2 h is above the usual bound of 1 h: confirm to save it.",
    ),
]
SETTINGS_CASES = [pytest.param(*case, id=case[0]) for case in SETTINGS_BEYOND_BOUNDS]


def settings_url() -> str:
    return reverse("admin:risk_risksettings_change", args=[RiskSettings.load().pk])


@pytest.mark.parametrize(("field", "typed", "body", "saved", "message"), SETTINGS_CASES)
def test_admin_asks_to_confirm_a_setting_beyond_its_bound(
    officer_client, market, field, typed, body, saved, message
):
    before = getattr(RiskSettings.load(), field)

    response = officer_client.post(settings_url(), risk_settings_data(**typed))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    assert getattr(RiskSettings.load(), field) == before


@pytest.mark.parametrize(("field", "typed", "body", "saved", "message"), SETTINGS_CASES)
def test_admin_saves_a_setting_beyond_its_bound_once_confirmed(
    officer_client, market, field, typed, body, saved, message
):
    response = officer_client.post(settings_url(), risk_settings_data(**typed, confirm="on"))

    assert response.status_code == 302
    assert getattr(RiskSettings.load(), field) == saved


@pytest.mark.parametrize(("field", "typed", "body", "saved", "message"), SETTINGS_CASES)
def test_api_asks_to_confirm_a_setting_beyond_its_bound(
    staff_api, market, field, typed, body, saved, message
):
    before = getattr(RiskSettings.load(), field)

    response = staff_api.patch(SETTINGS_API, body, format="json")

    assert response.status_code == 400
    assert error_of(response) | {"details": None} == {
        "code": "confirmation_required",
        "message": message,
        "field": field,
        "details": None,
    }
    assert getattr(RiskSettings.load(), field) == before


@pytest.mark.parametrize(("field", "typed", "body", "saved", "message"), SETTINGS_CASES)
def test_api_saves_a_setting_beyond_its_bound_once_confirmed(
    staff_api, market, field, typed, body, saved, message
):
    response = staff_api.patch(SETTINGS_API, body | {"confirm": True}, format="json")

    assert response.status_code == 200, response.content
    assert getattr(RiskSettings.load(), field) == saved


def test_a_value_at_its_bound_needs_no_confirmation(staff_api, market):
    response = staff_api.patch(
        SETTINGS_API, {"borrow_level": "3", "max_price_age_seconds": 3600}, format="json"
    )

    assert response.status_code == 200, response.content
    assert RiskSettings.load().borrow_level == D("3")


def test_every_value_beyond_its_bound_is_named_at_once(staff_api, market):
    response = staff_api.patch(
        SETTINGS_API, {"borrow_level": "4", "max_price_age_seconds": 7200}, format="json"
    )

    assert [detail["field"] for detail in error_of(response)["details"]] == [
        "borrow_level",
        "max_price_age",
    ]


def test_a_confirmed_value_is_not_asked_again_when_another_field_changes(officer, market):
    risk_settings_update(actor=officer, borrow_level=D("4"), confirm=True)

    risk_settings_update(actor=officer, margin_call_level=D("1.08"))

    assert (RiskSettings.load().borrow_level, RiskSettings.load().margin_call_level) == (D("4"), D("1.08"))


def test_the_service_refuses_an_unconfirmed_value_called_directly(officer, market):
    with pytest.raises(ConfirmationRequired, match="A borrow level of 500%"):
        risk_settings_update(actor=officer, borrow_level=D("5"))


RATE_MESSAGE = "A daily interest rate of 2% a day is above the usual bound of 1% a day: confirm to save it."


def test_admin_asks_to_confirm_a_daily_rate_beyond_its_bound(officer_client, market):
    btc = market["BTC"]

    response = officer_client.post(
        reverse("admin:risk_asset_change", args=[btc.pk]), asset_change_data(btc, daily_interest_rate="0.02")
    )

    assert response.context["adminform"].form.errors["daily_interest_rate"] == [RATE_MESSAGE]
    assert Asset.objects.get(symbol="BTC").daily_interest_rate == D("0.0002")


def test_admin_saves_a_daily_rate_beyond_its_bound_once_confirmed(officer_client, market):
    btc = market["BTC"]

    response = officer_client.post(
        reverse("admin:risk_asset_change", args=[btc.pk]),
        asset_change_data(btc, daily_interest_rate="0.02", confirm="on"),
    )

    assert response.status_code == 302
    assert Asset.objects.get(symbol="BTC").daily_interest_rate == D("0.02")


def test_api_asks_to_confirm_a_daily_rate_beyond_its_bound(staff_api, market):
    response = staff_api.patch("/api/v1/staff/assets/BTC/", {"daily_interest_rate": "0.02"}, format="json")

    assert (error_of(response)["code"], error_of(response)["field"], error_of(response)["message"]) == (
        "confirmation_required",
        "daily_interest_rate",
        RATE_MESSAGE,
    )
    assert Asset.objects.get(symbol="BTC").daily_interest_rate == D("0.0002")


def test_api_saves_a_daily_rate_beyond_its_bound_once_confirmed(staff_api, market):
    response = staff_api.patch(
        "/api/v1/staff/assets/BTC/", {"daily_interest_rate": "0.02", "confirm": True}, format="json"
    )

    assert response.status_code == 200, response.content
    assert Asset.objects.get(symbol="BTC").daily_interest_rate == D("0.02")


def test_a_new_asset_with_a_rate_beyond_its_bound_needs_confirmation(staff_api, market):
    body = {
        "symbol": "SOL",
        "name": "Solana",
        "precision": 8,
        "daily_interest_rate": "0.05",
        "tiers": [{"up_to": None, "factor": "0.7"}],
    }

    refused = staff_api.post("/api/v1/staff/assets/", body, format="json")
    created = staff_api.post("/api/v1/staff/assets/", body | {"confirm": True}, format="json")

    assert error_of(refused)["code"] == "confirmation_required"
    assert created.status_code == 201, created.content
