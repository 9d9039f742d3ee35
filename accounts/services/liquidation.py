"""Partial liquidation: carry out the engine's plan as one ledger transaction and one record."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from margin_project.formatting import ratio_percent
from margin_project.money import plain, round_down, round_up
from risk import engine
from risk.models import LineKind, Liquidation, LiquidationLine, MarginCall
from risk.selectors import MarketSnapshot

from ..models import Loan, MarginAccount
from ..models.ledger import AccountKind, TransactionKind
from .common import loan_get_or_create, wallet_account
from .ledger import Leg, house_account, ledger_post
from .notifications import notification_create


def liquidation_execute(
    *,
    margin_account: MarginAccount,
    positions: dict[str, engine.Position],
    market: MarketSnapshot,
    thresholds: engine.Thresholds,
    valuation: engine.Valuation,
    margin_call: MarginCall | None = None,
) -> Liquidation | None:
    """Post the partial liquidation the engine plans for a locked account.

    Own-asset repayment first, then collateral sold at the oracle price in priority
    order, only enough to reach the target ratio; the fee goes to the insurance fund;
    what collateral cannot cover is bad debt the insurance fund takes. Returns None
    when the plan moves nothing.
    """
    plan = engine.liquidation_plan(positions, market.terms, thresholds)
    if not (plan.own_asset_repayments or plan.sales or plan.repayments or plan.bad_debt):
        return None
    user = margin_account.user
    assets = market.assets
    loans: dict[str, Loan] = {}

    def loan(symbol: str) -> Loan:
        if symbol not in loans:
            loans[symbol] = loan_get_or_create(margin_account, assets[symbol])
        return loans[symbol]

    def debt_legs(symbol: str, interest: Decimal, principal: Decimal) -> list[Leg]:
        legs = []
        if interest:
            legs.append(Leg(loan(symbol).interest_account, interest))
        if principal:
            legs.append(Leg(loan(symbol).principal_account, principal))
        return legs

    legs: list[Leg] = []
    lines: list[LiquidationLine] = []
    fee_value = Decimal(0)
    bad_debt_value = Decimal(0)
    for step in plan.own_asset_repayments:
        legs.append(
            Leg(
                wallet_account(user, AccountKind.MARGIN, assets[step.symbol]),
                -(step.interest + step.principal),
            )
        )
        legs += debt_legs(step.symbol, step.interest, step.principal)
        lines.append(
            _line(
                LineKind.OWN_ASSET_REPAYMENT,
                assets[step.symbol],
                market,
                interest=step.interest,
                principal=step.principal,
            )
        )
    # The house's lending pool buys the collateral and hands back the owed assets.
    pool_flow: dict[str, Decimal] = defaultdict(Decimal)
    for sale in plan.sales:
        asset = assets[sale.symbol]
        legs.append(Leg(wallet_account(user, AccountKind.MARGIN, asset), -sale.quantity))
        if sale.fee_quantity:
            legs.append(Leg(house_account(AccountKind.INSURANCE_FUND, asset), sale.fee_quantity))
        pool_flow[sale.symbol] += sale.quantity - sale.fee_quantity
        fee_value += sale.fee_quantity * sale.price
        lines.append(
            _line(
                LineKind.SALE,
                asset,
                market,
                quantity=sale.quantity,
                price=sale.price,
                fee_quantity=sale.fee_quantity,
                value=round_down(sale.quantity * sale.price, engine.QUOTE_PLACES),
            )
        )
    for repayment in plan.repayments:
        asset = assets[repayment.symbol]
        pool_flow[repayment.symbol] -= repayment.interest + repayment.principal
        legs += debt_legs(repayment.symbol, repayment.interest, repayment.principal)
        lines.append(
            _line(
                LineKind.REPAYMENT,
                asset,
                market,
                interest=repayment.interest,
                principal=repayment.principal,
                from_sale_of=assets.get(repayment.from_sale_of),
            )
        )
    for symbol, amount in pool_flow.items():
        if amount:
            legs.append(Leg(house_account(AccountKind.LENDING_POOL, assets[symbol]), amount))
    for debt in plan.bad_debt:
        asset = assets[debt.symbol]
        legs.append(Leg(house_account(AccountKind.INSURANCE_FUND, asset), -(debt.interest + debt.principal)))
        legs += debt_legs(debt.symbol, debt.interest, debt.principal)
        bad_debt_value += (debt.interest + debt.principal) * market.terms[debt.symbol].price
        lines.append(
            _line(LineKind.BAD_DEBT, asset, market, interest=debt.interest, principal=debt.principal)
        )
    txn = ledger_post(
        kind=TransactionKind.LIQUIDATION,
        legs=legs,
        margin_account=margin_account,
        memo=f"Partial liquidation at margin ratio {ratio_percent(valuation.margin_ratio)}",
    )
    liquidation = Liquidation.objects.create(
        margin_account=margin_account,
        margin_call=margin_call,
        ratio_before=valuation.margin_ratio,
        ratio_after=plan.ratio_after,
        collateral_value_before=valuation.collateral_value,
        liability_before=valuation.liability,
        fee_value=round_up(fee_value, engine.QUOTE_PLACES),
        bad_debt_value=round_up(bad_debt_value, engine.QUOTE_PLACES),
        transaction=txn,
    )
    for position, line in enumerate(lines):
        line.liquidation = liquidation
        line.position = position
    LiquidationLine.objects.bulk_create(lines)
    sold = ", ".join(f"{plain(s.quantity)} {s.symbol}" for s in plan.sales) or "no collateral"
    notification_create(
        user=user,
        kind="liquidation",
        title="Your margin account was partially liquidated",
        body=(
            f"Your margin ratio fell to {_pct(valuation.margin_ratio)}, at or below the liquidation level "
            f"of {_pct(thresholds.liquidation)}. We sold {sold} at the oracle price to bring it back to "
            f"{_pct(plan.ratio_after) if plan.ratio_after is not None else 'no remaining liability'}."
        ),
        link=f"/liquidations/{liquidation.pk}/",
        dedupe_key=f"liquidation:{liquidation.pk}",
    )
    return liquidation


def _line(kind: str, asset, market: MarketSnapshot, **values) -> LiquidationLine:
    price = values.pop("price", market.terms[asset.symbol].price)
    if kind != LineKind.SALE:
        values.setdefault(
            "value",
            round_up((values.get("interest", 0) + values.get("principal", 0)) * price, engine.QUOTE_PLACES),
        )
    return LiquidationLine(kind=kind, asset=asset, price=price, position=0, **values)


def _pct(ratio: Decimal | None) -> str:
    return "—" if ratio is None else f"{(ratio * 100).quantize(Decimal('0.01'))}%"
