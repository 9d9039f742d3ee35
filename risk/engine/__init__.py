"""The margin desk's risk engine: pure money math over plain values, no Django.

Valuation and margin ratio, max borrowable / transferable, liquidation prices, the
partial liquidation plan and the stress test. Every amount is a `Decimal`; arithmetic
runs in the desk's 80-digit context (`rounding.MONEY_CONTEXT`) and rounds only where a
rule says so, always in the direction that favours solvency.
"""

from .limits import (
    Borrowable,
    CollateralRepay,
    RepayOutcome,
    first_day_interest,
    max_borrowable,
    max_transferable,
    transfer_in_needed,
    with_borrow,
    with_collateral_repay,
    with_repay,
    with_transfer,
)
from .liquidation import (
    BadDebt,
    LiquidationPlan,
    OwnAssetRepayment,
    Repayment,
    Sale,
    apply_plan,
    liquidation_plan,
    simulate_sale,
)
from .liquidation_price import LiquidationPrices, liquidation_prices, price_step
from .stress import AccountStress, StressResult, shocked_prices, stress_test
from .tiers import collateral_value_of
from .types import (
    QUOTE_PLACES,
    RATIO_PLACES,
    AssetTerms,
    Band,
    Position,
    Status,
    Thresholds,
    TierProblem,
    TierProblemKind,
    tier_set_problems,
)
from .valuation import AssetValuation, Valuation, status, value

__all__ = [
    "QUOTE_PLACES",
    "RATIO_PLACES",
    "AccountStress",
    "AssetTerms",
    "AssetValuation",
    "BadDebt",
    "Band",
    "Borrowable",
    "CollateralRepay",
    "LiquidationPlan",
    "LiquidationPrices",
    "OwnAssetRepayment",
    "Position",
    "RepayOutcome",
    "Repayment",
    "Sale",
    "Status",
    "StressResult",
    "Thresholds",
    "TierProblem",
    "TierProblemKind",
    "Valuation",
    "apply_plan",
    "collateral_value_of",
    "first_day_interest",
    "liquidation_plan",
    "liquidation_prices",
    "max_borrowable",
    "max_transferable",
    "price_step",
    "shocked_prices",
    "simulate_sale",
    "status",
    "stress_test",
    "tier_set_problems",
    "transfer_in_needed",
    "value",
    "with_borrow",
    "with_collateral_repay",
    "with_repay",
    "with_transfer",
]
