"""The customer's history as read-only viewsets: ledger, interest, margin calls, liquidations,
notifications. Each viewset lists (and retrieves) the customer's own records through the same
selectors and FilterSets as the web pages; the OpenAPI examples sit beside each one.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.filtersets import InterestFilter, LedgerFilter, MarginCallFilter, NotificationFilter
from accounts.models import InterestAccrual, LedgerLeg, Notification
from accounts.selectors import interest_history, ledger_history, notifications_for
from accounts.selectors.account_risk import liquidations_of, margin_calls_of
from accounts.services import notifications_mark_read
from margin_project.api.fields import DecimalString
from margin_project.api.schema import error_example
from risk.models import Liquidation, MarginCall

NOT_FOUND = error_example("not_found", "Not found.", None, 404)


def _page(name: str, item: dict) -> OpenApiExample:
    return OpenApiExample(
        name, value={"count": 1, "next": None, "previous": None, "results": [item]}, response_only=True
    )


def _one(name: str, item: dict) -> OpenApiExample:
    return OpenApiExample(name, value=item, response_only=True)


class CustomerRecords(viewsets.GenericViewSet):
    """Read-only records of the signed-in customer: ``records(user)`` scopes every query."""

    def records(self, user):
        raise NotImplementedError

    def get_queryset(self):
        return self.records(self.request.user)


# --- ledger ---------------------------------------------------------------------------------


class LedgerLegSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    transaction_id = serializers.IntegerField()
    kind = serializers.CharField(source="transaction.kind")
    account = serializers.CharField(
        source="account.kind", help_text="spot, margin, loan_principal, loan_interest"
    )
    asset = serializers.CharField(source="asset.symbol")
    amount = DecimalString(help_text="Positive: into this account; negative: out of it.")
    memo = serializers.CharField(source="transaction.memo")
    created_at = serializers.DateTimeField(source="transaction.created_at")


LEDGER_EXAMPLE = {
    "id": 90,
    "transaction_id": 42,
    "kind": "borrow",
    "account": "margin",
    "asset": "USDT",
    "amount": "20000",
    "memo": "Borrow 20,000 USDT; first day's interest 2",
    "created_at": "2026-01-05T10:00:00Z",
}


@extend_schema_view(
    list=extend_schema(
        operation_id="account_ledger",
        tags=["history"],
        summary="Ledger history (legs on the customer's wallets and loans), newest first",
        examples=[_page("A borrow", LEDGER_EXAMPLE)],
    )
)
class LedgerViewSet(mixins.ListModelMixin, CustomerRecords):
    queryset = LedgerLeg.objects.none()  # for the schema; records() scopes to the user
    serializer_class = LedgerLegSerializer
    filterset_class = LedgerFilter

    def records(self, user):
        return ledger_history(user=user)


# --- interest -------------------------------------------------------------------------------


class InterestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    asset = serializers.CharField(source="loan.asset.symbol")
    day = serializers.DateField()
    kind = serializers.CharField(help_text="borrow (first day, at borrow time) or daily (00:00 UTC)")
    rate = DecimalString(help_text="Daily rate used.")
    principal = DecimalString(help_text="Principal the interest was charged on.")
    amount = DecimalString()


INTEREST_EXAMPLE = {
    "id": 5,
    "asset": "USDT",
    "day": "2026-01-05",
    "kind": "borrow",
    "rate": "0.0001",
    "principal": "20000",
    "amount": "2",
}


@extend_schema_view(
    list=extend_schema(
        operation_id="account_interest",
        tags=["history"],
        summary="Interest charged: day, rate, principal charged on, amount",
        examples=[_page("First day", INTEREST_EXAMPLE)],
    )
)
class InterestViewSet(mixins.ListModelMixin, CustomerRecords):
    queryset = InterestAccrual.objects.none()
    serializer_class = InterestSerializer
    filterset_class = InterestFilter

    def records(self, user):
        return interest_history(user=user)


# --- margin calls ---------------------------------------------------------------------------


class MarginCallOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    is_open = serializers.BooleanField()
    ratio_at_open = DecimalString()
    lowest_ratio = DecimalString()
    ratio_at_close = DecimalString(allow_null=True)
    close_reason = serializers.CharField()


MARGIN_CALL_EXAMPLE = {
    "id": 3,
    "opened_at": "2026-01-06T08:00:00Z",
    "closed_at": None,
    "is_open": True,
    "ratio_at_open": "1.08",
    "lowest_ratio": "1.07",
    "ratio_at_close": None,
    "close_reason": "",
}


@extend_schema_view(
    list=extend_schema(
        operation_id="account_margin_calls",
        tags=["history"],
        summary="Margin calls (one per episode), newest first",
        examples=[_page("Open", MARGIN_CALL_EXAMPLE)],
    ),
    retrieve=extend_schema(
        operation_id="account_margin_call",
        tags=["history"],
        summary="One margin call",
        examples=[_one("Open", MARGIN_CALL_EXAMPLE), NOT_FOUND],
    ),
)
class MarginCallViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CustomerRecords):
    queryset = MarginCall.objects.none()
    serializer_class = MarginCallOutputSerializer
    filterset_class = MarginCallFilter

    def records(self, user):
        return margin_calls_of(user=user)

    def filter_queryset(self, queryset):
        # The open/closed filter is for the list; one record is found by its id alone.
        return queryset if self.action == "retrieve" else super().filter_queryset(queryset)


# --- liquidations ---------------------------------------------------------------------------


class LiquidationLineSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    kind = serializers.CharField(help_text="own_repayment, sale, repayment or bad_debt")
    asset = serializers.CharField(source="asset.symbol")
    quantity = DecimalString()
    price = DecimalString()
    fee_quantity = DecimalString()
    interest = DecimalString()
    principal = DecimalString()
    value = DecimalString(help_text="USDT.")
    from_sale_of = serializers.CharField(source="from_sale_of.symbol", allow_null=True)


class LiquidationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    margin_call_id = serializers.IntegerField(allow_null=True)
    ratio_before = DecimalString()
    ratio_after = DecimalString(allow_null=True)
    collateral_value_before = DecimalString()
    liability_before = DecimalString()
    fee_value = DecimalString(help_text="Fee paid to the insurance fund, USDT.")
    bad_debt_value = DecimalString(help_text="Debt the insurance fund covered, USDT.")
    lines = LiquidationLineSerializer(many=True, source="lines.all")


LIQUIDATION_EXAMPLE = {
    "id": 1,
    "created_at": "2026-01-06T08:01:00Z",
    "margin_call_id": 3,
    "ratio_before": "1.04",
    "ratio_after": "1.1",
    "collateral_value_before": "52000",
    "liability_before": "50000",
    "fee_value": "120",
    "bad_debt_value": "0",
    "lines": [
        {
            "position": 1,
            "kind": "sale",
            "asset": "BTC",
            "quantity": "0.1",
            "price": "60000",
            "fee_quantity": "0.002",
            "interest": "0",
            "principal": "0",
            "value": "6000",
            "from_sale_of": None,
        },
        {
            "position": 2,
            "kind": "repayment",
            "asset": "USDT",
            "quantity": "0",
            "price": "1",
            "fee_quantity": "0",
            "interest": "2",
            "principal": "5878",
            "value": "5880",
            "from_sale_of": "BTC",
        },
    ],
}


@extend_schema_view(
    list=extend_schema(
        operation_id="account_liquidations",
        tags=["history"],
        summary="Liquidations with their breakdown, newest first",
        examples=[_page("Partial liquidation", LIQUIDATION_EXAMPLE)],
    ),
    retrieve=extend_schema(
        operation_id="account_liquidation",
        tags=["history"],
        summary="One liquidation: what was sold, at what price, what was repaid, the fee",
        examples=[_one("Partial liquidation", LIQUIDATION_EXAMPLE), NOT_FOUND],
    ),
)
class LiquidationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CustomerRecords):
    queryset = Liquidation.objects.none()
    serializer_class = LiquidationOutputSerializer
    filter_backends = []

    def records(self, user):
        return liquidations_of(user=user)


# --- notifications --------------------------------------------------------------------------


class NotificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


NOTIFICATION_EXAMPLE = {
    "id": 12,
    "kind": "margin_call",
    "title": "Margin call: your margin ratio is 108%",
    "body": "Add collateral or repay to bring it above 110%.",
    "link": "/account/",
    "created_at": "2026-01-06T08:00:00Z",
    "read_at": None,
}


class NotificationsReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=1000,
        help_text="Leave out to mark every notification read. Ids of others are ignored.",
    )


class NotificationsMarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many changed from unread to read.")


@extend_schema_view(
    list=extend_schema(
        operation_id="account_notifications",
        tags=["history"],
        summary="In-app notifications, newest first",
        examples=[_page("A margin call", NOTIFICATION_EXAMPLE)],
    ),
    read=extend_schema(
        operation_id="account_notification_read",
        tags=["history"],
        summary="Mark one notification read",
        request=None,
        responses={200: NotificationOutputSerializer},
        examples=[_one("Read", {**NOTIFICATION_EXAMPLE, "read_at": "2026-01-06T09:00:00Z"}), NOT_FOUND],
    ),
    read_all=extend_schema(
        operation_id="account_notifications_read",
        tags=["history"],
        summary="Mark notifications read (all, or the given ids)",
        request=NotificationsReadSerializer,
        responses={200: NotificationsMarkedSerializer},
        examples=[
            OpenApiExample("Some", value={"ids": [12, 13]}, request_only=True),
            OpenApiExample("All", value={}, request_only=True),
            OpenApiExample("Marked", value={"marked": 2}, response_only=True),
        ],
    ),
)
class NotificationViewSet(mixins.ListModelMixin, CustomerRecords):
    queryset = Notification.objects.none()
    serializer_class = NotificationOutputSerializer
    filterset_class = NotificationFilter

    def records(self, user):
        return notifications_for(user=user)

    @action(detail=True, methods=["post"], filter_backends=[])
    def read(self, request, pk=None):
        notification = self.get_object()
        notifications_mark_read(user=request.user, ids=[notification.pk])
        notification.refresh_from_db()
        return Response(NotificationOutputSerializer(notification).data)

    @action(detail=False, methods=["post"], url_path="read", filter_backends=[], pagination_class=None)
    def read_all(self, request):
        serializer = NotificationsReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = notifications_mark_read(user=request.user, ids=serializer.validated_data.get("ids"))
        return Response(NotificationsMarkedSerializer({"marked": marked}).data)
