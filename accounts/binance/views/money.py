"""Borrow, repay and transfer spot <-> margin: the money-moving calls, over the same services as /api/v1/.

Binance has no client-chosen key on these calls, so a retry after a lost response is a
new request: the same signed request sent again inside its recvWindow is answered with
the first response (see ``SapiView.money``), while a re-signed retry (new timestamp) moves
again. A client unsure whether a call went through reads the records (GET
/sapi/v1/margin/borrow-repay with ``txId``, or GET /sapi/v1/margin/transfer) first.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from accounts.models.api_key import ApiKeyPermission
from accounts.models.ledger import TransactionKind
from accounts.selectors.records import loan_movement, loan_movements, margin_transfers
from accounts.services import Direction, loan_borrow, loan_repay, transfer
from margin_project.money import places_of
from risk.selectors.assets import asset_detail

from ..base import SapiView
from ..errors import BinanceError, mandatory, not_supported
from ..params import Params, page, time_window
from ..serializers import ms, num

BORROW, REPAY = "BORROW", "REPAY"
TRANSFER_TYPES = {"MAIN_MARGIN": Direction.TO_MARGIN, "MARGIN_MAIN": Direction.TO_SPOT}


def _amount(params: Params, asset: str) -> Decimal:
    """``amount`` within the asset's precision (-1111 beyond it, as Binance)."""
    amount = params.decimal("amount", required=True)
    if places_of(amount) > asset_detail(symbol=asset)["precision"]:
        raise BinanceError(-1111, "Precision is over the maximum defined for this asset.")
    return amount


class BorrowRepayView(SapiView):
    """POST /sapi/v1/margin/borrow-repay - Margin account borrow/repay (weight 1500 per account)."""

    uid_weight = 1500
    permission = ApiKeyPermission.BORROW_REPAY
    money = True

    def post(self, request, params, key):
        params.cross_only()  # "symbol" names an isolated pair: ignored, as Binance does, for cross margin
        kind = params.choice("type", (BORROW, REPAY), required=True)
        asset = params.asset()
        self.operation = "borrow" if kind == BORROW else "repay"
        amount = _amount(params, asset)
        if kind == BORROW:
            txn = loan_borrow(user=key.user, asset=asset, amount=amount).transaction
        else:
            txn = loan_repay(user=key.user, asset=asset, amount=amount).transaction
        return {"tranId": txn.pk}


class BorrowRepayRecordsView(SapiView):
    """GET /sapi/v1/margin/borrow-repay - Query borrow/repay records in Margin account (weight 10)."""

    ip_weight = 10

    def get(self, request, params, key):
        params.cross_only("isolatedSymbol")
        kind = params.choice("type", (BORROW, REPAY), required=True)
        asset = params.asset(required=False)
        tx_id = params.integer("txId")
        start, end = time_window(params, span=_span(asset))
        offset, size = page(params)
        rows = loan_movements(
            user=key.user,
            kind=TransactionKind.BORROW if kind == BORROW else TransactionKind.REPAY,
            start=start,
            end=end,
            asset=asset,
            transaction_id=tx_id,
        )
        movements = [loan_movement(txn) for txn in rows[offset : offset + size]]
        return {
            "rows": [
                {
                    "type": kind,
                    "isolatedSymbol": "",
                    "amount": num(m.amount),
                    "asset": m.asset,
                    "interest": num(m.interest),
                    "principal": num(m.principal),
                    "status": "CONFIRMED",
                    "timestamp": ms(m.transaction.created_at),
                    "txId": m.transaction.pk,
                }
                for m in movements
            ],
            "total": rows.count(),
        }


def _span(asset: str | None) -> timedelta:
    # Binance: 30 days back from endTime with an asset, 7 without.
    return timedelta(days=30 if asset else 7)


class AssetTransferView(SapiView):
    """POST /sapi/v1/asset/transfer - User Universal Transfer, MAIN_MARGIN and MARGIN_MAIN (weight 900)."""

    uid_weight = 900
    permission = ApiKeyPermission.TRANSFER
    money = True

    def post(self, request, params, key):
        direction = _transfer_type(params)
        asset = params.asset()
        if params.text("fromSymbol") or params.text("toSymbol"):
            raise not_supported("Isolated margin is not supported: this desk has one cross margin account.")
        self.operation = "transfer_in" if direction == Direction.TO_MARGIN else "transfer_out"
        amount = _amount(params, asset)
        result = transfer(user=key.user, asset=asset, amount=amount, direction=direction)
        return {"tranId": result.transaction.pk}


class AssetTransferHistoryView(SapiView):
    """GET /sapi/v1/asset/transfer - Query User Universal Transfer History (MAIN_MARGIN, MARGIN_MAIN)."""

    def get(self, request, params, key):
        direction = _transfer_type(params)
        start, end = time_window(params)
        offset, size = page(params)
        legs = margin_transfers(
            user=key.user, start=start, end=end, into_margin=direction == Direction.TO_MARGIN
        )
        kind = "MAIN_MARGIN" if direction == Direction.TO_MARGIN else "MARGIN_MAIN"
        return {
            "total": legs.count(),
            "rows": [
                {
                    "asset": leg.asset.symbol,
                    "amount": num(abs(leg.amount)),
                    "type": kind,
                    "status": "CONFIRMED",
                    "tranId": leg.transaction_id,
                    "timestamp": ms(leg.transaction.created_at),
                }
                for leg in legs[offset : offset + size]
            ],
        }


def _transfer_type(params: Params) -> Direction:
    value = params.text("type", required=True)
    if value.upper() in TRANSFER_TYPES:
        return TRANSFER_TYPES[value.upper()]
    if not value.replace("_", "").isalpha() or len(value) > 40:
        raise mandatory("type")
    raise not_supported(
        f"Transfer type {value[:40]!r} is not supported: this desk has a spot and a cross margin "
        "wallet only (MAIN_MARGIN, MARGIN_MAIN)."
    )
