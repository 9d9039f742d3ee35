"""One tier rule: every bad tier set is refused the same way by the admin's inline and the API.

The admin posts the inline formset (Django test client); the API replaces the tiers. Both
must refuse with the same list of messages (each naming its band), and change nothing.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from risk.models import Asset, CollateralTier
from tests.admin.posts import asset_change_data
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db

OVER = (
    "Every band has an upper bound, so value above 120,000,000 USDT would count nothing: leave the last "
    "band's “up to” empty."
)

# (case, bands as (up_to, factor), top code, detail codes, messages in order)
BAD_TIER_SETS = [
    (
        "no band for a collateral asset",
        [],
        "invalid_tiers",
        ["no_bands"],
        ["A collateral asset needs at least one band; without one it counts nothing as collateral."],
    ),
    (
        "factor zero",
        [(None, "0")],
        "invalid_tiers",
        ["factor_out_of_range"],
        ["The unbounded band: its collateral factor 0% must be above 0% and at most 100%."],
    ),
    (
        "factor negative",
        [(None, "-0.1")],
        "invalid_tiers",
        ["factor_out_of_range"],
        ["The unbounded band: its collateral factor −10% must be above 0% and at most 100%."],
    ),
    (
        "factor above one",
        [("100000000", "1.01"), (None, "0.9")],
        "invalid_tiers",
        ["factor_out_of_range"],
        ["The band up to 100,000,000 USDT: its collateral factor 101% must be above 0% and at most 100%."],
    ),
    (
        "bound zero",
        [(None, "0.9"), ("0", "1")],
        "invalid_tiers",
        ["bound_not_positive"],
        [
            "A band cannot end at 0 USDT: an upper bound must be above 0 (leave it empty for the last, "
            "unbounded band)."
        ],
    ),
    (
        "two bands end at the same bound",
        [(None, "0.8"), ("100000000", "1"), ("100000000", "0.95")],
        "invalid_tiers",
        ["bound_repeated"],
        [
            "Two bands end at 100,000,000 USDT: bands must not overlap, so each upper bound must be higher "
            "than the one below it."
        ],
    ),
    (
        "two unbounded bands",
        [(None, "0.9"), (None, "0.8")],
        "invalid_tiers",
        ["several_unbounded"],
        [
            "2 bands have no upper bound: only one may (empty “up to”), and it is the last band, above all "
            "others."
        ],
    ),
    (
        "no unbounded band",
        [("100000000", "1"), ("120000000", "0.975")],
        "invalid_tiers",
        ["no_unbounded_band"],
        [OVER],
    ),
    (
        "a factor rising with size, not confirmed",
        [("100000000", "0.9"), (None, "1")],
        "confirmation_required",
        ["factor_rises"],
        [
            "The band above 100,000,000 USDT counts 100%, more than the 90% of the band below: larger "
            "positions are normally discounted more. Confirm to save a factor that rises with size."
        ],
    ),
    (
        "every problem at once",
        [("100000000", "1.5"), (None, "0.9"), (None, "0.8"), ("-5", "0.5")],
        "invalid_tiers",
        ["factor_out_of_range", "bound_not_positive", "several_unbounded"],
        [
            "The band up to 100,000,000 USDT: its collateral factor 150% must be above 0% and at most 100%.",
            "A band cannot end at −5 USDT: an upper bound must be above 0 (leave it empty for the last, "
            "unbounded band).",
            "2 bands have no upper bound: only one may (empty “up to”), and it is the last band, above all "
            "others.",
        ],
    ),
]
CASES = [pytest.param(*case[1:], id=case[0]) for case in BAD_TIER_SETS]


def btc_tiers() -> list[tuple]:
    return list(CollateralTier.objects.filter(asset__symbol="BTC").values_list("up_to", "factor"))


def admin_post(client, asset: Asset, bands: list[tuple], **fields):
    """The asset's change page with its one tier row replaced by ``bands`` (the first reuses the row)."""
    existing = asset.tiers.get()
    if bands:
        rows = [(existing, *bands[0]), *[(None, *band) for band in bands[1:]]]
    else:
        rows = [(existing, existing.up_to, existing.factor, True)]  # delete the only tier
    return client.post(
        reverse("admin:risk_asset_change", args=[asset.pk]), asset_change_data(asset, rows, **fields)
    )


def admin_tier_errors(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    (tiers,) = response.context["inline_admin_formsets"]
    return list(tiers.formset.non_form_errors())


def api_put(client, bands: list[tuple], **extra):
    body = {"tiers": [{"up_to": up_to, "factor": factor} for up_to, factor in bands], **extra}
    return client.put("/api/v1/staff/assets/BTC/tiers/", body, format="json")


@pytest.mark.parametrize(("bands", "code", "detail_codes", "messages"), CASES)
def test_the_admin_refuses_a_bad_tier_set_listing_every_problem(
    officer_client, market, bands, code, detail_codes, messages
):
    response = admin_post(officer_client, market["BTC"], bands)

    assert admin_tier_errors(response) == messages
    assert btc_tiers() == [(None, D("0.90"))]


@pytest.mark.parametrize(("bands", "code", "detail_codes", "messages"), CASES)
def test_the_api_refuses_a_bad_tier_set_listing_every_problem(
    staff_api, market, bands, code, detail_codes, messages
):
    response = api_put(staff_api, bands)

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == code
    assert error["field"] == "tiers"
    assert [detail["code"] for detail in error["details"]] == detail_codes
    assert [detail["message"] for detail in error["details"]] == messages
    assert btc_tiers() == [(None, D("0.90"))]


@pytest.mark.parametrize(("bands", "code", "detail_codes", "messages"), CASES)
def test_admin_and_api_give_the_same_refusal(
    officer_client, staff_api, market, bands, code, detail_codes, messages
):
    from_admin = admin_tier_errors(admin_post(officer_client, market["BTC"], bands))
    from_api = [detail["message"] for detail in error_of(api_put(staff_api, bands))["details"]]

    assert from_admin == from_api


def test_api_details_name_the_band_as_sent(staff_api, market):
    response = api_put(staff_api, [(None, "0.9"), ("100", "1.5")])

    assert [detail["field"] for detail in error_of(response)["details"]] == ["tiers.1.factor"]


RISING = [("100000000", "0.9"), (None, "1")]


def test_the_admin_saves_a_rising_factor_once_confirmed(officer_client, market):
    response = admin_post(officer_client, market["BTC"], RISING, confirm="on")

    assert response.status_code == 302
    assert sorted(btc_tiers(), key=lambda t: (t[0] is None, t[0] or 0)) == [
        (D("100000000"), D("0.9")),
        (None, D("1")),
    ]


def test_the_api_saves_a_rising_factor_once_confirmed(staff_api, market):
    response = api_put(staff_api, RISING, confirm=True)

    assert response.status_code == 200, response.content
    assert [(t["up_to"], t["factor"]) for t in response.json()["tiers"]] == [
        ("100000000", "0.9"),
        (None, "1"),
    ]


def test_a_non_collateral_asset_may_have_no_tiers(staff_api, market):
    response = staff_api.put("/api/v1/staff/assets/USDC/tiers/", {"tiers": []}, format="json")

    assert response.status_code == 200, response.content
    assert not CollateralTier.objects.filter(asset__symbol="USDC").exists()


def test_a_collateral_asset_cannot_be_created_without_tiers(staff_api, market):
    response = staff_api.post(
        "/api/v1/staff/assets/", {"symbol": "SOL", "name": "Solana", "precision": 8}, format="json"
    )

    assert response.status_code == 400
    assert (error_of(response)["code"], error_of(response)["details"][0]["code"]) == (
        "invalid_tiers",
        "no_bands",
    )
    assert not Asset.objects.filter(symbol="SOL").exists()


def test_collateral_cannot_be_switched_on_for_an_asset_without_tiers(staff_api, market):
    assert staff_api.put("/api/v1/staff/assets/USDC/tiers/", {"tiers": []}, format="json").status_code == 200

    response = staff_api.patch("/api/v1/staff/assets/USDC/", {"is_collateral": True}, format="json")

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_tiers"
    assert Asset.objects.get(symbol="USDC").is_collateral is False
