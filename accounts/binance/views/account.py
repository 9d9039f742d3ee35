"""Account: the cross margin account's details and the two limits bots ask for most."""

from __future__ import annotations

from decimal import Decimal

from accounts.selectors import account_positions, account_summary, margin_account_for
from accounts.selectors.account_risk import max_borrowable_of, max_transferable_of
from margin_project.money import round_down, round_up
from risk.selectors.assets import asset_detail

from ..base import SapiView
from ..serializers import num

# Binance's marginLevel when nothing is owed.
NO_DEBT_LEVEL = "999"
BTC_PLACES = 8


def _level(ratio: Decimal | None) -> str:
    return NO_DEBT_LEVEL if ratio is None else num(ratio)


class MarginAccountView(SapiView):
    """GET /sapi/v1/margin/account - Query Cross Margin Account Details (USER_DATA, weight 10)."""

    ip_weight = 10

    def get(self, request, params, key):
        account = margin_account_for(key.user)
        summary = account_summary(margin_account=account)
        valuation = summary.valuation
        market_value = sum((row.market_value for row in valuation.rows), Decimal(0))
        liability = valuation.liability
        btc = summary.market.terms.get("BTC")
        total_btc = round_down(market_value / btc.price, BTC_PLACES) if btc else Decimal(0)
        liability_btc = round_up(liability / btc.price, BTC_PLACES) if btc else Decimal(0)
        positions = account_positions(account)
        return {
            "created": True,
            "borrowEnabled": account.multi_asset_mode,
            "marginLevel": _level(round_down(market_value / liability, 8) if liability else None),
            "collateralMarginLevel": _level(valuation.margin_ratio),
            "totalAssetOfBtc": num(total_btc),
            "totalLiabilityOfBtc": num(liability_btc),
            "totalNetAssetOfBtc": num(total_btc - liability_btc),
            "TotalCollateralValueInUSDT": num(valuation.collateral_value),
            "tradeEnabled": False,
            "transferInEnabled": True,
            "transferOutEnabled": True,
            "accountType": "MARGIN_1",
            "userAssets": [
                {
                    "asset": symbol,
                    "borrowed": num(p.principal),
                    "free": num(p.margin),
                    "interest": num(p.interest),
                    "locked": "0",
                    "netAsset": num(p.margin - p.principal - p.interest),
                }
                for symbol, p in sorted(positions.items())
            ],
        }


class MaxBorrowableView(SapiView):
    """GET /sapi/v1/margin/maxBorrowable - Query Max Borrow (USER_DATA, weight 50)."""

    ip_weight = 50

    def get(self, request, params, key):
        params.cross_only("isolatedSymbol")
        asset = params.asset()
        limit = max_borrowable_of(user=key.user, asset=asset)
        # Binance's borrowLimit is the account's cap; ours is the asset's per-account principal
        # cap, and with none the ratio is the only limit, so the amount itself.
        cap = asset_detail(symbol=asset)["borrow_limit"]
        return {
            "amount": num(limit["amount"]),
            "borrowLimit": num(cap if cap is not None else limit["amount"]),
        }


class MaxTransferableView(SapiView):
    """GET /sapi/v1/margin/maxTransferable - Query Max Transfer-Out Amount (USER_DATA, weight 50)."""

    ip_weight = 50

    def get(self, request, params, key):
        params.cross_only("isolatedSymbol")
        limit = max_transferable_of(user=key.user, asset=params.asset())
        return {"amount": num(limit["amount"])}
