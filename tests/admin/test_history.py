"""Every configuration change is kept: who, when, old and new value, readable in the admin."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from risk.models import Asset, CollateralTier, RiskSettings

from .posts import asset_change_data, risk_settings_data, visible_text

pytestmark = pytest.mark.django_db


def change_btc_factor(client, btc: Asset, factor: str) -> None:
    response = client.post(
        reverse("admin:risk_asset_change", args=[btc.pk]),
        asset_change_data(btc, tiers=[(btc.tiers.get(), None, factor)]),
    )
    assert response.status_code == 302


def test_factor_change_is_recorded_with_who_old_and_new(officer_client, officer, market):
    btc = market["BTC"]
    change_btc_factor(officer_client, btc, "0.85")

    latest = CollateralTier.history.filter(asset_id=btc.pk).latest("history_date")
    previous = latest.prev_record
    assert latest.history_user == officer
    assert latest.history_type == "~"
    assert (previous.factor, latest.factor) == (D("0.90"), D("0.85"))


def test_asset_history_page_shows_the_factor_change(officer_client, market):
    btc = market["BTC"]
    change_btc_factor(officer_client, btc, "0.85")

    page = visible_text(officer_client.get(reverse("admin:risk_asset_history", args=[btc.pk])))

    tier_history = page[page.index("Collateral tier changes") :]
    assert "rita Changed (admin) unbounded band at 85% Factor: 0.9 → 0.85" in tier_history


def test_rate_change_shows_old_and_new_rate(officer_client, market):
    btc = market["BTC"]
    officer_client.post(
        reverse("admin:risk_asset_change", args=[btc.pk]),
        asset_change_data(btc, daily_interest_rate="0.0003"),
    )

    page = visible_text(officer_client.get(reverse("admin:risk_asset_history", args=[btc.pk])))

    assert "rita Changed (admin) Daily interest rate: 0.0002 → 0.0003" in page


def test_risk_settings_change_is_readable_in_history(officer_client, market):
    officer_client.post(
        reverse("admin:risk_risksettings_change", args=[1]), risk_settings_data(margin_call_level="1.08")
    )

    page = visible_text(officer_client.get(reverse("admin:risk_risksettings_history", args=[1])))

    assert RiskSettings.history.latest("history_date").history_user.username == "rita"
    assert "rita Changed (admin) Margin call level: 1.1 → 1.08" in page


def test_history_cannot_be_used_to_revert(officer_client, market):
    btc = market["BTC"]
    change_btc_factor(officer_client, btc, "0.85")
    first = Asset.history.filter(id=btc.pk).earliest("history_date")

    response = officer_client.post(
        reverse("admin:risk_asset_simple_history", args=[btc.pk, first.history_id]),
        asset_change_data(btc, name="Reverted"),
    )

    assert response.status_code == 403
    btc.refresh_from_db()
    assert btc.name == "BTC"


def test_saving_an_asset_unchanged_adds_no_history_entry(officer_client, market):
    btc = market["BTC"]
    entries = Asset.history.filter(id=btc.pk).count()

    officer_client.post(reverse("admin:risk_asset_change", args=[btc.pk]), asset_change_data(btc))

    assert Asset.history.filter(id=btc.pk).count() == entries
