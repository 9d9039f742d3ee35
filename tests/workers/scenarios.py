"""Accounts in the states the sweep acts on, built through the real services."""

from decimal import Decimal as D

from accounts.selectors import account_positions, margin_account_for
from accounts.services import loan_borrow, transfer
from risk import engine
from risk.selectors import market_snapshot, thresholds_current
from tests.helpers import enable_mode, fund_margin

# 1 BTC at 60 000 (factor 0.90) against 40 000 USDT borrowed and taken out to spot:
# ratio 54 000 / 40 004 = 134.99%. BTC at 48 000 -> 108% (margin call);
# at 46 000 -> 103.5% (liquidation); at 30 000 -> collateral cannot cover the debt.
MARGIN_CALL_PRICE = D("48000")
LIQUIDATION_PRICE = D("46000")
CRASH_PRICE = D("30000")


def leveraged_btc_holder(user):
    fund_margin(user, BTC="1")
    enable_mode(user)
    loan_borrow(user=user, asset="USDT", amount="40000")
    transfer(user=user, asset="USDT", amount="40000", direction="to_spot")
    return margin_account_for(user)


def engine_plan(margin_account) -> engine.LiquidationPlan:
    """What the engine plans for the account at today's prices (computed independently of the sweep)."""
    positions = account_positions(margin_account)
    return engine.liquidation_plan(positions, market_snapshot(symbols=positions).terms, thresholds_current())
