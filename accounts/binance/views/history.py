"""History: transfers, interest charged, liquidations, and every movement of the margin wallet."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from accounts.models.ledger import TransactionKind
from accounts.models.loan import AccrualKind
from accounts.selectors.records import (
    interest_charges,
    liquidation_sales,
    liquidation_sold_symbols,
    margin_transfers,
    margin_wallet_flow,
)

from ..base import SapiView
from ..params import page, time_window
from ..serializers import ms, num

ROLL_IN, ROLL_OUT = "ROLL_IN", "ROLL_OUT"
INTEREST_TYPES = {AccrualKind.BORROW: "ON_BORROW", AccrualKind.DAILY: "PERIODIC"}

# Binance's capital-flow types for our transaction kinds (liquidations are split below).
FLOW_TYPES = {
    TransactionKind.TRANSFER: "TRANSFER",
    TransactionKind.BORROW: "BORROW",
    TransactionKind.REPAY: "REPAY",
    TransactionKind.CORRECTION: "CORRECTION",
}
LIQUIDATION_TYPES = ("SELL_LIQUIDATION", "REPAY_LIQUIDATION")
# Binance's whole list: a type this desk never produces (trading, conversions) finds nothing.
BINANCE_FLOW_TYPES = (
    "TRANSFER", "BORROW", "REPAY", "BUY_INCOME", "BUY_EXPENSE", "SELL_INCOME", "SELL_EXPENSE",
    "TRADING_COMMISSION", "BUY_LIQUIDATION", "SELL_LIQUIDATION", "REPAY_LIQUIDATION", "OTHER_LIQUIDATION",
    "LIQUIDATION_FEE", "SMALL_BALANCE_CONVERT", "COMMISSION_RETURN", "SMALL_CONVERT", "CORRECTION",
)  # fmt: skip
FLOW_FILTERS = {
    "TRANSFER": [TransactionKind.TRANSFER],
    "BORROW": [TransactionKind.BORROW],
    "REPAY": [TransactionKind.REPAY],
    "SELL_LIQUIDATION": [TransactionKind.LIQUIDATION],
    "REPAY_LIQUIDATION": [TransactionKind.LIQUIDATION],
    "CORRECTION": [TransactionKind.CORRECTION],
}


class MarginTransferHistoryView(SapiView):
    """GET /sapi/v1/margin/transfer - Get Cross Margin Transfer History (USER_DATA, weight 1)."""

    def get(self, request, params, key):
        params.cross_only("isolatedSymbol")
        asset = params.asset(required=False)
        kind = params.choice("type", (ROLL_IN, ROLL_OUT))
        start, end = time_window(params)
        offset, size = page(params)
        into = None if kind is None else kind == ROLL_IN
        legs = margin_transfers(user=key.user, start=start, end=end, asset=asset, into_margin=into)
        return {
            "rows": [
                {
                    "amount": num(abs(leg.amount)),
                    "asset": leg.asset.symbol,
                    "status": "CONFIRMED",
                    "timestamp": ms(leg.transaction.created_at),
                    "txId": leg.transaction_id,
                    "type": ROLL_IN if leg.amount > 0 else ROLL_OUT,
                    "transFrom": "SPOT" if leg.amount > 0 else "CROSS_MARGIN",
                    "transTo": "CROSS_MARGIN" if leg.amount > 0 else "SPOT",
                }
                for leg in legs[offset : offset + size]
            ],
            "total": legs.count(),
        }


class InterestHistoryView(SapiView):
    """GET /sapi/v1/margin/interestHistory - Get Interest History (USER_DATA, weight 1).

    ``ON_BORROW``: the first day's interest, charged at borrow; ``PERIODIC``: each day's at
    00:00 UTC (Binance's are hourly). ``interestRate`` is the daily rate used.
    """

    def get(self, request, params, key):
        params.cross_only("isolatedSymbol")
        asset = params.asset(required=False)
        start, end = time_window(params)
        offset, size = page(params)
        charges = interest_charges(user=key.user, start=start, end=end, asset=asset)
        return {
            "rows": [
                {
                    "txId": charge.pk,
                    "interestAccuredTime": ms(charge.created_at),
                    "asset": charge.loan.asset.symbol,
                    "rawAsset": charge.loan.asset.symbol,
                    "principal": num(charge.principal),
                    "interest": num(charge.amount),
                    "interestRate": num(charge.rate),
                    "type": INTEREST_TYPES.get(charge.kind, "PERIODIC"),
                }
                for charge in charges[offset : offset + size]
            ],
            "total": charges.count(),
        }


class ForceLiquidationView(SapiView):
    """GET /sapi/v1/margin/forceLiquidationRec - Get Force Liquidation Record (USER_DATA, weight 1).

    One row per asset sold in a partial liquidation, as a filled IOC sell at the oracle price.
    """

    def get(self, request, params, key):
        params.cross_only("isolatedSymbol")
        start, end = params.time("startTime"), params.time("endTime")
        offset, size = page(params)
        sales = liquidation_sales(user=key.user, start=start, end=end)
        return {
            "rows": [
                {
                    "avgPrice": num(sale.price),
                    "executedQty": num(sale.quantity),
                    "orderId": sale.pk,
                    "price": num(sale.price),
                    "qty": num(sale.quantity),
                    "side": "SELL",
                    "symbol": f"{sale.asset.symbol}{settings.QUOTE_ASSET}",
                    "timeInForce": "IOC",
                    "isIsolated": False,
                    "updatedTime": ms(sale.liquidation.created_at),
                }
                for sale in sales[offset : offset + size]
            ],
            "total": sales.count(),
        }


class CapitalFlowView(SapiView):
    """GET /sapi/v1/margin/capital-flow - Query Cross Isolated Margin Capital Flow (weight 100).

    Every leg of the ledger on the customer's margin wallet: amounts are signed (negative:
    out of the margin wallet). Interest charges add to the debt, not the wallet: they are
    in interestHistory.
    """

    ip_weight = 100

    def get(self, request, params, key):
        params.cross_only("symbol")
        asset = params.asset(required=False)
        flow_type = params.choice("type", BINANCE_FLOW_TYPES)
        start, end = time_window(params, span=timedelta(days=7), start_only_to_now=False)
        from_id = params.integer("fromId", minimum=0)
        limit = min(params.integer("limit", minimum=1) or 500, 1000)
        if flow_type and flow_type not in FLOW_FILTERS:
            return []
        legs = margin_wallet_flow(
            user=key.user,
            start=start,
            end=end,
            asset=asset,
            kinds=FLOW_FILTERS[flow_type] if flow_type else None,
            after_id=from_id,
        )
        rows: list[dict] = []
        sold: dict[int, set[str]] = {}
        for leg in legs.iterator(chunk_size=limit):
            kind = FLOW_TYPES.get(leg.transaction.kind, "OTHER")
            if leg.transaction.kind == TransactionKind.LIQUIDATION:
                if leg.transaction_id not in sold:
                    sold.update(liquidation_sold_symbols(transaction_ids=[leg.transaction_id]))
                    sold.setdefault(leg.transaction_id, set())
                kind = (
                    LIQUIDATION_TYPES[0]
                    if leg.asset.symbol in sold[leg.transaction_id]
                    else LIQUIDATION_TYPES[1]
                )
            if flow_type and kind != flow_type:
                continue
            rows.append(
                {
                    "id": leg.pk,
                    "tranId": leg.transaction_id,
                    "timestamp": ms(leg.transaction.created_at),
                    "asset": leg.asset.symbol,
                    "type": kind,
                    "amount": num(leg.amount),
                    "note": leg.transaction.memo,
                }
            )
            if len(rows) >= limit:
                break
        return rows
