"""The stress test report: every indebted account at shocked prices, changing nothing.

The numbers come from the same engine the real sweep uses (``risk.engine.stress_test``);
this module only gathers its inputs in bulk (one query over the ledger for all accounts)
and arranges its answer for the risk desk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext

from django.conf import settings
from django.db.models import Q

from accounts.models import LedgerAccount
from accounts.models.ledger import DEBT_KINDS, AccountKind
from margin_project.errors import InvalidAmount, UnknownAsset
from margin_project.money import EXACT, round_up
from risk import engine
from risk.engine.stress import EVERY_OTHER_ASSET
from risk.selectors import market_snapshot, thresholds_current

ALL_ASSETS = EVERY_OTHER_ASSET  # the key of a shock applied to every asset not named


@dataclass(frozen=True)
class StressSale:
    """Collateral the liquidation would sell: units, at the shocked price, and their value."""

    symbol: str
    quantity: Decimal
    price: Decimal
    value: Decimal


@dataclass(frozen=True)
class StressRow:
    """One account that the shock would put into margin call or liquidation."""

    margin_account_id: int
    username: str
    ratio_before: Decimal | None
    status_before: engine.Status
    collateral_value: Decimal  # after the shock
    liability: Decimal  # after the shock
    ratio_after: Decimal | None  # after the shock, before any liquidation
    status_after: engine.Status
    ratio_after_liquidation: Decimal | None  # None when no liquidation or no debt left
    sales: tuple[StressSale, ...]
    bad_debt_value: Decimal  # USDT the insurance fund would cover for this account

    @property
    def sold_value(self) -> Decimal:
        with localcontext(EXACT):
            return sum((sale.value for sale in self.sales), Decimal(0))


@dataclass(frozen=True)
class StressReport:
    """What the shock would do, account by account, with the desk's totals."""

    shocks: dict[str, Decimal]  # as applied: fractions, ALL_ASSETS for every other asset
    prices_before: dict[str, Decimal]
    prices_after: dict[str, Decimal]
    rows: list[StressRow]  # affected accounts: liquidations first, then lowest ratio
    accounts_assessed: int  # accounts with a liability that were valued
    margin_call_count: int
    liquidation_count: int
    sold_value_by_asset: dict[str, Decimal]
    bad_debt_value: Decimal
    bad_debt_value_by_asset: dict[str, Decimal]
    not_assessed: list[str]  # customers holding or owing an asset with no price
    stale: frozenset[str]  # assets whose current price is stale (the shock starts from it)

    @property
    def moved_prices(self) -> list[tuple[str, Decimal, Decimal]]:
        """(symbol, before, after) for every asset the shock moves."""
        return [
            (symbol, self.prices_before[symbol], after)
            for symbol, after in sorted(self.prices_after.items())
            if after != self.prices_before[symbol]
        ]

    @property
    def sold_value(self) -> Decimal:
        with localcontext(EXACT):
            return sum(self.sold_value_by_asset.values(), Decimal(0))


def indebted_positions() -> dict[int, tuple[str, dict[str, engine.Position]]]:
    """Positions of every margin account that owes anything, in one query over the ledger.

    ``{margin account id: (username, {symbol: Position})}``, shaped like
    ``accounts.selectors.account_positions`` (margin wallet, principal, interest).
    """
    debtors = LedgerAccount.objects.filter(kind__in=DEBT_KINDS).exclude(balance=0).values("owner_id")
    rows = (
        LedgerAccount.objects.filter(
            Q(kind=AccountKind.MARGIN) | Q(kind__in=DEBT_KINDS),
            owner_id__in=debtors,
            owner__margin_account__isnull=False,
        )
        .exclude(balance=0)
        .values_list("owner__margin_account__id", "owner__username", "kind", "asset__symbol", "balance")
        .order_by("owner_id", "asset_id")
    )
    fields: dict[int, dict[str, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    names: dict[int, str] = {}
    for account_id, username, kind, symbol, balance in rows:
        names[account_id] = username
        if kind == AccountKind.MARGIN:
            fields[account_id][symbol]["margin"] = balance
        elif kind == AccountKind.LOAN_PRINCIPAL:
            fields[account_id][symbol]["principal"] = -balance
        else:
            fields[account_id][symbol]["interest"] = -balance
    return {
        account_id: (
            names[account_id],
            {symbol: engine.Position(symbol=symbol, **values) for symbol, values in by_symbol.items()},
        )
        for account_id, by_symbol in fields.items()
    }


def _shocks_checked(shocks: Mapping[str, Decimal], known: set[str]) -> dict[str, Decimal]:
    """Refuse unknown assets, shocks to the quote asset and falls of 100% or more."""
    quote = settings.QUOTE_ASSET
    checked: dict[str, Decimal] = {}
    for symbol, shock in shocks.items():
        if symbol != ALL_ASSETS and symbol not in known:
            raise UnknownAsset(f"No priced asset {symbol!r} to shock.", field="per_asset")
        if symbol == quote and shock != 0:
            raise InvalidAmount(
                f"{quote} is the quote asset: every price is in {quote}, so its own price is 1.",
                field="per_asset",
            )
        if shock <= -1:
            raise InvalidAmount(
                "A shock must be above -100%: a price cannot fall to zero.", field="per_asset"
            )
        checked[symbol] = shock
    if ALL_ASSETS in checked:
        checked.setdefault(quote, Decimal(0))  # "every asset" never moves the quote asset
    return checked


def stress_report(*, shocks: Mapping[str, Decimal]) -> StressReport:
    """Apply price shocks (fractions: Decimal("-0.2") is -20%) to every indebted account.

    ``ALL_ASSETS`` ("*") shocks every asset not named, except the quote asset. Nothing is
    written: the report says which accounts would enter margin call or liquidation, what
    the liquidations would sell, and the bad debt the insurance fund would cover.
    """
    market = market_snapshot()
    thresholds = thresholds_current()
    checked = _shocks_checked(shocks, set(market.terms))
    assessed: dict[int, dict[str, engine.Position]] = {}
    names: dict[int, str] = {}
    not_assessed: list[str] = []
    for account_id, (username, positions) in indebted_positions().items():
        if set(positions) - set(market.terms):
            not_assessed.append(username)
            continue
        assessed[account_id] = positions
        names[account_id] = username

    result = engine.stress_test(assessed, market.terms, checked, thresholds)
    rows = []
    for account_id, stress in result.accounts.items():
        if stress.status is engine.Status.HEALTHY:
            continue
        before = engine.value(assessed[account_id], market.terms)
        rows.append(_row(account_id, names[account_id], before, stress, result.prices, thresholds))
    rows.sort(key=lambda r: (r.status_after is not engine.Status.LIQUIDATION, r.ratio_after or 0, r.username))
    return StressReport(
        shocks=checked,
        prices_before={symbol: terms.price for symbol, terms in market.terms.items()},
        prices_after=result.prices,
        rows=rows,
        accounts_assessed=len(assessed),
        margin_call_count=result.margin_call_count,
        liquidation_count=result.liquidation_count,
        sold_value_by_asset=result.sold_value_by_asset,
        bad_debt_value=result.bad_debt_value,
        bad_debt_value_by_asset=result.bad_debt_value_by_asset,
        not_assessed=sorted(not_assessed),
        stale=market.stale,
    )


def _row(
    account_id: int,
    username: str,
    before: engine.Valuation,
    stress: engine.AccountStress,
    prices: dict[str, Decimal],
    thresholds: engine.Thresholds,
) -> StressRow:
    plan = stress.plan
    sales: tuple[StressSale, ...] = ()
    bad_debt = Decimal(0)
    if plan is not None:
        with localcontext(EXACT):
            sales = tuple(
                StressSale(sale.symbol, sale.quantity, sale.price, sale.quantity * sale.price)
                for sale in plan.sales
            )
            # Valued as the engine values it in the totals: each owed asset rounded up.
            bad_debt = sum(
                (
                    round_up((bad.interest + bad.principal) * prices[bad.symbol], engine.QUOTE_PLACES)
                    for bad in plan.bad_debt
                ),
                Decimal(0),
            )
    return StressRow(
        margin_account_id=account_id,
        username=username,
        ratio_before=before.margin_ratio,
        status_before=engine.status(before, thresholds),
        collateral_value=stress.valuation.collateral_value,
        liability=stress.valuation.liability,
        ratio_after=stress.valuation.margin_ratio,
        status_after=stress.status,
        ratio_after_liquidation=plan.ratio_after if plan is not None else None,
        sales=sales,
        bad_debt_value=bad_debt,
    )
