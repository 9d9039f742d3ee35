"""DESIGN's worked example, reproduced through the services."""

from decimal import Decimal as D

import pytest

from accounts.selectors import account_summary, margin_account_for
from accounts.services import loan_borrow
from tests.helpers import enable_mode, fund_margin


@pytest.mark.django_db
def test_design_worked_example_ratio_before_and_after_first_day_interest(customer, market):
    fund_margin(customer, BTC="1", ADA="10000")
    summary = account_summary(margin_account=margin_account_for(customer))
    assert summary.valuation.collateral_value == D("56500")
    assert summary.valuation.margin_ratio is None

    enable_mode(customer)
    result = loan_borrow(user=customer, asset="USDT", amount="20000")

    first_day = D("20000") * market["USDT"].daily_interest_rate  # 2 USDT at 0.01% a day
    assert result.interest_charged == first_day == D("2")
    summary = account_summary(margin_account=margin_account_for(customer))
    assert summary.valuation.collateral_value == D("76500")
    assert summary.valuation.liability == D("20002")
    # 382.5% before interest; 76 500 / 20 002 once the first day is charged, rounded down.
    assert D("76500") / D("20000") == D("3.825")
    assert summary.valuation.margin_ratio == (D("76500") / D("20002")).quantize(
        D("1e-8"), rounding="ROUND_FLOOR"
    )
    assert summary.status == "healthy"
