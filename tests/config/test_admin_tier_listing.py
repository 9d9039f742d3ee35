"""Tiers in the admin: sorted by bound, with human labels, never raw 18-decimal numbers."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from risk.services.configuration import asset_tiers_replace
from tests.admin.posts import visible_text

pytestmark = pytest.mark.django_db

# Stored out of order, and in an order text would sort wrongly ("100…" < "200…" < "50…").
BIG = [
    (D("200000000"), D("0.80")),
    (None, D("0.70")),
    (D("50000000"), D("0.90")),
    (D("100000000"), D("0.85")),
]
LABELS = [
    "up to 50,000,000 USDT: 90%",
    "50,000,000 to 100,000,000 USDT: 85%",
    "100,000,000 to 200,000,000 USDT: 80%",
    "above 200,000,000 USDT: 70%",
]


@pytest.fixture
def tiered_btc(officer, market):
    asset_tiers_replace(actor=officer, symbol="BTC", tiers=BIG)
    return market["BTC"]


def test_the_asset_list_shows_tiers_sorted_with_human_labels(officer_client, tiered_btc):
    page = visible_text(officer_client.get(reverse("admin:risk_asset_changelist")))

    assert " · ".join(LABELS) in page


def test_a_flat_factor_reads_as_every_value(officer_client, market):
    page = visible_text(officer_client.get(reverse("admin:risk_asset_changelist"), {"q": "ETH"}))

    assert "every value: 90%" in page


def test_the_change_page_lists_tiers_by_bound_with_their_labels(officer_client, tiered_btc):
    response = officer_client.get(reverse("admin:risk_asset_change", args=[tiered_btc.pk]))

    (tiers,) = response.context["inline_admin_formsets"]
    rows = [form.instance for form in tiers.formset.initial_forms]
    assert [row.up_to for row in rows] == [D("50000000"), D("100000000"), D("200000000"), None]
    page = visible_text(response)
    positions = [page.index(label) for label in LABELS]
    assert positions == sorted(positions)


def test_the_change_page_shows_no_padded_decimals(officer_client, tiered_btc):
    response = officer_client.get(reverse("admin:risk_asset_change", args=[tiered_btc.pk]))

    html = response.content.decode()
    assert 'value="50000000"' in html
    assert 'value="0.9"' in html
    assert "000000000000" not in html


def test_view_only_staff_see_tier_labels_and_no_confirmation(support_client, tiered_btc):
    client = support_client

    response = client.get(reverse("admin:risk_asset_change", args=[tiered_btc.pk]))

    page = visible_text(response)
    assert all(label in page for label in LABELS)
    assert "200000000.000000000000000000" not in page
    assert "Confirm" not in page
