"""A liquidation arranged to explain it: what was repaid, what was sold at what price, and why."""

from __future__ import annotations

from dataclasses import dataclass

from risk import engine
from risk.models import LineKind, Liquidation, LiquidationLine
from risk.selectors import thresholds_current


@dataclass(frozen=True)
class LiquidationExplained:
    liquidation: Liquidation
    thresholds: engine.Thresholds
    own_repayments: list[LiquidationLine]
    sales: list[LiquidationLine]
    repayments: list[LiquidationLine]
    bad_debt: list[LiquidationLine]


def liquidation_explain(liquidation: Liquidation) -> LiquidationExplained:
    lines = list(liquidation.lines.select_related("asset", "from_sale_of").order_by("position"))

    def of(kind: str) -> list[LiquidationLine]:
        return [line for line in lines if line.kind == kind]

    return LiquidationExplained(
        liquidation=liquidation,
        thresholds=thresholds_current(),
        own_repayments=of(LineKind.OWN_ASSET_REPAYMENT),
        sales=of(LineKind.SALE),
        repayments=of(LineKind.REPAYMENT),
        bad_debt=of(LineKind.BAD_DEBT),
    )
