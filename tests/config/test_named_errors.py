"""Errors that name the problem: each refusal of a configuration change has its own code."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from drf_spectacular.generators import SchemaGenerator

from margin_project.errors import (
    ConfirmationRequired,
    DomainError,
    InvalidAmount,
    InvalidAsset,
    InvalidCorrection,
    InvalidDirection,
    InvalidPrice,
    InvalidReference,
    InvalidSettings,
    InvalidTiers,
    NotACustomer,
    ReadOnlyField,
    UnknownField,
)
from risk.models import Asset, RiskSettings
from risk.services.configuration import asset_update, risk_settings_update
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db
SETTINGS_API = "/api/v1/staff/risk-settings/"

NAMED = {
    InvalidAmount: "invalid_amount",
    InvalidPrice: "invalid_price",
    InvalidDirection: "invalid_direction",
    InvalidReference: "invalid_reference",
    InvalidCorrection: "invalid_correction",
    InvalidTiers: "invalid_tiers",
    InvalidAsset: "invalid_asset",
    InvalidSettings: "invalid_settings",
    UnknownField: "unknown_field",
    ReadOnlyField: "read_only_field",
    ConfirmationRequired: "confirmation_required",
    NotACustomer: "not_a_customer",
}


def test_each_kind_of_refusal_has_its_own_code():
    assert {error: error.code for error in NAMED} == NAMED
    assert len(set(NAMED.values())) == len(NAMED)


@pytest.mark.parametrize("error", [error for error in NAMED if error is not InvalidAmount])
def test_no_other_refusal_passes_for_an_invalid_amount(error):
    assert issubclass(error, DomainError)
    assert not issubclass(error, InvalidAmount)


def test_an_unknown_settings_field_is_refused_by_name(staff_api, market):
    response = staff_api.patch(SETTINGS_API, {"borrow_levl": "1.3"}, format="json")

    assert response.status_code == 400
    error = error_of(response)
    assert (error["code"], error["field"]) == ("unknown_field", "borrow_levl")
    assert error["message"].startswith("'borrow_levl' is not a field that can be changed here; known fields:")
    assert RiskSettings.load().borrow_level == D("1.25")


def test_the_settings_service_accepts_only_known_fields(officer, market):
    with pytest.raises(UnknownField, match="'history' is not a field"):
        risk_settings_update(actor=officer, history=None)


def test_symbol_and_precision_are_read_only(staff_api, market):
    response = staff_api.patch("/api/v1/staff/assets/BTC/", {"precision": 2}, format="json")

    assert (error_of(response)["code"], error_of(response)["field"]) == ("read_only_field", "precision")
    assert Asset.objects.get(symbol="BTC").precision == 8


def test_the_asset_service_refuses_a_read_only_field(officer, market):
    with pytest.raises(ReadOnlyField):
        asset_update(actor=officer, symbol="BTC", precision=2)


def test_an_unknown_asset_field_is_refused_by_name(staff_api, market):
    response = staff_api.patch("/api/v1/staff/assets/BTC/", {"is_colateral": False}, format="json")

    assert (error_of(response)["code"], error_of(response)["field"]) == ("unknown_field", "is_colateral")
    assert Asset.objects.get(symbol="BTC").is_collateral is True


def test_levels_out_of_order_are_invalid_settings(staff_api, market):
    response = staff_api.patch(SETTINGS_API, {"margin_call_level": "1.01"}, format="json")

    assert (error_of(response)["code"], error_of(response)["field"]) == (
        "invalid_settings",
        "margin_call_level",
    )


def test_a_duplicate_symbol_is_an_invalid_asset(staff_api, market):
    response = staff_api.post(
        "/api/v1/staff/assets/",
        {"symbol": "BTC", "name": "again", "precision": 8, "tiers": [{"up_to": None, "factor": "0.5"}]},
        format="json",
    )

    assert (error_of(response)["code"], error_of(response)["field"]) == ("invalid_asset", "symbol")


def _documented_codes() -> dict[str, set[str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    codes: dict[str, set[str]] = {}
    for item in schema["paths"].values():
        for operation in item.values():
            for response in operation["responses"].values():
                examples = response.get("content", {}).get("application/json", {}).get("examples", {})
                for example in examples.values():
                    error = example.get("value", {})
                    if isinstance(error, dict) and "error" in error:
                        codes.setdefault(operation["operationId"], set()).add(error["error"]["code"])
    return codes


def test_the_schema_documents_the_configuration_refusals():
    codes = _documented_codes()

    assert {"invalid_tiers", "confirmation_required", "not_found"} <= codes["staff_asset_tiers_replace"]
    assert {"invalid_asset", "invalid_tiers", "confirmation_required", "unknown_field"} <= codes[
        "staff_asset_create"
    ]
    assert {"read_only_field", "unknown_field", "confirmation_required"} <= codes["staff_asset_update"]
    assert {"invalid_settings", "unknown_field", "confirmation_required"} <= codes[
        "staff_risk_settings_update"
    ]
    assert "not_a_customer" in codes["staff_deposit_credit"]


def _documented_example(operation_id: str, code: str) -> dict:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for item in schema["paths"].values():
        for operation in item.values():
            if operation["operationId"] != operation_id:
                continue
            for response in operation["responses"].values():
                examples = response.get("content", {}).get("application/json", {}).get("examples", {})
                for example in examples.values():
                    if example.get("value", {}).get("error", {}).get("code") == code:
                        return example["value"]
    raise AssertionError(f"{operation_id} documents no {code}")


@pytest.mark.parametrize(
    ("operation_id", "method", "url", "body"),
    [
        ("staff_risk_settings_update", "patch", SETTINGS_API, {"borrow_levl": "1.3"}),
        ("staff_asset_update", "patch", "/api/v1/staff/assets/BTC/", {"is_colateral": False}),
        (
            "staff_asset_create",
            "post",
            "/api/v1/staff/assets/",
            {"symbol": "SOL", "name": "Solana", "precision": 8, "is_colateral": False},
        ),
    ],
)
def test_the_documented_unknown_field_answer_is_the_real_one(
    staff_api, market, operation_id, method, url, body
):
    response = getattr(staff_api, method)(url, body, format="json")

    assert response.json() == _documented_example(operation_id, "unknown_field")


def test_the_documented_tier_refusal_is_the_real_one(staff_api, market):
    tiers = [
        {"up_to": "100000000", "factor": "1.5"},
        {"up_to": None, "factor": "0.9"},
        {"up_to": None, "factor": "0.8"},
    ]

    response = staff_api.put("/api/v1/staff/assets/BTC/tiers/", {"tiers": tiers}, format="json")

    assert response.json() == _documented_example("staff_asset_tiers_replace", "invalid_tiers")
