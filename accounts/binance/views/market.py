"""Market data and terms: assets, per-asset limits and rates, collateral tiers, prices, rate history."""

from __future__ import annotations

import time
from decimal import Decimal

from django.conf import settings

from margin_project.money import quantum, round_up
from risk.models import Asset
from risk.selectors.assets import asset_detail, assets_list
from risk.selectors.rates import daily_rate_history

from ..base import SapiView, Security
from ..errors import BinanceError, mandatory
from ..params import time_window
from ..serializers import ms, num

DAYS_A_YEAR = 365
HOURS_A_DAY = 24
RATE_PLACES = 12  # the daily rate column's places: the hourly figure is shown at the same precision
MAX_ASSETS_PER_CALL = 20


def _assets(symbol: str | None) -> list[dict]:
    if symbol is None:
        return assets_list()
    return [asset_detail(symbol=symbol)]


class AllAssetsView(SapiView):
    """GET /sapi/v1/margin/allAssets - Get All Margin Assets (MARKET_DATA, weight 1)."""

    security = Security.MARKET_DATA

    def get(self, request, params, key):
        rows = []
        for asset in _assets(params.asset(required=False)):
            smallest = num(quantum(asset["precision"]))
            rows.append(
                {
                    "assetFullName": asset["name"],
                    "assetName": asset["symbol"],
                    "isBorrowable": asset["is_borrowable"],
                    "isMortgageable": asset["is_collateral"] and bool(asset["tiers"]),
                    "userMinBorrow": smallest,
                    "userMinRepay": smallest,
                }
            )
        return rows


class CrossMarginDataView(SapiView):
    """GET /sapi/v1/margin/crossMarginData - Query Cross Margin Fee Data (USER_DATA, weight 1 / 5).

    One level (``vipLevel`` 0) for everyone; ``borrowLimit`` is the per-account principal cap
    and is left out when the asset has none; no trading pairs.
    """

    def ip_weight_of(self, request) -> int:
        return 1 if request.GET.get("coin") else 5

    def get(self, request, params, key):
        params.integer("vipLevel", minimum=0)
        coin = params.asset("coin", required=False)
        rows = []
        for asset in _assets(coin):
            row = {
                "vipLevel": 0,
                "coin": asset["symbol"],
                "transferIn": asset["is_collateral"] or asset["is_borrowable"],
                "borrowable": asset["is_borrowable"],
                "dailyInterest": num(asset["daily_interest_rate"]),
                "yearlyInterest": num(asset["daily_interest_rate"] * DAYS_A_YEAR),
                "marginablePairs": [],
            }
            if asset["borrow_limit"] is not None:
                row["borrowLimit"] = num(asset["borrow_limit"])
            rows.append(row)
        return rows


class CollateralRatioView(SapiView):
    """GET /sapi/v1/margin/crossMarginCollateralRatio - Cross margin collateral ratio (MARKET_DATA, 100).

    Our collateral factor tiers: each band's USDT value range and its factor; assets with the
    same tiers are listed together. The last band has no upper bound (no ``maxUsdValue``);
    assets that are not collateral count 0.
    """

    security = Security.MARKET_DATA
    ip_weight = 100

    def get(self, request, params, key):
        groups: dict[tuple, list[str]] = {}
        for asset in assets_list():
            bands = tuple((t["up_to"], t["factor"]) for t in asset["tiers"]) if asset["is_collateral"] else ()
            groups.setdefault(bands or ((None, Decimal(0)),), []).append(asset["symbol"])
        out = []
        for bands, symbols in sorted(groups.items(), key=lambda item: item[1][0]):
            collaterals, lower = [], Decimal(0)
            for up_to, factor in bands:
                band = {"minUsdValue": num(lower), "discountRate": num(factor)}
                if up_to is not None:
                    band["maxUsdValue"] = num(up_to)
                    lower = up_to
                collaterals.append(band)
            out.append({"collaterals": collaterals, "assetNames": sorted(symbols)})
        return out


class PriceIndexView(SapiView):
    """GET /sapi/v1/margin/priceIndex - Query Margin PriceIndex (MARKET_DATA, weight 10).

    ``symbol`` is an asset followed by the quote asset (BTCUSDT); the price is the desk's
    oracle price and ``calcTime`` when its source observed it.
    """

    security = Security.MARKET_DATA
    ip_weight = 10

    def get(self, request, params, key):
        symbol = (params.text("symbol", required=True) or "").upper()
        quote = settings.QUOTE_ASSET
        base = symbol[: -len(quote)] if symbol.endswith(quote) else ""
        if not base.isalnum() or not Asset.objects.filter(symbol=base).exists():
            raise BinanceError(-1121, "Invalid symbol.")
        asset = asset_detail(symbol=base)
        if asset["price"] is None:
            raise BinanceError(-3042, "PriceIndex not available for this margin pair.")
        observed = asset["price_observed_at"]
        return {
            "calcTime": ms(observed) if observed else int(time.time() * 1000),
            "price": num(asset["price"]),
            "symbol": f"{base}{quote}",
        }


class InterestRateHistoryView(SapiView):
    """GET /sapi/v1/margin/interestRateHistory - Query Margin Interest Rate History (USER_DATA, 1).

    The daily rate in force at ``startTime`` and every change up to ``endTime``, from the
    asset's change history; one level (``vipLevel`` 0).
    """

    def get(self, request, params, key):
        symbol = params.asset()
        params.integer("vipLevel", minimum=0)
        start, end = time_window(params)
        asset = Asset.objects.filter(symbol=symbol).first()
        if asset is None:
            raise BinanceError(-3027, "Not a valid margin asset.")
        return [
            {"asset": symbol, "dailyInterestRate": num(p.daily_rate), "timestamp": ms(p.since), "vipLevel": 0}
            for p in daily_rate_history(asset=asset, start=start, end=end)
        ]


class NextHourlyRateView(SapiView):
    """GET /sapi/v1/margin/next-hourly-interest-rate - Get future hourly interest rate (USER_DATA, 100).

    We charge a daily rate once a day, not hourly: the figure is the daily rate / 24,
    rounded up at the 12th decimal, so that 24 of them are never less than a day's rate.
    """

    ip_weight = 100

    def get(self, request, params, key):
        text = params.text("assets", required=True)
        if params.text("isIsolated") is None:
            raise mandatory("isIsolated")
        params.cross_only()
        symbols = [s.strip().upper() for s in text.split(",") if s.strip()]
        if not symbols or len(symbols) > MAX_ASSETS_PER_CALL or not all(s.isalnum() for s in symbols):
            raise mandatory("assets")
        rows = []
        for symbol in symbols:
            rate = asset_detail(symbol=symbol)["daily_interest_rate"]
            rows.append(
                {"asset": symbol, "nextHourlyInterestRate": num(round_up(rate / HOURS_A_DAY, RATE_PLACES))}
            )
        return rows


class ServerTimeView(SapiView):
    """GET /api/v3/time - Check Server Time: for clients that sync their clock (recvWindow)."""

    security = Security.NONE

    def get(self, request, params, key):
        return {"serverTime": int(time.time() * 1000)}
