"""The event feed: ``GET /api/v1/events/?after=<id>``, one event, the catalogue of types."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from margin_project.api.schema import error_example

from ..catalog import CATALOG, types_for
from ..envelope import event_envelope
from ..selectors import MAX_PAGE, event_get, events_feed
from .permissions import VIEW_EVENTS, CustomerOrStaffRole

MAX_ID = 2**63 - 1
EXAMPLE_OCCURRED_AT = "2026-01-05T10:00:00Z"


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Global, strictly increasing; the cursor for ?after=.")
    type = serializers.CharField(help_text="One of the types listed in this operation's description.")
    version = serializers.IntegerField(help_text="Schema version of data for this type.")
    account_id = serializers.IntegerField(allow_null=True, help_text="Margin account; null: house-wide.")
    occurred_at = serializers.DateTimeField()
    data = serializers.JSONField(help_text="The payload: amounts, prices and ratios as decimal strings.")


def example_envelope(event_type: str, event_id: int = 1042) -> dict:
    definition = CATALOG[event_type]
    return {
        "id": event_id,
        "type": definition.name,
        "version": definition.version,
        "account_id": 7 if definition.scope == "account" else None,
        "occurred_at": EXAMPLE_OCCURRED_AT,
        "data": dict(definition.example),
    }


def _types_table() -> str:
    rows = "\n".join(
        f"| `{t.name}` | {t.version} | {t.scope} | {t.summary} | {', '.join(f'`{f}`' for f in t.fields)} |"
        for t in CATALOG.values()
    )
    return "| type | version | who sees it | what happened | data fields |\n|---|---|---|---|---|\n" + rows


FEED_DESCRIPTION = f"""Business events in id order, from a cursor. Start with `after=0` (or the
`id` of the last event you processed), process `results`, then ask again with
`after=next_after` until `has_more` is false; poll, or receive the same events by webhook.

Ids are global and strictly increasing. The feed never skips one: it serves only ids below
the oldest still held by a transaction in flight, so an event committed later never has a
smaller id than one you already read. Each event is served once per cursor position;
process them idempotently by `id` (webhooks deliver at least once).

Customers read their own account's events; staff read all, and may filter by `account`
and `type`. Events older than the retention (30 days by default) are purged.

{_types_table()}
"""


class FeedQuerySerializer(serializers.Serializer):
    after = serializers.IntegerField(min_value=0, max_value=MAX_ID, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=MAX_PAGE, default=100)
    account = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    type = serializers.ListField(child=serializers.CharField(max_length=64), required=False, max_length=20)


class EventFeedApi(APIView):
    permission_classes = [CustomerOrStaffRole]
    staff_permissions = {"GET": VIEW_EVENTS}

    class OutputSerializer(serializers.Serializer):
        results = EventSerializer(many=True)
        next_after = serializers.IntegerField(help_text="Send as ?after= to continue.")
        has_more = serializers.BooleanField(help_text="True: more events are ready now.")

    @extend_schema(
        operation_id="events_feed",
        tags=["events"],
        summary="Business events after a cursor, in id order (customers: their own)",
        description=FEED_DESCRIPTION,
        parameters=[
            OpenApiParameter("after", OpenApiTypes.INT, description="Return events with a larger id."),
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"At most this many (1-{MAX_PAGE})."),
            OpenApiParameter("account", OpenApiTypes.INT, description="One margin account's events."),
            OpenApiParameter(
                "type",
                OpenApiTypes.STR,
                many=True,
                explode=True,
                enum=sorted(CATALOG),
                description="Only these types (repeat the parameter for several).",
            ),
        ],
        responses={200: OutputSerializer},
        examples=[
            OpenApiExample(
                name,
                value={"results": [example_envelope(name)], "next_after": 1042, "has_more": False},
                response_only=True,
                status_codes=["200"],
            )
            for name in CATALOG
        ]
        + [error_example("not_found", "No such account.", "account", 404)],
    )
    def get(self, request):
        query = FeedQuerySerializer(
            data={
                **{k: v for k, v in request.query_params.items() if k in ("after", "limit", "account")},
                **({"type": request.query_params.getlist("type")} if "type" in request.query_params else {}),
            }
        )
        query.is_valid(raise_exception=True)
        data = query.validated_data
        page = events_feed(
            user=request.user,
            after=data["after"],
            limit=data["limit"],
            account_id=data.get("account"),
            types=data.get("type", ()),
        )
        return Response(
            {
                "results": [event_envelope(event) for event in page.events],
                "next_after": page.next_after,
                "has_more": page.has_more,
            }
        )


class EventDetailApi(APIView):
    permission_classes = [CustomerOrStaffRole]
    staff_permissions = {"GET": VIEW_EVENTS}

    @extend_schema(
        operation_id="event",
        tags=["events"],
        summary="One event (a customer's own, or any for staff)",
        responses={200: EventSerializer},
        examples=[
            OpenApiExample(
                "Borrowed", value=example_envelope("loan.borrowed"), response_only=True, status_codes=["200"]
            ),
            error_example("not_found", "No such event.", "id", 404),
        ],
    )
    def get(self, request, pk: int):
        return Response(event_envelope(event_get(user=request.user, event_id=pk)))


class EventTypeListApi(APIView):
    permission_classes = [CustomerOrStaffRole]
    staff_permissions = {"GET": VIEW_EVENTS}

    class OutputSerializer(serializers.Serializer):
        type = serializers.CharField()
        version = serializers.IntegerField()
        scope = serializers.CharField(help_text="account: a customer's own; house: staff only.")
        summary = serializers.CharField()
        fields = serializers.DictField(child=serializers.CharField(), help_text="Field -> kind.")
        example = serializers.JSONField()

    @extend_schema(
        operation_id="event_types",
        tags=["events"],
        summary="The event types you can read and subscribe to, with their schema version and an example",
        responses={200: OutputSerializer(many=True)},
        examples=[
            OpenApiExample(
                "Borrowed",
                value=[
                    {
                        "type": "loan.borrowed",
                        "version": 1,
                        "scope": "account",
                        "summary": CATALOG["loan.borrowed"].summary,
                        "fields": dict(CATALOG["loan.borrowed"].fields),
                        "example": dict(CATALOG["loan.borrowed"].example),
                    }
                ],
                response_only=True,
                status_codes=["200"],
            )
        ],
    )
    def get(self, request):
        return Response(
            [
                {
                    "type": t.name,
                    "version": t.version,
                    "scope": str(t.scope),
                    "summary": t.summary,
                    "fields": dict(t.fields),
                    "example": dict(t.example),
                }
                for t in types_for(staff=request.user.is_staff)
            ]
        )
