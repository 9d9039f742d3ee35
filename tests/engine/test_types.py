"""Validation of the engine's input values."""

from decimal import Decimal as D

import pytest

from risk.engine import AssetTerms, Band, Position, Status, Thresholds


def test_position_converts_int_defaults_to_decimal() -> None:
    position = Position("BTC", margin=0)
    assert isinstance(position.margin, D)
    assert isinstance(position.principal, D)


def test_position_refuses_float() -> None:
    with pytest.raises(TypeError):
        Position("BTC", margin=0.1)  # type: ignore[arg-type]


def test_position_refuses_negative_amounts() -> None:
    with pytest.raises(ValueError):
        Position("BTC", principal=D("-1"))


def test_asset_terms_refuses_non_positive_price() -> None:
    with pytest.raises(ValueError):
        AssetTerms("BTC", D(0), 8, (Band(None, D("0.9")),))


def test_band_factor_must_be_in_zero_one() -> None:
    with pytest.raises(ValueError):
        Band(None, D("1.01"))
    with pytest.raises(ValueError):
        Band(None, D(0))


def test_bands_must_rise_and_only_the_last_may_be_open() -> None:
    with pytest.raises(ValueError):
        AssetTerms("BTC", D(1), 8, (Band(D(10), D(1)), Band(D(5), D("0.9"))))
    with pytest.raises(ValueError):
        AssetTerms("BTC", D(1), 8, (Band(None, D(1)), Band(D(5), D("0.9"))))


def test_bands_given_as_list_are_stored_as_tuple() -> None:
    terms = AssetTerms("BTC", D(1), 8, [Band(None, D(1))])  # type: ignore[arg-type]
    assert terms.bands == (Band(None, D(1)),)


def test_thresholds_refuse_borrow_level_at_or_below_100_percent() -> None:
    with pytest.raises(ValueError):
        Thresholds(borrow=D(1))


def test_thresholds_refuse_target_at_or_below_liquidation() -> None:
    with pytest.raises(ValueError):
        Thresholds(target=D("1.05"))


def test_status_values_are_strings() -> None:
    assert Status.MARGIN_CALL == "margin_call"
