"""Money-moving calls: transfer, borrow, repay. Idempotent by key, behind the second factor."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from accounts.services import Direction, loan_borrow, loan_repay, transfer
from accounts.services.loans import repay_request_check
from margin_project.api.fields import AssetSymbol, DecimalString
from margin_project.api.schema import IDEMPOTENCY_HEADER, OTP_HEADER, error_example
from margin_project.api.throttles import MoneyThrottle, UserThrottle
from margin_project.errors import DomainError

from .idempotency import money_call

MONEY_PARAMETERS = [IDEMPOTENCY_HEADER, OTP_HEADER]
MONEY_DESCRIPTION = (
    " Send the TOTP code in X-OTP-Code when 2FA is on, and an Idempotency-Key to make retries safe."
)


class TransferApi(APIView):
    throttle_classes = [UserThrottle, MoneyThrottle]

    class InputSerializer(serializers.Serializer):
        asset = AssetSymbol()
        amount = DecimalString()
        direction = serializers.ChoiceField(choices=[d.value for d in Direction])

    class OutputSerializer(serializers.Serializer):
        transaction_id = serializers.IntegerField()
        asset = serializers.CharField()
        amount = DecimalString()
        direction = serializers.CharField()

    @extend_schema(
        operation_id="account_transfer",
        tags=["money"],
        summary="Move an asset between the spot and the margin wallet",
        description="to_margin: into the collateral pool. to_spot: out of it, only while the margin ratio "
        "stays at the transfer-out level." + MONEY_DESCRIPTION,
        parameters=MONEY_PARAMETERS,
        request=InputSerializer,
        responses={201: OutputSerializer},
        examples=[
            OpenApiExample(
                "Into margin",
                value={"asset": "BTC", "amount": "0.5", "direction": "to_margin"},
                request_only=True,
            ),
            OpenApiExample(
                "Moved",
                value={"transaction_id": 41, "asset": "BTC", "amount": "0.5", "direction": "to_margin"},
                response_only=True,
                status_codes=["201"],
            ),
            error_example(
                "insufficient_balance", "Not enough BTC in the spot wallet: 0.1 available.", "amount", 422
            ),
        ],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data

        def operation():
            result = transfer(user=request.user, **data)
            out = {
                "transaction_id": result.transaction.pk,
                "asset": result.asset,
                "amount": result.amount,
                "direction": result.direction.value,
            }
            return 201, self.OutputSerializer(out).data

        return money_call(request, operation)


class LoanBorrowApi(APIView):
    throttle_classes = [UserThrottle, MoneyThrottle]

    class InputSerializer(serializers.Serializer):
        asset = AssetSymbol()
        amount = DecimalString()

    class OutputSerializer(serializers.Serializer):
        transaction_id = serializers.IntegerField()
        loan_id = serializers.IntegerField()
        asset = serializers.CharField()
        amount = DecimalString()
        interest_charged = DecimalString(help_text="The first day's interest, charged at once.")
        principal = DecimalString(help_text="Principal owed in this asset after the borrow.")
        interest = DecimalString(help_text="Interest owed in this asset after the borrow.")
        margin_ratio = DecimalString(allow_null=True)

    @extend_schema(
        operation_id="loan_borrow",
        tags=["money"],
        summary="Borrow an asset into the margin wallet",
        description="Multi-asset mode only; at most the max borrowable (see /account/max-borrowable/). "
        "One day's interest is charged at once." + MONEY_DESCRIPTION,
        parameters=MONEY_PARAMETERS,
        request=InputSerializer,
        responses={201: OutputSerializer},
        examples=[
            OpenApiExample("Borrow USDT", value={"asset": "USDT", "amount": "20000"}, request_only=True),
            OpenApiExample(
                "Borrowed",
                value={
                    "transaction_id": 42,
                    "loan_id": 3,
                    "asset": "USDT",
                    "amount": "20000",
                    "interest_charged": "2",
                    "principal": "20000",
                    "interest": "2",
                    "margin_ratio": "3.82461753",
                },
                response_only=True,
                status_codes=["201"],
            ),
            error_example(
                "margin_ratio_too_low",
                "At most 43199.99 USDT can be borrowed while keeping the margin ratio at 125% or more.",
                "amount",
                422,
            ),
        ],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)

        def operation():
            result = loan_borrow(user=request.user, **serializer.validated_data)
            loan = result.loan  # ledger_post keeps its debt accounts' balances current
            out = {
                "transaction_id": result.transaction.pk,
                "loan_id": loan.pk,
                "asset": loan.asset.symbol,
                "amount": result.amount,
                "interest_charged": result.interest_charged,
                "principal": loan.principal,
                "interest": loan.interest,
                "margin_ratio": result.valuation.margin_ratio if result.valuation else None,
            }
            return 201, self.OutputSerializer(out).data

        return money_call(request, operation)


class LoanRepayApi(APIView):
    throttle_classes = [UserThrottle, MoneyThrottle]

    class InputSerializer(serializers.Serializer):
        asset = AssetSymbol()
        amount = DecimalString(required=False, help_text="Leave out with repay_all.")
        repay_all = serializers.BooleanField(
            default=False, help_text="Clear interest and principal exactly, leaving no dust."
        )

        def validate(self, attrs):
            try:  # the service's rule: an amount, or repay_all — exactly one
                repay_request_check(amount=attrs.get("amount"), repay_all=attrs["repay_all"])
            except DomainError as error:
                raise serializers.ValidationError({"amount": [error.message]}, code=error.code) from None
            return attrs

    class OutputSerializer(serializers.Serializer):
        transaction_id = serializers.IntegerField()
        asset = serializers.CharField()
        interest_paid = DecimalString()
        principal_paid = DecimalString()

    @extend_schema(
        operation_id="loan_repay",
        tags=["money"],
        summary="Repay a loan from the margin wallet",
        description="Interest first, then principal. repay_all clears the loan exactly." + MONEY_DESCRIPTION,
        parameters=MONEY_PARAMETERS,
        request=InputSerializer,
        responses={201: OutputSerializer},
        examples=[
            OpenApiExample("Repay part", value={"asset": "USDT", "amount": "5000"}, request_only=True),
            OpenApiExample("Repay all", value={"asset": "USDT", "repay_all": True}, request_only=True),
            OpenApiExample(
                "Repaid",
                value={"transaction_id": 43, "asset": "USDT", "interest_paid": "2", "principal_paid": "4998"},
                response_only=True,
                status_codes=["201"],
            ),
            error_example("invalid_amount", "There is no USDT loan to repay.", "asset"),
        ],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data

        def operation():
            result = loan_repay(
                user=request.user, asset=data["asset"], amount=data.get("amount"), repay_all=data["repay_all"]
            )
            out = {
                "transaction_id": result.transaction.pk,
                "asset": result.asset,
                "interest_paid": result.interest_paid,
                "principal_paid": result.principal_paid,
            }
            return 201, self.OutputSerializer(out).data

        return money_call(request, operation)
