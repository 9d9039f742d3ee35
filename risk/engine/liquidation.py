"""The partial liquidation plan: repay from own assets, sell just enough, record bad debt.

1. Each loan is repaid from the margin balance of its own asset (interest first).
2. While the ratio is below target, collateral is sold in order (liquidation_priority,
   then higher first-band factor, then symbol). Selling market value v of an asset whose
   band factor is f, at fee phi, lowers CV by f*v and L by (1-phi)*v, so the least v that
   reaches target T is v = (T*L - CV) / (T*(1-phi) - f), solved band by band from the top
   of the holding. That closed form is the starting guess; the quantity sold is then the
   least whole number of units whose *actual* outcome (fee rounded up, proceeds and
   repayments rounded down) reaches the target, or the whole holding when none does.
   The ratio rises with a sale iff CV/L > f/(1-phi).
3. Debt left when nothing is left to sell is bad debt, written off in positions_after.

Every asset held in the margin wallet is sold if needed, including assets that count 0
as collateral (USDC, DAI): selling them only lowers the liability, so it helps most.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from .rounding import ceil_to, floor_to, from_units, in_money_context, money_context, to_units
from .search import last_true
from .tiers import pieces_below
from .types import QUOTE_PLACES, AssetTerms, Position, Thresholds
from .valuation import Assets, Positions, Valuation, meets, terms_for, value


@dataclass(frozen=True)
class OwnAssetRepayment:
    """A loan repaid from the margin balance of the borrowed asset itself (units)."""

    symbol: str
    interest: Decimal
    principal: Decimal


@dataclass(frozen=True)
class Sale:
    """Collateral sold by the house: `fee_quantity` of it goes to the insurance fund."""

    symbol: str
    quantity: Decimal  # units leaving the margin wallet, fee included
    price: Decimal
    fee_quantity: Decimal  # liquidation_fee * quantity, rounded up to the asset's precision
    proceeds_value: Decimal  # (quantity - fee_quantity) * price in USDT, rounded down


@dataclass(frozen=True)
class Repayment:
    """Debt repaid (units of the owed asset) from the proceeds of selling `from_sale_of`.

    Proceeds are converted at the owed asset's price and rounded down to its precision;
    the sub-unit rest of the proceeds stays with the house.
    """

    symbol: str
    interest: Decimal
    principal: Decimal
    from_sale_of: str


@dataclass(frozen=True)
class BadDebt:
    """Debt left when nothing remains to sell; written off against the insurance fund."""

    symbol: str
    interest: Decimal
    principal: Decimal


@dataclass(frozen=True)
class LiquidationPlan:
    """What a liquidation does, in order, and the account it leaves."""

    ratio_before: Decimal | None
    ratio_after: Decimal | None  # None when no liability is left
    own_asset_repayments: tuple[OwnAssetRepayment, ...]
    sales: tuple[Sale, ...]
    repayments: tuple[Repayment, ...]
    bad_debt: tuple[BadDebt, ...]
    positions_after: dict[str, Position]  # = apply_plan(positions, plan)

    @property
    def is_empty(self) -> bool:
        """True when the plan changes nothing."""
        return not (self.own_asset_repayments or self.sales or self.bad_debt)


@in_money_context
def liquidation_plan(positions: Positions, assets: Assets, thresholds: Thresholds) -> LiquidationPlan:
    """Plan the partial liquidation of an account (see the module docstring).

    Computable for any account; one with no liability or a ratio already at or above
    thresholds.target gets an empty plan.
    """
    target = thresholds.target
    current = dict(positions)
    before = value(current, assets)
    if meets(before, target):
        return LiquidationPlan(before.margin_ratio, before.margin_ratio, (), (), (), (), current)

    own = _repay_from_own_assets(current)
    sales: list[Sale] = []
    repayments: list[Repayment] = []
    for symbol in sale_order(current, assets):
        valuation = value(current, assets)
        if meets(valuation, target):
            break
        sale, paid, current = _sell_to_target(current, assets, symbol, valuation, thresholds)
        sales.append(sale)
        repayments.extend(paid)

    bad_debt: list[BadDebt] = []
    if not meets(value(current, assets), target):
        # Each sale that fell short of the target sold the whole holding, so nothing is
        # left to sell: what is still owed is bad debt.
        assert all(position.margin == 0 for position in current.values())
        for symbol in sorted(current):
            position = current[symbol]
            if position.owed > 0:
                bad_debt.append(BadDebt(symbol, position.interest, position.principal))
                current[symbol] = replace(
                    position,
                    interest=position.interest - position.interest,
                    principal=position.principal - position.principal,
                )
    return LiquidationPlan(
        ratio_before=before.margin_ratio,
        ratio_after=value(current, assets).margin_ratio,
        own_asset_repayments=tuple(own),
        sales=tuple(sales),
        repayments=tuple(repayments),
        bad_debt=tuple(bad_debt),
        positions_after=current,
    )


def _repay_from_own_assets(current: dict[str, Position]) -> list[OwnAssetRepayment]:
    """Step 1, in place: repay each loan from its own asset's margin, interest first."""
    done: list[OwnAssetRepayment] = []
    for symbol in sorted(current):
        position = current[symbol]
        interest = min(position.margin, position.interest)
        principal = min(position.margin - interest, position.principal)
        if interest + principal > 0:
            current[symbol] = replace(
                position,
                margin=position.margin - interest - principal,
                interest=position.interest - interest,
                principal=position.principal - principal,
            )
            done.append(OwnAssetRepayment(symbol, interest, principal))
    return done


def sale_order(positions: Positions, assets: Assets) -> list[str]:
    """Held assets in the order they are sold: priority, higher first factor, symbol."""

    def key(symbol: str) -> tuple[int, Decimal, str]:
        terms = terms_for(assets, symbol)
        return (terms.liquidation_priority, -terms.first_factor, symbol)

    return sorted((s for s, p in positions.items() if p.margin > 0), key=key)


def _sell_to_target(
    current: dict[str, Position],
    assets: Assets,
    symbol: str,
    valuation: Valuation,
    thresholds: Thresholds,
) -> tuple[Sale, tuple[Repayment, ...], dict[str, Position]]:
    """Sell the least whole number of units of `symbol` that reaches the target, else all."""
    terms = terms_for(assets, symbol)
    held = current[symbol].margin
    held_units = to_units(held, terms.precision, up=True)

    def quantity(units: int) -> Decimal:
        return min(from_units(units, terms.precision), held)

    def reaches(units: int) -> bool:
        if units == 0:
            return False  # we are here because the account is below target
        outcome = simulate_sale(current, assets, symbol, quantity(units), thresholds.liquidation_fee)
        return meets(value(outcome[2], assets), thresholds.target)

    if not reaches(held_units):
        return simulate_sale(current, assets, symbol, held, thresholds.liquidation_fee)
    estimate = _sale_estimate(terms, held, valuation, thresholds) / terms.price
    guess = to_units(estimate, terms.precision, up=True)
    # "Falls short" is true at 0 units (we are below target) and false at held_units.
    short = last_true(lambda units: not reaches(units), guess - 1, 0, held_units - 1)
    assert short is not None
    return simulate_sale(current, assets, symbol, quantity(short + 1), thresholds.liquidation_fee)


def _sale_estimate(terms: AssetTerms, held: Decimal, valuation: Valuation, thresholds: Thresholds) -> Decimal:
    """Closed form: USDT value of `terms` to sell to reach the target, band by band.

    Within a band of factor f the ratio after selling v is (CV - f v) / (L - (1-phi) v);
    it equals T at v = (T L - CV) / (T (1-phi) - f). When the band cannot get there
    (denominator <= 0, or v beyond the band) the whole band goes and the next is tried.
    Never more than what clears the whole liability.
    """
    target = thresholds.target
    kept = 1 - thresholds.liquidation_fee
    collateral, liability = valuation.collateral_value, valuation.liability
    sold = Decimal(0)
    for length, factor in pieces_below(terms, held * terms.price):
        denominator = target * kept - factor
        if denominator > 0:
            needed = (target * liability - collateral) / denominator
            if needed <= length:
                return sold + max(needed, Decimal(0))
        if kept * length >= liability:
            return sold + liability / kept
        sold += length
        collateral -= factor * length
        liability -= kept * length
    return sold


@in_money_context
def simulate_sale(
    positions: Positions,
    assets: Assets,
    symbol: str,
    quantity: Decimal,
    liquidation_fee: Decimal,
) -> tuple[Sale, tuple[Repayment, ...], dict[str, Position]]:
    """Sell `quantity` of `symbol` from margin and repay debt with the proceeds.

    The fee is liquidation_fee * quantity rounded up to the asset's precision; the rest
    is sold at the asset's price (proceeds rounded down to QUOTE_PLACES) and repays the
    largest liability first, interest before principal, each converted to units of the
    owed asset rounded down and never more than owed. Returns the sale, the repayments
    and the positions after; the inputs are not changed.
    """
    terms = terms_for(assets, symbol)
    position = positions[symbol]
    if not 0 < quantity <= position.margin:
        raise ValueError(f"cannot sell {quantity} {symbol} from a margin of {position.margin}")
    fee = min(ceil_to(quantity * liquidation_fee, terms.precision), quantity)
    proceeds = floor_to((quantity - fee) * terms.price, QUOTE_PLACES)
    after = dict(positions)
    after[symbol] = replace(position, margin=position.margin - quantity)

    remaining = proceeds
    repayments: list[Repayment] = []
    for owed_symbol in _largest_liability_first(after, assets):
        if remaining <= 0:
            break
        owed_terms = terms_for(assets, owed_symbol)
        debt = after[owed_symbol]
        affordable = floor_to(remaining / owed_terms.price, owed_terms.precision)
        interest = min(debt.interest, affordable)
        principal = min(debt.principal, affordable - interest)
        if interest + principal == 0:
            continue  # the rest is worth less than one unit here; a cheaper debt may take it
        remaining -= (interest + principal) * owed_terms.price
        after[owed_symbol] = replace(
            debt, interest=debt.interest - interest, principal=debt.principal - principal
        )
        repayments.append(Repayment(owed_symbol, interest, principal, symbol))
    return Sale(symbol, quantity, terms.price, fee, proceeds), tuple(repayments), after


def _largest_liability_first(positions: Positions, assets: Assets) -> list[str]:
    """Owed symbols by liability value, largest first (ties by symbol)."""
    owed = []
    for symbol, position in positions.items():
        if position.owed > 0:
            worth = ceil_to(position.owed * terms_for(assets, symbol).price, QUOTE_PLACES)
            owed.append((-worth, symbol))
    return [symbol for _, symbol in sorted(owed)]


def apply_plan(positions: Positions, plan: LiquidationPlan) -> dict[str, Position]:
    """Replay a plan's records on `positions`; equals plan.positions_after.

    Lets a caller (or a test) check that the records alone explain the result.
    Raises ValueError if a record would drive an amount negative.
    """
    with money_context():
        after = dict(positions)

        def take(symbol: str, margin: Decimal, interest: Decimal, principal: Decimal) -> None:
            position = after[symbol]
            after[symbol] = replace(
                position,
                margin=position.margin - margin,
                interest=position.interest - interest,
                principal=position.principal - principal,
            )

        zero = Decimal(0)
        for own in plan.own_asset_repayments:
            take(own.symbol, own.interest + own.principal, own.interest, own.principal)
        for sale in plan.sales:
            take(sale.symbol, sale.quantity, zero, zero)
        for repayment in plan.repayments:
            take(repayment.symbol, zero, repayment.interest, repayment.principal)
        for bad in plan.bad_debt:
            take(bad.symbol, zero, bad.interest, bad.principal)
        return after
