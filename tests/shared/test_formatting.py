"""Numbers as people read them: no trailing zeros, grouped, prices to significant digits."""

from decimal import Decimal as D

import pytest

from margin_project.formatting import (
    amount_text,
    nice_ceiling,
    percent_text,
    price_text,
    quote_text,
    ratio_percent,
    signed_percent_text,
    trigger_price_text,
    with_exact,
)


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (D("5.250280870000000000"), 8, "5.25028087"),
        (D("5.250280870000000000"), None, "5.25028087"),
        (D("20000.000000000000000000"), 8, "20,000"),
        (D("0.000000010000"), 8, "0.00000001"),
        (D("1.99999999"), 2, "1.99"),  # rounded down: never more than is there
        (D("-40000"), None, "−40,000"),
        (D("0E-18"), 8, "0"),
        (None, 8, "—"),
    ],
)
def test_amounts_have_no_trailing_zeros_and_group_thousands(value, places, text):
    assert amount_text(value, places) == text


def test_quote_values_show_cents_at_most():
    assert quote_text(D("76500.00000000")) == "76,500"
    assert quote_text(D("20002.12345678")) == "20,002.12"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("42010.500000000000000000"), "42,010.5"),
        (D("6.111111111"), "6.1111111"),
        (D("0.3999999999"), "0.39999999"),
        (D("0.000012345678912"), "0.000012345678"),
        (D("123456789.123"), "123,456,789"),  # every integer digit is kept
        (D("60000"), "60,000"),
    ],
)
def test_prices_keep_eight_significant_digits(value, text):
    assert price_text(value) == text


def test_a_trigger_price_is_rounded_toward_todays_price():
    # A falling price triggers: rounding up warns no later than the exact price.
    assert trigger_price_text(D("0.3999999999"), D("0.5")) == "0.4"
    assert trigger_price_text(D("6.111111111"), D("170")) == "6.11112"
    # A rising price (an owed asset) triggers: rounded down.
    assert trigger_price_text(D("70000.12345"), D("60000")) == "70,000.1"


def test_ratios_are_rounded_down_to_two_places():
    assert ratio_percent(D("1.00549999")) == "100.54%"
    assert ratio_percent(D("3.82461753")) == "382.46%"
    assert ratio_percent(None) == "—"


def test_percents_drop_trailing_zeros():
    assert percent_text(D("1.25")) == "125%"
    assert percent_text(D("1.125")) == "112.5%"
    assert percent_text(D("0.0002")) == "0.02%"
    assert percent_text(D("1.12555"), 2) == "112.55%"


def test_percent_changes_carry_their_sign():
    assert signed_percent_text(D("-12.5")) == "−12.5%"
    assert signed_percent_text(D("3")) == "+3%"


def test_a_suggested_amount_is_rounded_up_to_four_digits_and_the_unit():
    assert nice_ceiling(D("1009.87654321"), D("0.00000001")) == D("1010")
    assert nice_ceiling(D("0.0168234"), D("0.00000001")) == D("0.01683")
    assert nice_ceiling(D("3.2"), D("1")) == D("4")  # an asset of whole units


def test_the_exact_value_is_on_hover():
    assert str(with_exact("5.25", D("5.250280870000000000"))) == (
        '<span class="num-exact" title="5.25028087">5.25</span>'
    )
