"""The staff API asks for the role the admin asks for, and for the second factor on every change."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from accounts.models import LedgerTransaction
from margin_project.api.permissions import StaffPermission
from risk.models import AssetPrice, CollateralTier, RiskSettings
from tests.api.conftest import error_of, fresh_code
from tests.helpers import ledger_state

from .conftest import api_for, staff_member

pytestmark = pytest.mark.django_db

# What the support token did: credit money, change the levels, replace tiers, crash BTC.
EXPLOITS = [
    (
        "post",
        "/api/v1/staff/deposits/",
        {"username": "alice", "asset": "USDT", "amount": "5", "reference": "x1"},
    ),
    ("patch", "/api/v1/staff/risk-settings/", {"liquidation_level": "1.06"}),
    ("put", "/api/v1/staff/assets/BTC/tiers/", {"tiers": [{"up_to": None, "factor": "0.01"}]}),
    ("post", "/api/v1/staff/prices/", {"prices": [{"asset": "BTC", "price": "2000", "source": "feed"}]}),
    (
        "post",
        "/api/v1/staff/assets/",
        {"symbol": "XRP", "name": "XRP", "precision": 6, "is_collateral": False},
    ),
    ("patch", "/api/v1/staff/assets/BTC/", {"daily_interest_rate": "0.0005"}),
]


def desk_state() -> tuple:
    """Everything these calls could change: money, prices, tiers, levels, assets."""
    risk = RiskSettings.load()
    return (
        ledger_state(),
        tuple(AssetPrice.objects.order_by("asset_id").values_list("asset_id", "price")),
        tuple(CollateralTier.objects.order_by("id").values_list("asset_id", "up_to", "factor")),
        (risk.liquidation_level, risk.margin_call_level),
        tuple(LedgerTransaction.objects.values_list("id", flat=True)),
    )


@pytest.mark.parametrize(("method", "url", "body"), EXPLOITS)
def test_support_with_a_valid_code_cannot_move_money_or_change_the_desk(desk, method, url, body):
    before = desk_state()

    response = getattr(api_for(desk, "support"), method)(url, body, format="json")

    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"
    assert desk_state() == before


@pytest.mark.parametrize(("method", "url", "body"), EXPLOITS)
def test_the_risk_officer_may_with_the_code(desk, method, url, body):
    response = getattr(api_for(desk, "officer"), method)(url, body, format="json")

    assert response.status_code in (200, 201), response.content


@pytest.mark.parametrize(("method", "url", "body"), EXPLOITS)
def test_a_staff_change_without_the_code_is_refused_and_changes_nothing(desk, method, url, body):
    client = api_for(desk, "officer", code=False)
    before = desk_state()

    response = getattr(client, method)(url, body, format="json")

    assert response.status_code == 403
    assert error_of(response)["code"] == "two_factor_required"
    assert desk_state() == before


def test_a_wrong_code_on_a_staff_change_is_refused_and_counted(desk):
    officer = desk.users["officer"]
    client = api_for(desk, "officer", code=f"{(int(fresh_code(officer)) + 1) % 1_000_000:06d}")

    response = client.post("/api/v1/staff/prices/", EXPLOITS[3][2], format="json")

    assert error_of(response)["code"] == "two_factor_invalid"
    assert officer.totpdevice_set.get().throttling_failure_count == 1
    assert AssetPrice.objects.get(asset__symbol="BTC").price == D("20000")


def test_staff_without_an_authenticator_change_nothing_while_staff_mfa_is_required(desk, make_user):
    officer = staff_member(make_user, "newbie", "officer")
    officer.totpdevice_set.all().delete()
    desk.users["newbie"] = officer

    response = api_for(desk, "newbie").post("/api/v1/staff/prices/", EXPLOITS[3][2], format="json")

    assert response.status_code == 403
    assert error_of(response) == {
        "code": "two_factor_required",
        "message": "Set up two-factor authentication first.",
        "field": "otp_code",
    }


def test_with_staff_mfa_off_a_staff_member_without_an_authenticator_needs_no_code(desk, make_user, settings):
    settings.STAFF_MFA_REQUIRED = False
    officer = staff_member(make_user, "demo", "officer")
    officer.totpdevice_set.all().delete()
    desk.users["demo"] = officer

    response = api_for(desk, "demo").post("/api/v1/staff/prices/", EXPLOITS[3][2], format="json")

    assert response.status_code == 200, response.content


def test_reading_needs_no_code(desk):
    client = api_for(desk, "support", code=False)

    assert client.get("/api/v1/staff/accounts/").status_code == 200
    assert client.get("/api/v1/staff/risk-settings/").status_code == 200


def test_customer_endpoints_refuse_staff(desk):
    response = api_for(desk, "superuser").post(
        "/api/v1/account/loans/borrow/", {"asset": "USDT", "amount": "1"}, format="json"
    )

    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_a_staff_session_without_its_second_factor_does_not_reach_the_api(desk, client):
    client.force_login(desk.users["officer"])  # the password only: no code given in this session

    assert client.get("/api/v1/staff/accounts/").status_code == 401


class Undeclared(APIView):
    permission_classes = [StaffPermission]
    staff_permissions = {"GET": "accounts.view_marginaccount"}

    def get(self, request):  # pragma: no cover - never reached
        raise AssertionError

    post = get


@pytest.mark.parametrize("method", ["post", "delete"])
def test_a_method_a_staff_view_does_not_declare_is_refused_even_to_a_superuser(desk, method):
    request = getattr(APIRequestFactory(), method)("/x/", {}, format="json")
    force_authenticate(request, user=desk.users["superuser"])

    response = Undeclared.as_view()(request)

    assert response.status_code == 403
