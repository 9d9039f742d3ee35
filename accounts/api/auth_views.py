"""Tokens for bots and tools: username/password (+ TOTP when 2FA is on) for a token; list; revoke."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.services.api_tokens import api_token_issue, api_token_prefix, api_token_revoke, api_tokens_list
from margin_project.api.permissions import IsSignedIn
from margin_project.api.schema import OTP_HEADER, error_example
from margin_project.api.throttles import TokenThrottle
from margin_project.errors import DomainError
from margin_project.security.two_factor import Purpose

from .otp import otp_check


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status = 400


class LockedOut(DomainError):
    code = "locked_out"
    status = 429


class TokenObtainApi(APIView):
    authentication_classes = []  # no session: no CSRF dance for a credentials exchange
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, style={"input_type": "password"})

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField(help_text='Send as "Authorization: Token <token>".')
        prefix = serializers.CharField(help_text="How the token appears in lists.")
        created = serializers.DateTimeField()

    @extend_schema(
        operation_id="auth_token_obtain",
        tags=["auth"],
        summary="Exchange username and password for an API token",
        description="Returns the customer's token (created on first use). With 2FA on, send the "
        "current TOTP code in X-OTP-Code. Repeated failures lock the username out for a while.",
        auth=[],
        parameters=[OTP_HEADER],
        request=InputSerializer,
        responses={200: OutputSerializer},
        examples=[
            OpenApiExample(
                "Credentials", value={"username": "alice", "password": "demo-pass-123"}, request_only=True
            ),
            OpenApiExample(
                "Token",
                value={
                    "token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
                    "prefix": "9944b091",
                    "created": "2026-01-05T10:00:00Z",
                },
                response_only=True,
                status_codes=["200"],
            ),
            error_example("invalid_credentials", "Wrong username or password.", None),
        ],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(django_request, **serializer.validated_data)
        if getattr(django_request, "axes_locked_out", False):
            django_request.axes_locked_out = False  # answered here, in the API's own shape
            raise LockedOut("Too many failed attempts; try again later.")
        if user is None or not user.is_active:
            raise InvalidCredentials("Wrong username or password.")
        request.user = user
        otp_check(request, purpose=Purpose.TOKEN)
        token, _ = api_token_issue(user=user)
        out = {"token": token.key, "prefix": api_token_prefix(token), "created": token.created}
        return Response(self.OutputSerializer(out).data)


class TokenOutputSerializer(serializers.Serializer):
    prefix = serializers.CharField()
    created = serializers.DateTimeField()


class TokenListApi(APIView):
    permission_classes = [IsSignedIn]  # staff hold tokens too (for the staff endpoints)

    @extend_schema(
        operation_id="auth_tokens",
        tags=["auth"],
        summary="The customer's API tokens (prefixes only, never the secret)",
        responses=TokenOutputSerializer(many=True),
        examples=[
            OpenApiExample(
                "One token",
                value=[{"prefix": "9944b091", "created": "2026-01-05T10:00:00Z"}],
                response_only=True,
            )
        ],
    )
    def get(self, request):
        tokens = [
            {"prefix": api_token_prefix(t), "created": t.created} for t in api_tokens_list(user=request.user)
        ]
        return Response(TokenOutputSerializer(tokens, many=True).data)


class TokenRevokeApi(APIView):
    permission_classes = [IsSignedIn]

    @extend_schema(
        operation_id="auth_token_revoke",
        tags=["auth"],
        summary="Revoke a token by its prefix",
        responses={204: None},
        examples=[error_example("not_found", "No such token.", "prefix", 404)],
    )
    def delete(self, request, prefix: str):
        api_token_revoke(user=request.user, prefix=prefix)
        return Response(status=204)
