"""The one tier rule (``tier_set_problems``) and the engine's use of it."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from risk.engine import AssetTerms, Band, TierProblemKind, tier_set_problems

from .strategies import bands

K = TierProblemKind


def kinds(tiers, **kwargs) -> list[TierProblemKind]:
    return [problem.kind for problem in tier_set_problems(tiers, **kwargs)]


def test_a_flat_factor_is_a_valid_set():
    assert kinds([(None, D("0.9"))]) == []


def test_binance_style_bands_in_any_order_are_valid():
    assert kinds([(D(120), D("0.975")), (None, D("0.9")), (D(100), D(1)), (D(150), D("0.95"))]) == []


@pytest.mark.parametrize(
    ("tiers", "expected"),
    [
        ([(None, D(0))], [K.FACTOR_OUT_OF_RANGE]),
        ([(None, D("1.000001"))], [K.FACTOR_OUT_OF_RANGE]),
        ([(D(0), D(1)), (None, D("0.9"))], [K.BOUND_NOT_POSITIVE]),
        ([(D(100), D(1)), (D(100), D("0.9")), (None, D("0.8"))], [K.BOUND_REPEATED]),
        ([(None, D(1)), (None, D("0.9"))], [K.SEVERAL_UNBOUNDED]),
        ([(D(100), D(1))], [K.NO_UNBOUNDED]),
        ([(D(100), D("0.9")), (None, D(1))], [K.FACTOR_RISES]),
    ],
)
def test_each_problem_is_named(tiers, expected):
    assert kinds(tiers) == expected


def test_a_collateral_asset_needs_a_band_and_another_asset_does_not():
    assert kinds([]) == [K.NO_BANDS]
    assert kinds([], collateral=False) == []


def test_every_problem_is_reported_at_once_with_the_band_as_given():
    problems = tier_set_problems([(D(100), D("1.5")), (None, D("0.9")), (None, D("0.8")), (D(-5), D("0.5"))])

    assert [(problem.kind, problem.index) for problem in problems] == [
        (K.FACTOR_OUT_OF_RANGE, 0),
        (K.BOUND_NOT_POSITIVE, 3),
        (K.SEVERAL_UNBOUNDED, None),
    ]


def test_only_a_rising_factor_needs_confirmation():
    (rising,) = tier_set_problems([(D(100), D("0.9")), (None, D(1))])

    assert rising.needs_confirmation
    assert (rising.lower, rising.factor, rising.other_factor) == (D(100), D(1), D("0.9"))
    assert not any(problem.needs_confirmation for problem in tier_set_problems([(None, D(2))]))


def test_in_the_given_order_bounds_must_rise_and_the_open_band_come_last():
    assert kinds([(D(10), D(1)), (D(5), D("0.9")), (None, D("0.8"))], ordered=True) == [K.BOUND_NOT_RISING]
    assert kinds([(None, D(1)), (D(5), D("0.9"))], ordered=True) == [K.UNBOUNDED_NOT_LAST]


def test_floats_are_refused():
    with pytest.raises(TypeError):
        tier_set_problems([(None, 0.9)])  # type: ignore[list-item]


def test_the_engine_values_bands_the_configuration_refuses_but_the_math_can_read():
    # Stored sets from before the rule (no open band: value above counts 0; a factor rising) still value.
    AssetTerms("BTC", D(1), 8, (Band(D(100), D("0.9")),))
    AssetTerms("BTC", D(1), 8, (Band(D(100), D("0.9")), Band(None, D(1))))


def test_the_engine_refuses_bands_the_math_cannot_read():
    with pytest.raises(ValueError, match="bound_repeated"):
        AssetTerms("BTC", D(1), 8, (Band(D(100), D(1)), Band(D(100), D("0.9"))))


@given(bands())
def test_every_band_set_the_engine_builds_passes_the_rule_in_order(generated):
    problems = tier_set_problems([(band.up_to, band.factor) for band in generated], ordered=True)

    assert {problem.kind for problem in problems} <= {K.NO_UNBOUNDED}


@given(st.permutations([(D(100), D(1)), (D(200), D("0.9")), (None, D("0.8"))]))
def test_the_order_given_does_not_matter_for_configuration(tiers):
    assert kinds(tiers) == []
