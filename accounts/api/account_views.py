"""The customer's account: summary, multi-asset mode, and the limits API users ask for most."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import account_summary, margin_account_for
from accounts.selectors.account_risk import max_borrowable_of, max_transferable_of
from accounts.services import margin_mode_disable, margin_mode_enable
from margin_project.api.fields import AssetSymbol, DecimalString
from margin_project.api.schema import OTP_HEADER, error_example
from margin_project.api.throttles import OtpThrottle, UserThrottle

from .idempotency import money_call
from .otp import otp_code
from .summary import AccountSummarySerializer, summary_data

SUMMARY_EXAMPLE = {
    "user_id": 7,
    "username": "alice",
    "multi_asset_mode": True,
    "status": "healthy",
    "collateral_value": "76500",
    "liability": "20002",
    "margin_ratio": "3.82461753",
    "thresholds": {
        "borrow": "1.25",
        "transfer_out": "1.25",
        "margin_call": "1.1",
        "liquidation": "1.05",
        "target": "1.1",
        "liquidation_fee": "0.02",
    },
    "balances": [
        {"asset": "BTC", "spot": "0", "margin": "1", "price": "60000", "collateral_value": "54000"},
        {"asset": "USDT", "spot": "0", "margin": "20000", "price": "1", "collateral_value": "20000"},
    ],
    "loans": [
        {"asset": "USDT", "principal": "20000", "interest": "2", "daily_rate": "0.0001", "value": "20002"}
    ],
    "max_borrowable": [{"asset": "BTC", "amount": "0.72665333", "limited_by": "margin_ratio"}],
    "max_transferable": [{"asset": "BTC", "amount": "0.49328148"}],
    "stale_prices": [],
}


class AccountSummaryApi(APIView):
    @extend_schema(
        operation_id="account_summary",
        tags=["account"],
        summary="Account summary",
        description="Mode, collateral value, liability, margin ratio, status, balances per wallet, "
        "loans with interest, max borrowable and max transferable per asset. Amounts are decimal strings.",
        responses=AccountSummarySerializer,
        examples=[
            OpenApiExample("Borrowed 20 000 USDT against 1 BTC", value=SUMMARY_EXAMPLE, response_only=True)
        ],
    )
    def get(self, request):
        summary = account_summary(margin_account=margin_account_for(request.user))
        return Response(AccountSummarySerializer(summary_data(summary)).data)


class ModeOutputSerializer(serializers.Serializer):
    multi_asset_mode = serializers.BooleanField()


class MarginModeEnableApi(APIView):
    throttle_classes = [UserThrottle, OtpThrottle]

    @extend_schema(
        operation_id="account_mode_enable",
        tags=["account"],
        summary="Turn multi-asset mode on",
        description="Needs the customer's TOTP code in the X-OTP-Code header (always, 2FA must be set up).",
        request=None,
        parameters=[OTP_HEADER],
        responses={200: ModeOutputSerializer},
        examples=[
            OpenApiExample(
                "Enabled", value={"multi_asset_mode": True}, response_only=True, status_codes=["200"]
            ),
            error_example(
                "two_factor_invalid", "That code is not valid (or was already used).", "otp_code", 403
            ),
        ],
    )
    def post(self, request):
        account = margin_mode_enable(user=request.user, otp_code=otp_code(request), request=request)
        return Response(ModeOutputSerializer(account).data)


class MarginModeDisableApi(APIView):
    throttle_classes = [UserThrottle, OtpThrottle]

    @extend_schema(
        operation_id="account_mode_disable",
        tags=["account"],
        summary="Turn multi-asset mode off",
        description="Refused (409) while any principal or interest is owed. X-OTP-Code when 2FA is on.",
        request=None,
        parameters=[OTP_HEADER],
        responses={200: ModeOutputSerializer},
        examples=[
            OpenApiExample(
                "Disabled", value={"multi_asset_mode": False}, response_only=True, status_codes=["200"]
            ),
            error_example(
                "mode_change_refused",
                "Repay your USDT loan (principal and interest) before turning multi-asset mode off.",
                None,
                409,
            ),
        ],
    )
    def post(self, request):
        def operation():
            account = margin_mode_disable(user=request.user)
            return 200, ModeOutputSerializer(account).data

        return money_call(request, operation)


ASSET_QUERY = OpenApiParameter("asset", str, required=True, description="Asset symbol, e.g. BTC.")


class MaxBorrowableApi(APIView):
    class FilterSerializer(serializers.Serializer):
        asset = AssetSymbol()

    class OutputSerializer(serializers.Serializer):
        asset = serializers.CharField()
        amount = DecimalString()
        limited_by = serializers.CharField(
            help_text="margin_ratio, borrow_limit, not_borrowable or multi_asset_mode_off."
        )

    @extend_schema(
        operation_id="account_max_borrowable",
        tags=["account"],
        summary="Max borrowable of one asset",
        description="The most that can be borrowed now (the borrow leaves the margin ratio at the "
        "borrow level after the first day's interest), and the limit that caps it.",
        parameters=[ASSET_QUERY],
        responses=OutputSerializer,
        examples=[
            OpenApiExample(
                "Capped by the ratio",
                value={"asset": "USDT", "amount": "43199.99", "limited_by": "margin_ratio"},
                response_only=True,
            ),
            error_example("unknown_asset", "Unknown asset 'XYZ'.", "asset"),
        ],
    )
    def get(self, request):
        query = self.FilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = max_borrowable_of(user=request.user, asset=query.validated_data["asset"])
        return Response(self.OutputSerializer(data).data)


class MaxTransferableApi(APIView):
    class FilterSerializer(serializers.Serializer):
        asset = AssetSymbol()

    class OutputSerializer(serializers.Serializer):
        asset = serializers.CharField()
        amount = DecimalString()

    @extend_schema(
        operation_id="account_max_transferable",
        tags=["account"],
        summary="Max transferable of one asset out of margin",
        description="The most that can move margin -> spot now, keeping the ratio at the transfer-out level.",
        parameters=[ASSET_QUERY],
        responses=OutputSerializer,
        examples=[
            OpenApiExample("BTC", value={"asset": "BTC", "amount": "0.49328148"}, response_only=True),
            error_example("unknown_asset", "Unknown asset 'XYZ'.", "asset"),
        ],
    )
    def get(self, request):
        query = self.FilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = max_transferable_of(user=request.user, asset=query.validated_data["asset"])
        return Response(self.OutputSerializer(data).data)
