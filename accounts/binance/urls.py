"""/sapi/v1/ (and /api/v3/time): Binance's cross-margin paths, and a clear "not supported" for the rest."""

from __future__ import annotations

from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from .base import NotSupportedView
from .errors import BinanceError
from .views import account, history, market, money


def by_method(**views):
    """One path, a view per HTTP method (Binance puts a query and an action on one path)."""
    handlers = {method.upper(): view.as_view() for method, view in views.items()}
    fallback = NotSupportedView.as_view(message="This operation is not supported.")

    def dispatch(request, *args, **kwargs):
        return handlers.get(request.method, fallback)(request, *args, **kwargs)

    return csrf_exempt(dispatch)  # signed by API keys, never by a browser session


ORDERS = "Orders and trades are not supported: this desk lends against collateral; it does not trade."
ISOLATED = "Isolated margin is not supported: this desk has one cross margin account."
SPECIAL = "This operation is not supported by this desk."


def not_supported(message: str):
    return NotSupportedView.as_view(message=message)


class NoSuchEndpointView(NotSupportedView):
    def _run(self, request, headers):
        raise BinanceError(-1020, f"No such endpoint: {request.path[:100]}", status=404)


urlpatterns = [
    path("api/v3/time", market.ServerTimeView.as_view(), name="binance-time"),
    path("sapi/v1/margin/account", account.MarginAccountView.as_view(), name="binance-account"),
    path(
        "sapi/v1/margin/borrow-repay",
        by_method(get=money.BorrowRepayRecordsView, post=money.BorrowRepayView),
        name="binance-borrow-repay",
    ),
    path("sapi/v1/margin/maxBorrowable", account.MaxBorrowableView.as_view(), name="binance-max-borrowable"),
    path(
        "sapi/v1/margin/maxTransferable",
        account.MaxTransferableView.as_view(),
        name="binance-max-transferable",
    ),
    path(
        "sapi/v1/asset/transfer",
        by_method(get=money.AssetTransferHistoryView, post=money.AssetTransferView),
        name="binance-asset-transfer",
    ),
    path(
        "sapi/v1/margin/transfer",
        by_method(get=history.MarginTransferHistoryView),
        name="binance-margin-transfer",
    ),
    path("sapi/v1/margin/interestHistory", history.InterestHistoryView.as_view(), name="binance-interest"),
    path(
        "sapi/v1/margin/interestRateHistory",
        market.InterestRateHistoryView.as_view(),
        name="binance-interest-rates",
    ),
    path(
        "sapi/v1/margin/next-hourly-interest-rate",
        market.NextHourlyRateView.as_view(),
        name="binance-next-hourly-rate",
    ),
    path(
        "sapi/v1/margin/forceLiquidationRec",
        history.ForceLiquidationView.as_view(),
        name="binance-liquidations",
    ),
    path("sapi/v1/margin/capital-flow", history.CapitalFlowView.as_view(), name="binance-capital-flow"),
    path("sapi/v1/margin/allAssets", market.AllAssetsView.as_view(), name="binance-all-assets"),
    path("sapi/v1/margin/crossMarginData", market.CrossMarginDataView.as_view(), name="binance-margin-data"),
    path(
        "sapi/v1/margin/crossMarginCollateralRatio",
        market.CollateralRatioView.as_view(),
        name="binance-collateral-ratio",
    ),
    path("sapi/v1/margin/priceIndex", market.PriceIndexView.as_view(), name="binance-price-index"),
    # What this desk does not have, said plainly in Binance's shape.
    re_path(r"^sapi/v[0-9]+/margin/isolated", not_supported(ISOLATED)),
    re_path(r"^sapi/v[0-9]+/margin/isolatedMargin", not_supported(ISOLATED)),
    re_path(
        r"^sapi/v[0-9]+/margin/(order|openOrders|allOrders|myTrades|orderList|allOrderList|openOrderList"
        r"|oto|myPreventedMatches|rateLimit|allPairs|pair|manual-liquidation|tradeCoeff)",
        not_supported(ORDERS),
    ),
    re_path(r"^(sapi/|api/v3/)", NoSuchEndpointView.as_view()),
]
