"""API keys over /api/v1/: create (TOTP when 2FA is on; the secret is shown once), list, revoke."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models.api_key import ApiKeyPermission
from accounts.selectors.api_keys import api_keys_of
from accounts.services.api_keys import api_key_create, api_key_revoke
from margin_project.api.schema import OTP_HEADER, error_example
from margin_project.api.throttles import OtpThrottle, UserThrottle

from .otp import otp_code

KEY_EXAMPLE = {
    "api_key": "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
    "label": "rebalancing bot",
    "kind": "hmac",
    "permissions": ["read", "borrow_repay"],
    "ip_allowlist": ["203.0.113.7"],
    "second_factor": True,
    "created": "2026-01-05T10:00:00Z",
    "last_used": None,
}


class ApiKeyOutputSerializer(serializers.Serializer):
    api_key = serializers.CharField(source="key", help_text="Send as X-MBX-APIKEY.")
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["hmac", "ed25519"])
    permissions = serializers.ListField(child=serializers.CharField())
    ip_allowlist = serializers.ListField(child=serializers.CharField(), help_text="Empty: any address.")
    second_factor = serializers.BooleanField(
        source="created_with_otp", help_text="Made with a TOTP code: no X-OTP-Code needed on money calls."
    )
    created = serializers.DateTimeField(source="created_at")
    last_used = serializers.DateTimeField(source="last_used_at", allow_null=True)


class ApiKeyListApi(APIView):
    def get_throttles(self):
        # Creating checks a TOTP code: the tighter brake on guessing applies to it.
        throttles = [UserThrottle, OtpThrottle] if self.request.method == "POST" else [UserThrottle]
        return [throttle() for throttle in throttles]

    class InputSerializer(serializers.Serializer):
        label = serializers.CharField(max_length=64)
        permissions = serializers.ListField(
            child=serializers.ChoiceField(choices=ApiKeyPermission.values),
            max_length=3,
            default=list,
            help_text="read is always granted; add borrow_repay and/or transfer.",
        )
        ip_allowlist = serializers.ListField(
            child=serializers.CharField(max_length=64), max_length=30, default=list
        )
        public_key = serializers.CharField(
            max_length=1000,
            required=False,
            allow_blank=True,
            help_text="An Ed25519 public key (PEM) to sign with your own private key; leave out for HMAC.",
        )

    class OutputSerializer(ApiKeyOutputSerializer):
        secret = serializers.CharField(
            allow_null=True, help_text="The HMAC secret: shown this once, never again (null for Ed25519)."
        )

    @extend_schema(
        operation_id="auth_api_keys",
        tags=["auth"],
        summary="The customer's API keys (never their secrets)",
        responses=ApiKeyOutputSerializer(many=True),
        examples=[OpenApiExample("One key", value=[KEY_EXAMPLE], response_only=True)],
    )
    def get(self, request):
        return Response(ApiKeyOutputSerializer(api_keys_of(user=request.user), many=True).data)

    @extend_schema(
        operation_id="auth_api_key_create",
        tags=["auth"],
        summary="Create an API key (Binance-style: X-MBX-APIKEY + HMAC-SHA256 or Ed25519 signature)",
        description="Send X-OTP-Code when 2FA is on; such a key is then the second factor for the "
        "money calls it permits. The HMAC secret is in this response only.",
        parameters=[OTP_HEADER],
        request=InputSerializer,
        responses={201: OutputSerializer},
        examples=[
            OpenApiExample(
                "A bot that borrows and repays",
                value={"label": "rebalancing bot", "permissions": ["borrow_repay"], "ip_allowlist": []},
                request_only=True,
            ),
            OpenApiExample(
                "Created",
                value={
                    **KEY_EXAMPLE,
                    "secret": "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
                },
                response_only=True,
                status_codes=["201"],
            ),
            error_example(
                "two_factor_required", "Enter the 6-digit code from your authenticator app.", "otp_code", 403
            ),
        ],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        issued = api_key_create(
            user=request.user,
            label=data["label"],
            permissions=data["permissions"],
            ip_allowlist=data["ip_allowlist"],
            public_key=data.get("public_key") or None,
            otp_code=otp_code(request),
            request=request,
        )
        body = {**ApiKeyOutputSerializer(issued.api_key).data, "secret": issued.secret}
        return Response(body, status=201)


class ApiKeyRevokeApi(APIView):
    @extend_schema(
        operation_id="auth_api_key_revoke",
        tags=["auth"],
        summary="Revoke an API key: it never signs again",
        responses={204: None},
        examples=[error_example("not_found", "No such API key.", "api_key", 404)],
    )
    def delete(self, request, api_key: str):
        api_key_revoke(user=request.user, key=api_key)
        return Response(status=204)
