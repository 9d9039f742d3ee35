"""One vocabulary for where a ratio stands: the same zone on the bar, previews, dashboard and admin."""

from decimal import Decimal as D

import pytest

from margin_project.zones import Zone, zone_label, zone_of
from risk.engine import Position, Thresholds, status, value
from tests.engine.strategies import worked_example_assets

LEVELS = Thresholds()  # borrow 125%, margin call 110%, liquidation 105%


@pytest.mark.parametrize(
    ("ratio", "zone"),
    [
        (None, Zone.HEALTHY),
        (D("3.8"), Zone.HEALTHY),
        (D("1.25"), Zone.HEALTHY),
        (D("1.24999999"), Zone.NO_NEW_BORROWING),
        (D("1.10"), Zone.NO_NEW_BORROWING),
        (D("1.09999999"), Zone.MARGIN_CALL),
        (D("1.05000001"), Zone.MARGIN_CALL),
        (D("1.05"), Zone.LIQUIDATION),
        (D("0.5"), Zone.LIQUIDATION),
    ],
)
def test_each_ratio_falls_in_one_zone(ratio, zone):
    assert zone_of(ratio, LEVELS) == zone


def test_the_labels_are_the_words_every_page_uses():
    assert [z.label for z in Zone] == ["Healthy", "No new borrowing", "Margin call", "Liquidation"]
    assert zone_label("margin_call") == "Margin call"  # never "Margincall"
    assert zone_label(Zone.NO_NEW_BORROWING) == "No new borrowing"


@pytest.mark.parametrize("owed", ["20000", "45000", "49000", "51000", "52000"])
def test_zones_agree_with_the_engines_status(owed):
    positions = {"BTC": Position("BTC", margin=D(1)), "USDT": Position("USDT", principal=D(owed))}
    valuation = value(positions, worked_example_assets())
    zone = zone_of(valuation.margin_ratio, LEVELS)
    engine_status = status(valuation, LEVELS)
    expected = {Zone.HEALTHY: "healthy", Zone.NO_NEW_BORROWING: "healthy"}.get(zone, zone.value)
    assert engine_status == expected
