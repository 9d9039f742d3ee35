"""Who changed it: the acting user is recorded, whether the change came through the API or a direct call."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from risk.models import RiskSettings
from risk.services.configuration import asset_tiers_replace, asset_update, risk_settings_update
from tests.admin.posts import visible_text

pytestmark = pytest.mark.django_db


def asset_history(client, asset) -> str:
    return visible_text(client.get(reverse("admin:risk_asset_history", args=[asset.pk])))


def tier_history(client, asset) -> str:
    page = asset_history(client, asset)
    return page[page.index("Collateral tier changes") :]


def settings_history(client) -> str:
    return visible_text(client.get(reverse("admin:risk_risksettings_history", args=[RiskSettings.load().pk])))


def test_a_tier_change_through_the_api_shows_its_author(officer_client, staff_api, market):
    response = staff_api.put(
        "/api/v1/staff/assets/BTC/tiers/", {"tiers": [{"up_to": None, "factor": "0.85"}]}, format="json"
    )
    assert response.status_code == 200, response.content

    assert "risk-desk Changed (API) unbounded band at 85% Factor: 0.9 → 0.85" in tier_history(
        officer_client, market["BTC"]
    )


def test_a_tier_change_by_a_direct_service_call_shows_its_author(officer_client, officer, market):
    asset_tiers_replace(actor=officer, symbol="BTC", tiers=[(None, D("0.8"))], reason="quarterly review")

    assert "rita Changed (quarterly review) unbounded band at 80% Factor: 0.9 → 0.8" in tier_history(
        officer_client, market["BTC"]
    )


def test_a_rate_change_through_the_api_shows_its_author(officer_client, staff_api, market):
    staff_api.patch("/api/v1/staff/assets/BTC/", {"daily_interest_rate": "0.0003"}, format="json")

    assert "risk-desk Changed (API) Daily interest rate: 0.0002 → 0.0003" in asset_history(
        officer_client, market["BTC"]
    )


def test_a_rate_change_by_a_direct_service_call_shows_its_author(officer_client, officer, market):
    asset_update(actor=officer, symbol="BTC", daily_interest_rate=D("0.0003"))

    assert "rita Changed Daily interest rate: 0.0002 → 0.0003" in asset_history(officer_client, market["BTC"])


def test_a_settings_change_through_the_api_shows_its_author(officer_client, staff_api, market):
    staff_api.patch("/api/v1/staff/risk-settings/", {"margin_call_level": "1.08"}, format="json")

    assert "risk-desk Changed (API) Margin call level: 1.1 → 1.08" in settings_history(officer_client)


def test_a_settings_change_by_a_direct_service_call_shows_its_author(officer_client, officer, market):
    risk_settings_update(actor=officer, margin_call_level=D("1.08"), reason="command")

    assert "rita Changed (command) Margin call level: 1.1 → 1.08" in settings_history(officer_client)


def test_a_change_by_the_system_itself_shows_as_system(officer_client, market):
    risk_settings_update(actor=None, margin_call_level=D("1.08"))

    assert "system Changed Margin call level: 1.1 → 1.08" in settings_history(officer_client)


def test_the_actor_given_wins_over_the_request_user(officer_client, officer, staff, market):
    # Four-eyes approval will call the service on behalf of the proposer from the approver's request.
    asset_update(actor=staff, symbol="BTC", name="Bitcoin")

    assert "risk-desk Changed Name: BTC → Bitcoin" in asset_history(officer_client, market["BTC"])


def test_an_unchanged_save_adds_no_history_entry(officer, market):
    before = RiskSettings.history.count()

    risk_settings_update(actor=officer, margin_call_level=D("1.10"))

    assert RiskSettings.history.count() == before


def test_the_same_value_written_differently_adds_no_history_entry(officer, market):
    before = RiskSettings.history.count()

    risk_settings_update(actor=officer, margin_call_level="1.100000")

    assert RiskSettings.history.count() == before
