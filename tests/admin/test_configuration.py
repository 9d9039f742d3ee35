"""Configuration through the admin: assets, collateral tiers and risk settings, with clear refusals."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from risk.models import Asset, CollateralTier, RiskSettings

from .posts import asset_change_data, risk_settings_data

pytestmark = pytest.mark.django_db


def asset_url(asset: Asset) -> str:
    return reverse("admin:risk_asset_change", args=[asset.pk])


def settings_url() -> str:
    return reverse("admin:risk_risksettings_change", args=[RiskSettings.load().pk])


def tiers_of(symbol: str) -> list[tuple]:
    return list(CollateralTier.objects.filter(asset__symbol=symbol).values_list("up_to", "factor"))


def test_officer_changes_btc_factor_and_rate(officer_client, market):
    btc = market["BTC"]
    tier = btc.tiers.get()
    data = asset_change_data(btc, tiers=[(tier, None, "0.85")], daily_interest_rate="0.00025")

    response = officer_client.post(asset_url(btc), data)

    assert response.status_code == 302
    btc.refresh_from_db()
    assert btc.daily_interest_rate == D("0.00025")
    assert tiers_of("BTC") == [(None, D("0.85"))]


def test_officer_replaces_flat_factor_with_progressive_tiers(officer_client, market):
    btc = market["BTC"]
    tier = btc.tiers.get()
    data = asset_change_data(
        btc,
        tiers=[
            (None, "150000000", "0.95"),
            (tier, None, "0.90"),
            (None, "100000000", "1"),
            (None, "120000000", "0.975"),
        ],
    )

    response = officer_client.post(asset_url(btc), data)

    assert response.status_code == 302
    assert sorted(tiers_of("BTC"), key=lambda t: (t[0] is None, t[0] or 0)) == [
        (D("100000000"), D("1")),
        (D("120000000"), D("0.975")),
        (D("150000000"), D("0.95")),
        (None, D("0.90")),
    ]


def test_negative_interest_rate_is_refused(officer_client, market):
    btc = market["BTC"]
    response = officer_client.post(asset_url(btc), asset_change_data(btc, daily_interest_rate="-0.0001"))

    assert "The daily interest rate cannot be negative." in response.content.decode()
    btc.refresh_from_db()
    assert btc.daily_interest_rate == D("0.0002")


def test_symbol_and_precision_cannot_change_once_created(officer_client, market):
    btc = market["BTC"]
    officer_client.post(asset_url(btc), asset_change_data(btc, symbol="XBT", precision="2"))

    btc.refresh_from_db()
    assert (btc.symbol, btc.precision) == ("BTC", 8)


def test_officer_adds_an_asset_with_its_tier(officer_client, market):
    data = {
        "symbol": "SOL",
        "name": "Solana",
        "precision": "8",
        "is_collateral": "on",
        "daily_interest_rate": "0.00015",
        "liquidation_priority": "30",
        "tiers-TOTAL_FORMS": "1",
        "tiers-INITIAL_FORMS": "0",
        "tiers-MIN_NUM_FORMS": "0",
        "tiers-MAX_NUM_FORMS": "1000",
        "tiers-0-factor": "0.8",
    }

    response = officer_client.post(reverse("admin:risk_asset_add"), data)

    assert response.status_code == 302
    assert tiers_of("SOL") == [(None, D("0.8"))]


def test_risk_settings_list_opens_the_one_record(officer_client, market):
    response = officer_client.get(reverse("admin:risk_risksettings_changelist"))

    assert response.status_code == 302
    assert response["Location"] == settings_url()


def test_officer_changes_margin_call_level(officer_client, market):
    response = officer_client.post(settings_url(), risk_settings_data(margin_call_level="1.08"))

    assert response.status_code == 302
    assert RiskSettings.load().margin_call_level == D("1.08")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"liquidation_level": "1.12"},
            "Thresholds must be ordered: liquidation &lt; margin call &lt;= target &lt; borrow.",
        ),
        (
            {"margin_call_level": "1.15"},
            "Thresholds must be ordered: liquidation &lt; margin call &lt;= target &lt; borrow.",
        ),
        (
            {"borrow_level": "1.10"},
            "Thresholds must be ordered: liquidation &lt; margin call &lt;= target &lt; borrow.",
        ),
        ({"transfer_out_level": "1.10"}, "The transfer-out level must be above the target."),
        ({"liquidation_fee": "0.5"}, "The liquidation fee must be at least 0 and below 0.5."),
        ({"max_price_age": "00:00:00"}, "The maximum price age must be longer than zero."),
    ],
)
def test_risk_settings_refused_with_a_clear_message(officer_client, market, fields, message):
    before = RiskSettings.load()

    response = officer_client.post(settings_url(), risk_settings_data(**fields))

    assert response.status_code == 200
    assert message in response.content.decode()
    after = RiskSettings.load()
    assert (after.liquidation_level, after.margin_call_level, after.borrow_level) == (
        before.liquidation_level,
        before.margin_call_level,
        before.borrow_level,
    )


def test_risk_settings_cannot_be_added_or_deleted(officer_client, market):
    assert officer_client.get(reverse("admin:risk_risksettings_add")).status_code == 403
    assert (
        officer_client.post(reverse("admin:risk_risksettings_delete", args=[1]), {"post": "yes"}).status_code
        == 403
    )
    assert RiskSettings.objects.count() == 1
