"""Assets for everyone; prices, asset configuration and risk settings for staff."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from margin_project.api.fields import AssetSymbol, DecimalString
from margin_project.api.permissions import IsSignedIn, StaffPermission
from margin_project.api.schema import domain_error_example, error_example
from margin_project.errors import InvalidAsset, InvalidSettings, ReadOnlyField
from margin_project.transactions import atomic_retry
from risk.models import PriceDecision, PriceHold, RiskSettings
from risk.roles import (
    ADD_ASSET,
    ADD_TIER,
    CHANGE_ASSET,
    CHANGE_RISK_SETTINGS,
    CONFIRM_PRICE,
    RECORD_PRICE,
    REPLACE_TIERS,
    VIEW_PRICE_HOLDS,
    VIEW_RISK_SETTINGS,
)
from risk.selectors.assets import asset_detail, assets_list
from risk.selectors.prices import price_holds_pending
from risk.services import price_hold_confirm, price_hold_reject, price_observe
from risk.services.configuration import (
    ASSET_FIXED,
    asset_create,
    asset_tiers_replace,
    asset_update,
    known_fields_check,
    risk_settings_update,
)

from .config_examples import (
    LEVEL_CONFIRMATION_EXAMPLE,
    NO_BANDS_EXAMPLE,
    RATE_CONFIRMATION_EXAMPLE,
    RISING_FACTOR_EXAMPLE,
    TIERS_EXAMPLE,
    UNKNOWN_ASSET_FIELD_EXAMPLE,
    UNKNOWN_NEW_ASSET_FIELD_EXAMPLE,
    UNKNOWN_SETTING_EXAMPLE,
)

BTC_EXAMPLE = {
    "symbol": "BTC",
    "name": "Bitcoin",
    "precision": 8,
    "is_collateral": True,
    "is_borrowable": True,
    "daily_interest_rate": "0.0002",
    "liquidation_priority": 10,
    "borrow_limit": None,
    "price": "60000",
    "price_source": "feed",
    "price_observed_at": "2026-01-05T10:00:00Z",
    "price_age_seconds": 12,
    "stale": False,
    "tiers": [
        {"up_to": "100000000", "factor": "1"},
        {"up_to": "120000000", "factor": "0.975"},
        {"up_to": None, "factor": "0.95"},
    ],
}


API_REASON = "API"


def CONFIRM_FIELD(**kwargs) -> serializers.BooleanField:  # noqa: N802 - reads as a field declaration
    kwargs.setdefault(
        "help_text",
        "Confirm values beyond their usual bounds (a daily rate above 0.01, a borrow or transfer-out "
        "level above 3, a liquidation fee above 0.1, a max price age above 1 h, a tier factor rising "
        "with size); without it they are refused with `confirmation_required`.",
    )
    return serializers.BooleanField(default=False, **kwargs)


def _refuse_unknown_fields(
    request, serializer: serializers.Serializer, *, fixed: tuple[str, ...] = ()
) -> None:
    """A misspelt field is refused by name (``unknown_field``), never silently ignored."""
    names = request.data.keys() if isinstance(request.data, dict) else ()
    known_fields_check(names=names, allowed=tuple(serializer.fields), fixed=fixed)


class TierSerializer(serializers.Serializer):
    up_to = DecimalString(allow_null=True, help_text="Upper bound of the band in USDT; null = no bound.")
    factor = DecimalString(help_text="Collateral factor in (0, 1].")


class AssetOutputSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    name = serializers.CharField()
    precision = serializers.IntegerField()
    is_collateral = serializers.BooleanField()
    is_borrowable = serializers.BooleanField()
    daily_interest_rate = DecimalString()
    liquidation_priority = serializers.IntegerField()
    borrow_limit = DecimalString(allow_null=True)
    price = DecimalString(allow_null=True, help_text="USDT per unit; null when none is known yet.")
    price_source = serializers.CharField(allow_null=True)
    price_observed_at = serializers.DateTimeField(allow_null=True)
    price_age_seconds = serializers.IntegerField(allow_null=True)
    stale = serializers.BooleanField(help_text="Older than the risk settings' max price age.")
    tiers = TierSerializer(many=True)


class AssetListApi(APIView):
    permission_classes = [IsSignedIn]

    @extend_schema(
        operation_id="assets",
        tags=["assets"],
        summary="Every asset: price and its age, factor tiers, daily rate, switches",
        responses=AssetOutputSerializer(many=True),
        examples=[OpenApiExample("BTC", value=[BTC_EXAMPLE], response_only=True)],
    )
    def get(self, request):
        return Response(AssetOutputSerializer(assets_list(), many=True).data)


class AssetDetailApi(APIView):
    permission_classes = [IsSignedIn]

    @extend_schema(
        operation_id="asset",
        tags=["assets"],
        summary="One asset",
        responses=AssetOutputSerializer,
        examples=[
            OpenApiExample("BTC", value=BTC_EXAMPLE, response_only=True),
            error_example("not_found", "Unknown asset 'XYZ'.", "symbol", 404),
        ],
    )
    def get(self, request, symbol: str):
        return Response(AssetOutputSerializer(asset_detail(symbol=symbol)).data)


class PriceRowSerializer(serializers.Serializer):
    asset = AssetSymbol()
    price = DecimalString()
    source = serializers.CharField(max_length=64, default="api")
    observed_at = serializers.DateTimeField(required=False, help_text="Defaults to now.")


class PriceOutcomeSerializer(serializers.Serializer):
    """What a reported price did, and the live price after it."""

    asset = serializers.CharField(source="asset.symbol")
    decision = serializers.ChoiceField(
        choices=PriceDecision.choices,
        source="observation.decision",
        help_text="live: the live price moved (or was confirmed); held: waiting for a second source or "
        "staff member; ignored: older than the live price.",
    )
    reported = DecimalString(source="observation.price", help_text="The price as reported.")
    note = serializers.CharField(source="observation.note")
    hold_id = serializers.IntegerField(source="hold.pk", allow_null=True, default=None)
    price = DecimalString(source="live.price", allow_null=True, default=None, help_text="The live price.")
    source = serializers.CharField(source="live.source", allow_null=True, default=None)
    observed_at = serializers.DateTimeField(source="live.observed_at", allow_null=True, default=None)


PRICE_LIVE_EXAMPLE = {
    "asset": "BTC",
    "decision": "live",
    "reported": "61250.5",
    "note": "Live at 61250.5 (+2.08 %): feed.",
    "hold_id": None,
    "price": "61250.5",
    "source": "feed",
    "observed_at": "2026-01-05T10:00:00Z",
}
PRICE_HELD_EXAMPLE = {
    "asset": "BTC",
    "decision": "held",
    "reported": "6000",
    "note": "Held: 6000 (-90.00 %) moves more than the ±15 % band from 60000: it needs a second source "
    "or a second staff member.",
    "hold_id": 7,
    "price": "60000",
    "source": "feed",
    "observed_at": "2026-01-05T09:59:00Z",
}


HOLD_EXAMPLE = {
    "id": 7,
    "asset": "BTC",
    "price": "6000",
    "live_price": "60000",
    "reason": "out_of_band",
    "status": "pending",
    "source": "feed",
    "recorded_by": "feed-bot",
    "observed_at": "2026-01-05T09:59:00Z",
    "note": PRICE_HELD_EXAMPLE["note"],
    "resolution": "",
}


class PriceRecordApi(APIView):
    permission_classes = [StaffPermission]
    staff_permissions = {"POST": RECORD_PRICE}

    class InputSerializer(serializers.Serializer):
        prices = PriceRowSerializer(many=True, min_length=1, max_length=500)

    @extend_schema(
        operation_id="staff_prices_record",
        tags=["staff"],
        summary="Report prices (a batch, all or nothing)",
        description="Each price is logged and then goes live, or is held: a move beyond the asset's sanity "
        "band (default 15 %), or fewer independent sources than the asset needs, waits for a second "
        "source (another account, within the band and the confirmation window) or a second staff "
        "member (staff/prices/held/{id}/confirm/). With several fresh sources the live price is their "
        "median. A price older than the live one is ignored (feeds deliver out of order).",
        request=InputSerializer,
        responses={200: PriceOutcomeSerializer(many=True)},
        examples=[
            OpenApiExample(
                "Feed tick",
                value={"prices": [{"asset": "BTC", "price": "61250.5", "source": "feed"}]},
                request_only=True,
            ),
            OpenApiExample("Live", value=[PRICE_LIVE_EXAMPLE], response_only=True, status_codes=["200"]),
            OpenApiExample("Held", value=[PRICE_HELD_EXAMPLE], response_only=True, status_codes=["200"]),
            error_example("invalid_amount", "The price must be greater than zero.", "price"),
        ],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = serializer.validated_data["prices"]

        @atomic_retry
        def record_all():
            return [price_observe(**row, recorded_by=request.user) for row in rows]

        return Response(PriceOutcomeSerializer(record_all(), many=True).data)


class PriceHoldSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    asset = serializers.CharField(source="asset.symbol")
    price = DecimalString(source="observation.price", help_text="The price held back.")
    live_price = DecimalString(source="observation.live_price", allow_null=True)
    reason = serializers.ChoiceField(choices=PriceHold.Reason.choices)
    status = serializers.ChoiceField(choices=PriceHold.Status.choices)
    source = serializers.CharField(source="observation.source")
    recorded_by = serializers.CharField(
        source="observation.recorded_by.username", allow_null=True, default=None
    )
    observed_at = serializers.DateTimeField(source="observation.observed_at")
    note = serializers.CharField(source="observation.note")
    resolution = serializers.CharField()


class PriceHoldListApi(APIView):
    permission_classes = [StaffPermission]
    staff_permissions = {"GET": VIEW_PRICE_HOLDS}

    @extend_schema(
        operation_id="staff_price_holds",
        tags=["staff"],
        summary="Prices held for confirmation (pending)",
        responses=PriceHoldSerializer(many=True),
        examples=[OpenApiExample("Held", value=[HOLD_EXAMPLE], response_only=True)],
    )
    def get(self, request):
        holds = price_holds_pending()
        return Response(PriceHoldSerializer(holds, many=True).data)


class PriceHoldConfirmApi(APIView):
    permission_classes = [StaffPermission]
    staff_permissions = {"POST": CONFIRM_PRICE}

    @extend_schema(
        operation_id="staff_price_hold_confirm",
        tags=["staff"],
        summary="Confirm a held price: it goes live (a second staff member only)",
        request=None,
        responses={200: PriceOutcomeSerializer},
        examples=[
            OpenApiExample(
                "Confirmed",
                value={
                    **PRICE_HELD_EXAMPLE,
                    "decision": "confirmed",
                    "price": "6000",
                    "source": "feed ✓ risk",
                    "note": "Held price #41 from feed confirmed by risk.",
                },
                response_only=True,
                status_codes=["200"],
            ),
            error_example(
                "second_person_required",
                "A held price is confirmed by a second staff member, not by the one who recorded it.",
                None,
                403,
            ),
        ],
    )
    def post(self, request, pk: int):
        outcome = price_hold_confirm(hold_id=pk, staff_user=request.user)
        return Response(PriceOutcomeSerializer(outcome).data)


class PriceHoldRejectApi(APIView):
    permission_classes = [StaffPermission]
    staff_permissions = {"POST": CONFIRM_PRICE}

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=200, required=False, default="")

    @extend_schema(
        operation_id="staff_price_hold_reject",
        tags=["staff"],
        summary="Reject a held price: it never goes live",
        request=InputSerializer,
        responses={200: PriceHoldSerializer},
        examples=[
            OpenApiExample(
                "Reject", value={"reason": "Feed glitch: a misplaced decimal point."}, request_only=True
            ),
            OpenApiExample(
                "Rejected",
                value={**HOLD_EXAMPLE, "status": "rejected", "resolution": "Rejected by risk (#42)."},
                response_only=True,
                status_codes=["200"],
            ),
        ],
    )
    def post(self, request, pk: int):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hold = price_hold_reject(hold_id=pk, staff_user=request.user, **serializer.validated_data)
        return Response(PriceHoldSerializer(hold).data)


class AssetCreateApi(APIView):
    permission_classes = [StaffPermission]
    staff_permissions = {"POST": (ADD_ASSET, ADD_TIER)}

    class InputSerializer(serializers.Serializer):
        symbol = serializers.CharField(max_length=16)
        name = serializers.CharField(max_length=64)
        precision = serializers.IntegerField(min_value=0, max_value=18)
        is_collateral = serializers.BooleanField(default=True)
        is_borrowable = serializers.BooleanField(default=False)
        daily_interest_rate = DecimalString(default=Decimal(0))
        liquidation_priority = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=100)
        borrow_limit = DecimalString(allow_null=True, default=None)
        tiers = TierSerializer(
            many=True,
            required=False,
            max_length=50,
            help_text="Required (at least one) for a collateral asset.",
        )
        confirm = CONFIRM_FIELD()

    @extend_schema(
        operation_id="staff_asset_create",
        tags=["staff"],
        summary="Add an asset",
        request=InputSerializer,
        responses={201: AssetOutputSerializer},
        examples=[
            OpenApiExample(
                "Solana",
                value={
                    "symbol": "SOL",
                    "name": "Solana",
                    "precision": 8,
                    "is_collateral": True,
                    "is_borrowable": True,
                    "daily_interest_rate": "0.0003",
                    "tiers": [{"up_to": None, "factor": "0.75"}],
                },
                request_only=True,
            ),
            OpenApiExample(
                "Created", value={**BTC_EXAMPLE, "symbol": "SOL"}, response_only=True, status_codes=["201"]
            ),
            domain_error_example(InvalidAsset("Asset with this Symbol already exists.", field="symbol")),
            NO_BANDS_EXAMPLE,
            RATE_CONFIRMATION_EXAMPLE,
            UNKNOWN_NEW_ASSET_FIELD_EXAMPLE,
        ],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        _refuse_unknown_fields(request, serializer)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        tiers = [(t["up_to"], t["factor"]) for t in data.pop("tiers", [])]
        asset = asset_create(actor=request.user, tiers=tiers, reason=API_REASON, **data)
        return Response(AssetOutputSerializer(asset_detail(symbol=asset.symbol)).data, status=201)


class AssetUpdateApi(APIView):
    permission_classes = [StaffPermission]
    staff_permissions = {"PATCH": CHANGE_ASSET}

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=64, required=False)
        is_collateral = serializers.BooleanField(required=False)
        is_borrowable = serializers.BooleanField(required=False)
        daily_interest_rate = DecimalString(
            required=False, help_text="Simple interest per day as a fraction."
        )
        liquidation_priority = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
        borrow_limit = DecimalString(
            allow_null=True, required=False, help_text="Most principal per account; null = no cap."
        )
        confirm = CONFIRM_FIELD()

    @extend_schema(
        operation_id="staff_asset_update",
        tags=["staff"],
        summary="Change an asset's switches, daily rate, priority or borrow limit",
        request=InputSerializer,
        responses={200: AssetOutputSerializer},
        examples=[
            OpenApiExample(
                "Cheaper BNB",
                value={"daily_interest_rate": "0.00004", "is_borrowable": True},
                request_only=True,
            ),
            OpenApiExample("Updated", value=BTC_EXAMPLE, response_only=True, status_codes=["200"]),
            error_example("not_found", "Unknown asset 'XYZ'.", "symbol", 404),
            RATE_CONFIRMATION_EXAMPLE,
            domain_error_example(
                ReadOnlyField("precision cannot be changed once the asset exists.", field="precision")
            ),
            UNKNOWN_ASSET_FIELD_EXAMPLE,
            NO_BANDS_EXAMPLE,
        ],
    )
    def patch(self, request, symbol: str):
        serializer = self.InputSerializer(data=request.data)
        _refuse_unknown_fields(request, serializer, fixed=ASSET_FIXED)
        serializer.is_valid(raise_exception=True)
        asset = asset_update(
            actor=request.user,
            symbol=symbol,
            reason=API_REASON,
            **serializer.validated_data,
        )
        return Response(AssetOutputSerializer(asset_detail(symbol=asset.symbol)).data)


class AssetTiersApi(APIView):
    permission_classes = [StaffPermission]
    staff_permissions = {"PUT": REPLACE_TIERS}

    class InputSerializer(serializers.Serializer):
        tiers = TierSerializer(many=True, max_length=50)
        confirm = CONFIRM_FIELD(help_text="Confirm a factor that rises with size (normally it falls).")

    @extend_schema(
        operation_id="staff_asset_tiers_replace",
        tags=["staff"],
        summary="Replace an asset's collateral-factor tiers",
        description="Bands apply progressively like tax brackets, in any order: each factor in (0, 1], "
        "bounds above 0 and all different, exactly one open band (up_to null), the last; a collateral "
        "asset needs at least one band. Every problem is listed in `details`, each naming its band. A "
        "factor that rises with size needs `confirm: true`.",
        request=InputSerializer,
        responses={200: AssetOutputSerializer},
        examples=[
            OpenApiExample(
                "BTC, Binance-style",
                value={
                    "tiers": [
                        {"up_to": "100000000", "factor": "1"},
                        {"up_to": "120000000", "factor": "0.975"},
                        {"up_to": "150000000", "factor": "0.95"},
                        {"up_to": None, "factor": "0.9"},
                    ]
                },
                request_only=True,
            ),
            OpenApiExample("Updated", value=BTC_EXAMPLE, response_only=True, status_codes=["200"]),
            TIERS_EXAMPLE,
            NO_BANDS_EXAMPLE,
            RISING_FACTOR_EXAMPLE,
            error_example("not_found", "Unknown asset 'XYZ'.", "symbol", 404),
        ],
    )
    def put(self, request, symbol: str):
        serializer = self.InputSerializer(data=request.data)
        _refuse_unknown_fields(request, serializer)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        asset = asset_tiers_replace(
            actor=request.user,
            symbol=symbol,
            tiers=[(t["up_to"], t["factor"]) for t in data["tiers"]],
            confirm=data["confirm"],
            reason=API_REASON,
        )
        return Response(AssetOutputSerializer(asset_detail(symbol=asset.symbol)).data)


class RiskSettingsSerializer(serializers.Serializer):
    borrow_level = DecimalString(help_text="1.25 = 125%.")
    transfer_out_level = DecimalString()
    margin_call_level = DecimalString()
    liquidation_level = DecimalString()
    target_level = DecimalString()
    liquidation_fee = DecimalString()
    max_price_age_seconds = serializers.IntegerField(min_value=1, max_value=7 * 86400)


def _settings_data(risk: RiskSettings) -> dict:
    levels = ("borrow_level", "transfer_out_level", "margin_call_level", "liquidation_level", "target_level")
    return {
        **{name: getattr(risk, name) for name in levels},
        "liquidation_fee": risk.liquidation_fee,
        "max_price_age_seconds": int(risk.max_price_age.total_seconds()),
    }


RISK_EXAMPLE = {
    "borrow_level": "1.25",
    "transfer_out_level": "1.25",
    "margin_call_level": "1.1",
    "liquidation_level": "1.05",
    "target_level": "1.1",
    "liquidation_fee": "0.02",
    "max_price_age_seconds": 300,
}


class RiskSettingsApi(APIView):
    permission_classes = [StaffPermission]
    staff_permissions = {"GET": VIEW_RISK_SETTINGS, "PATCH": CHANGE_RISK_SETTINGS}

    class InputSerializer(RiskSettingsSerializer):
        confirm = CONFIRM_FIELD()

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                field.required = False

    @extend_schema(
        operation_id="staff_risk_settings",
        tags=["staff"],
        summary="The risk thresholds (fractions: 1.25 = 125%) and the max price age",
        responses=RiskSettingsSerializer,
        examples=[OpenApiExample("Defaults", value=RISK_EXAMPLE, response_only=True)],
    )
    def get(self, request):
        return Response(RiskSettingsSerializer(_settings_data(RiskSettings.load())).data)

    @extend_schema(
        operation_id="staff_risk_settings_update",
        tags=["staff"],
        summary="Change risk thresholds",
        description="Send only what changes. Levels must stay ordered: liquidation < margin call <= target "
        "< borrow, and target < transfer out. A borrow or transfer-out level above 3 (300%), a liquidation "
        "fee above 0.1 (10%) or a max price age above 3600 s needs `confirm: true`. An unknown field is "
        "refused (`unknown_field`), not ignored.",
        request=InputSerializer,
        responses={200: RiskSettingsSerializer},
        examples=[
            OpenApiExample("Stricter transfers", value={"transfer_out_level": "1.5"}, request_only=True),
            OpenApiExample(
                "Updated", value={**RISK_EXAMPLE, "transfer_out_level": "1.5"}, response_only=True
            ),
            domain_error_example(
                InvalidSettings(
                    "Thresholds must be ordered: liquidation < margin call <= target < borrow.",
                    field="margin_call_level",
                )
            ),
            LEVEL_CONFIRMATION_EXAMPLE,
            UNKNOWN_SETTING_EXAMPLE,
        ],
    )
    def patch(self, request):
        serializer = self.InputSerializer(data=request.data)
        _refuse_unknown_fields(request, serializer)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "max_price_age_seconds" in changes:
            changes["max_price_age"] = timedelta(seconds=changes.pop("max_price_age_seconds"))
        risk = risk_settings_update(actor=request.user, reason=API_REASON, **changes)
        return Response(RiskSettingsSerializer(_settings_data(risk)).data)
