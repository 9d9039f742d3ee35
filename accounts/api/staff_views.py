"""Staff calls on customer accounts: credit a deposit, list accounts, read any summary."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import MarginAccount
from accounts.selectors import account_summary, margin_account_for
from accounts.services import deposit_credit
from margin_project.api.fields import AssetSymbol, DecimalString
from margin_project.api.permissions import StaffPermission
from margin_project.api.schema import IDEMPOTENCY_HEADER, domain_error_example, error_example
from margin_project.errors import NotACustomer, NotFound
from risk.roles import CREDIT_DEPOSIT, VIEW_ACCOUNTS

from .account_views import SUMMARY_EXAMPLE
from .filters import StaffAccountFilter
from .idempotency import money_call
from .summary import AccountSummarySerializer, summary_data


def _customer(*, user_id=None, username=None):
    lookup = {"pk": user_id} if user_id is not None else {"username": username}
    user = get_user_model().objects.filter(**lookup).first()
    if user is None:
        raise NotFound("No such customer.", field="username" if username is not None else "user_id")
    return user


class DepositCreditApi(APIView):
    permission_classes = [StaffPermission]
    staff_permissions = {"POST": CREDIT_DEPOSIT}
    # money_call checks X-OTP-Code after claiming the Idempotency-Key: a replay needs no fresh code.
    second_factor_in_view = True

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150, help_text="The customer credited.")
        asset = AssetSymbol()
        amount = DecimalString()
        reference = serializers.CharField(
            max_length=100, help_text="External id (chain tx id). The same reference credits once."
        )

    class OutputSerializer(serializers.Serializer):
        transaction_id = serializers.IntegerField()
        username = serializers.CharField()
        asset = serializers.CharField()
        amount = DecimalString()
        reference = serializers.CharField()

    @extend_schema(
        operation_id="staff_deposit_credit",
        tags=["staff"],
        summary="Credit a deposit to a customer's spot wallet",
        description="The reference is unique: sent again with the same details it returns the first credit; "
        "with other details it is a 409. Also accepts an Idempotency-Key.",
        parameters=[IDEMPOTENCY_HEADER],
        request=InputSerializer,
        responses={201: OutputSerializer},
        examples=[
            OpenApiExample(
                "Deposit",
                value={"username": "alice", "asset": "BTC", "amount": "1.5", "reference": "0xabc123"},
                request_only=True,
            ),
            OpenApiExample(
                "Credited",
                value={
                    "transaction_id": 40,
                    "username": "alice",
                    "asset": "BTC",
                    "amount": "1.5",
                    "reference": "0xabc123",
                },
                response_only=True,
                status_codes=["201"],
            ),
            error_example(
                "conflict",
                "This deposit reference was already credited with other details.",
                "reference",
                409,
            ),
            domain_error_example(
                NotACustomer("risk is staff; deposits are credited to customers only.", field="username")
            ),
        ],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data

        def operation():
            customer = _customer(username=data["username"])
            txn = deposit_credit(
                user=customer,
                asset=data["asset"],
                amount=data["amount"],
                reference=data["reference"],
                credited_by=request.user,
            )
            out = {
                "transaction_id": txn.pk,
                "username": customer.username,
                "asset": data["asset"].strip().upper(),
                "amount": data["amount"],
                "reference": data["reference"],
            }
            return 201, self.OutputSerializer(out).data

        return money_call(request, operation)


class StaffAccountListApi(generics.ListAPIView):
    permission_classes = [StaffPermission]
    staff_permissions = {"GET": VIEW_ACCOUNTS}
    filterset_class = StaffAccountFilter

    class OutputSerializer(serializers.Serializer):
        user_id = serializers.IntegerField()
        username = serializers.CharField(source="user.username")
        multi_asset_mode = serializers.BooleanField()
        status = serializers.CharField()
        margin_ratio = DecimalString(allow_null=True, help_text="As last assessed.")
        collateral_value = DecimalString()
        liability_value = DecimalString()
        assessed_at = serializers.DateTimeField(allow_null=True)

    serializer_class = OutputSerializer

    def get_queryset(self):
        return MarginAccount.objects.select_related("user").order_by("id")

    @extend_schema(
        operation_id="staff_accounts",
        tags=["staff"],
        summary="Margin accounts with their last assessed state",
        examples=[
            OpenApiExample(
                "One account",
                value={
                    "count": 1,
                    "next": None,
                    "previous": None,
                    "results": [
                        {
                            "user_id": 7,
                            "username": "alice",
                            "multi_asset_mode": True,
                            "status": "healthy",
                            "margin_ratio": "3.82461753",
                            "collateral_value": "76500",
                            "liability_value": "20002",
                            "assessed_at": "2026-01-05T10:00:00Z",
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class StaffAccountSummaryApi(APIView):
    permission_classes = [StaffPermission]
    staff_permissions = {"GET": VIEW_ACCOUNTS}

    @extend_schema(
        operation_id="staff_account_summary",
        tags=["staff"],
        summary="Any customer's account summary",
        responses=AccountSummarySerializer,
        examples=[
            OpenApiExample("Summary", value=SUMMARY_EXAMPLE, response_only=True),
            error_example("not_found", "No such customer.", "user_id", 404),
        ],
    )
    def get(self, request, user_id: int):
        customer = _customer(user_id=user_id)
        summary = account_summary(margin_account=margin_account_for(customer))
        return Response(AccountSummarySerializer(summary_data(summary)).data)
