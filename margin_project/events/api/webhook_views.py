"""Webhook endpoints: register (the secret is shown once), list, change, delete; deliveries; re-send.

Everyone manages only their own endpoints: another user's endpoint or delivery is not
found (404), never forbidden. A customer's endpoint receives their own account's events.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from margin_project.api.schema import error_example

from ..catalog import CATALOG
from ..models import WebhookDelivery
from ..selectors import deliveries_of, delivery_get, endpoint_get, endpoints_of
from ..services import (
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_secret_rotate,
    webhook_endpoint_update,
)
from .permissions import ADD_ENDPOINTS, CHANGE_ENDPOINTS, VIEW_DELIVERIES, VIEW_ENDPOINTS, CustomerOrStaffRole

NOT_FOUND = error_example("not_found", "No such webhook endpoint.", "id", 404)
ENDPOINT_EXAMPLE = {
    "id": 4,
    "url": "https://hooks.example.com/margin",
    "description": "Risk dashboard",
    "event_types": ["margin.status_changed", "margin_call.opened", "liquidation.executed"],
    "account_id": None,
    "is_active": True,
    "disabled_at": None,
    "disabled_reason": "",
    "failing_since": None,
    "cursor": 1041,
    "secret_hint": "whsec_Q2xv…",
    "created_at": "2026-01-05T10:00:00Z",
}
SECRET_EXAMPLE = "whsec_Q2xvdWQgc2VjcmV0IGV4YW1wbGUgb25seSAxMjM0NTY3OA"


class EndpointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    description = serializers.CharField()
    event_types = serializers.ListField(child=serializers.CharField(), help_text="Empty: every type.")
    account_id = serializers.IntegerField(allow_null=True, help_text="Staff: only this account's events.")
    is_active = serializers.BooleanField()
    disabled_at = serializers.DateTimeField(allow_null=True)
    disabled_reason = serializers.CharField()
    failing_since = serializers.DateTimeField(allow_null=True)
    cursor = serializers.IntegerField(help_text="Id of the last event handled.")
    secret_hint = serializers.CharField(help_text="The start of the secret, to tell secrets apart.")
    created_at = serializers.DateTimeField()


class EndpointListApi(generics.ListAPIView):
    permission_classes = [CustomerOrStaffRole]
    staff_permissions = {"GET": VIEW_ENDPOINTS, "POST": ADD_ENDPOINTS}
    serializer_class = EndpointSerializer
    filter_backends = []

    class InputSerializer(serializers.Serializer):
        url = serializers.CharField(max_length=600, help_text="https, on a public address.")
        event_types = serializers.ListField(
            child=serializers.CharField(max_length=64),
            required=False,
            max_length=len(CATALOG),
            help_text="Types to receive; empty or absent: every type you may read.",
        )
        description = serializers.CharField(max_length=200, required=False, allow_blank=True)
        account_id = serializers.IntegerField(
            min_value=1,
            max_value=2**63 - 1,
            required=False,
            allow_null=True,
            help_text="Staff: only this margin account's events. Customers: their own account only.",
        )

    class CreatedSerializer(EndpointSerializer):
        secret = serializers.CharField(help_text="Signs every delivery. Shown this once: store it now.")

    def get_queryset(self):
        return endpoints_of(user=self.request.user)

    @extend_schema(
        operation_id="webhook_endpoints",
        tags=["webhooks"],
        summary="Your webhook endpoints",
        examples=[
            OpenApiExample(
                "One endpoint",
                value={"count": 1, "next": None, "previous": None, "results": [ENDPOINT_EXAMPLE]},
                response_only=True,
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="webhook_endpoint_create",
        tags=["webhooks"],
        summary="Register a URL to receive events (signed; the secret is shown once)",
        description=(
            "Events recorded from now on are POSTed to the URL in id order, signed with "
            "`Margin-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of '<t>.<body>' with the secret>`, with "
            "`Margin-Event-Id` and `Idempotency-Key` headers. Any 2xx within 5 seconds is a delivery; "
            "anything else is retried with exponential backoff for 3 days, later events waiting "
            "behind it; then the endpoint is turned off and you are notified."
        ),
        request=InputSerializer,
        responses={201: CreatedSerializer},
        examples=[
            OpenApiExample(
                "Register",
                value={
                    "url": "https://hooks.example.com/margin",
                    "event_types": ["margin.status_changed", "margin_call.opened"],
                    "description": "Risk dashboard",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Registered",
                value={**ENDPOINT_EXAMPLE, "secret": SECRET_EXAMPLE},
                response_only=True,
                status_codes=["201"],
            ),
            error_example("invalid_url", "Webhook URLs must use https.", "url"),
        ],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registered = webhook_endpoint_create(owner=request.user, **serializer.validated_data)
        body = self.CreatedSerializer(
            {**_endpoint_data(registered.endpoint), "secret": registered.secret}
        ).data
        return Response(body, status=status.HTTP_201_CREATED)


def _endpoint_data(endpoint) -> dict:
    return {field: getattr(endpoint, field) for field in EndpointSerializer().fields}


class EndpointDetailApi(APIView):
    permission_classes = [CustomerOrStaffRole]
    staff_permissions = {"GET": VIEW_ENDPOINTS, "PATCH": CHANGE_ENDPOINTS, "DELETE": CHANGE_ENDPOINTS}

    class InputSerializer(serializers.Serializer):
        url = serializers.CharField(max_length=600, required=False)
        event_types = serializers.ListField(
            child=serializers.CharField(max_length=64), required=False, max_length=len(CATALOG)
        )
        description = serializers.CharField(max_length=200, required=False, allow_blank=True)
        is_active = serializers.BooleanField(
            required=False, help_text="true turns a disabled endpoint back on, resuming where it stopped."
        )

    @extend_schema(
        operation_id="webhook_endpoint",
        tags=["webhooks"],
        summary="One of your webhook endpoints",
        responses={200: EndpointSerializer},
        examples=[OpenApiExample("Endpoint", value=ENDPOINT_EXAMPLE, response_only=True), NOT_FOUND],
    )
    def get(self, request, pk: int):
        return Response(
            EndpointSerializer(_endpoint_data(endpoint_get(user=request.user, endpoint_id=pk))).data
        )

    @extend_schema(
        operation_id="webhook_endpoint_update",
        tags=["webhooks"],
        summary="Change an endpoint, or turn it off and on",
        request=InputSerializer,
        responses={200: EndpointSerializer},
        examples=[
            OpenApiExample("Turn back on", value={"is_active": True}, request_only=True),
            OpenApiExample("Endpoint", value=ENDPOINT_EXAMPLE, response_only=True),
            NOT_FOUND,
        ],
    )
    def patch(self, request, pk: int):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_update(owner=request.user, endpoint_id=pk, **serializer.validated_data)
        return Response(EndpointSerializer(_endpoint_data(endpoint)).data)

    @extend_schema(
        operation_id="webhook_endpoint_delete",
        tags=["webhooks"],
        summary="Delete an endpoint and its delivery log",
        responses={204: None},
        examples=[NOT_FOUND],
    )
    def delete(self, request, pk: int):
        webhook_endpoint_delete(owner=request.user, endpoint_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointSecretRotateApi(APIView):
    permission_classes = [CustomerOrStaffRole]
    staff_permissions = {"POST": CHANGE_ENDPOINTS}

    @extend_schema(
        operation_id="webhook_endpoint_rotate_secret",
        tags=["webhooks"],
        summary="Replace an endpoint's secret (shown once); the old one stops signing at once",
        request=None,
        responses={200: EndpointListApi.CreatedSerializer},
        examples=[
            OpenApiExample(
                "Rotated", value={**ENDPOINT_EXAMPLE, "secret": SECRET_EXAMPLE}, response_only=True
            ),
            NOT_FOUND,
        ],
    )
    def post(self, request, pk: int):
        rotated = webhook_endpoint_secret_rotate(owner=request.user, endpoint_id=pk)
        return Response(
            EndpointListApi.CreatedSerializer(
                {**_endpoint_data(rotated.endpoint), "secret": rotated.secret}
            ).data
        )


class AttemptSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status_code = serializers.IntegerField(
        allow_null=True, help_text="null: no HTTP answer (timeout, refused)."
    )
    success = serializers.BooleanField()
    latency_ms = serializers.IntegerField()
    error = serializers.CharField()
    response_excerpt = serializers.CharField(help_text="The start of the receiver's answer.")
    manual = serializers.BooleanField(help_text="A re-send someone asked for.")


class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event_id = serializers.IntegerField()
    event_type = serializers.CharField(source="event.type")
    status = serializers.CharField(help_text="pending, retrying, succeeded, failed (gave up)")
    attempts = serializers.IntegerField()
    first_attempt_at = serializers.DateTimeField(allow_null=True)
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    last_status_code = serializers.IntegerField(allow_null=True)
    attempts_log = AttemptSerializer(many=True, help_text="Every attempt, newest first.")


DELIVERY_EXAMPLE = {
    "id": 311,
    "event_id": 1042,
    "event_type": "margin_call.opened",
    "status": "succeeded",
    "attempts": 2,
    "first_attempt_at": "2026-01-05T10:00:01Z",
    "last_attempt_at": "2026-01-05T10:00:32Z",
    "next_attempt_at": None,
    "delivered_at": "2026-01-05T10:00:32Z",
    "last_status_code": 200,
    "attempts_log": [
        {
            "at": "2026-01-05T10:00:32Z",
            "status_code": 200,
            "success": True,
            "latency_ms": 84,
            "error": "",
            "response_excerpt": "ok",
            "manual": False,
        },
        {
            "at": "2026-01-05T10:00:01Z",
            "status_code": 503,
            "success": False,
            "latency_ms": 40,
            "error": "HTTP 503",
            "response_excerpt": "busy",
            "manual": False,
        },
    ],
}


class DeliveryListApi(generics.ListAPIView):
    permission_classes = [CustomerOrStaffRole]
    staff_permissions = {"GET": VIEW_DELIVERIES}
    queryset = WebhookDelivery.objects.none()  # for the schema; get_queryset scopes to the owner
    serializer_class = DeliverySerializer
    filter_backends = []

    def get_queryset(self):
        return deliveries_of(endpoint=endpoint_get(user=self.request.user, endpoint_id=self.kwargs["pk"]))

    @extend_schema(
        operation_id="webhook_deliveries",
        tags=["webhooks"],
        summary="An endpoint's deliveries, newest event first, with every attempt",
        examples=[
            OpenApiExample(
                "Delivered on the second try",
                value={"count": 1, "next": None, "previous": None, "results": [DELIVERY_EXAMPLE]},
                response_only=True,
            ),
            NOT_FOUND,
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DeliveryResendApi(APIView):
    permission_classes = [CustomerOrStaffRole]
    staff_permissions = {"POST": CHANGE_ENDPOINTS}

    class OutputSerializer(serializers.Serializer):
        delivery_id = serializers.IntegerField()
        queued = serializers.BooleanField()

    @extend_schema(
        operation_id="webhook_delivery_resend",
        tags=["webhooks"],
        summary="Send one delivery again now (logged as a manual attempt)",
        request=None,
        responses={202: OutputSerializer},
        examples=[
            OpenApiExample(
                "Queued", value={"delivery_id": 311, "queued": True}, response_only=True, status_codes=["202"]
            ),
            error_example("not_found", "No such delivery.", "id", 404),
        ],
    )
    def post(self, request, pk: int):
        delivery = delivery_get(user=request.user, delivery_id=pk)
        webhook_delivery_resend(delivery=delivery)
        return Response({"delivery_id": delivery.pk, "queued": True}, status=status.HTTP_202_ACCEPTED)
