"""OpenAPI: error responses on every operation, readable component names, shared parameters."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

from margin_project.errors import DomainError

from . import auth_schema  # noqa: F401  (registers the OpenAPI extensions of our authentication)
from .errors import ErrorSerializer, error_body
from .permissions import StaffPermission

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    pattern=r"^[!-~]{1,255}$",
    description=(
        "Any unique string (a UUID) chosen by the client. A repeat with the same key and body "
        "returns the first response and moves nothing; the same key with another body is a 422."
    ),
)
OTP_HEADER = OpenApiParameter(
    "X-OTP-Code",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    pattern=r"^[0-9]{6}$",
    description=(
        "The current code of the customer's authenticator; required when 2FA is on. Each code works once."
    ),
)

STAFF_OTP_HEADER = OpenApiParameter(
    "X-OTP-Code",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    pattern=r"^[0-9]{6}$",
    description=(
        "The current code of the staff member's authenticator; every staff change needs it "
        "(while STAFF_MFA_REQUIRED, the production default). Each code works once."
    ),
)


class MarginDeskAutoSchema(AutoSchema):
    """Every operation documents the error shape for 400/401/403/404/409/422/429."""

    ERROR_STATUSES = ("400", "401", "403", "404", "409", "422", "429")

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status in self.ERROR_STATUSES:
            if status not in responses:
                responses[status] = self._get_response_for_code(ErrorSerializer, status, direction=direction)
        return responses

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        staff = any(issubclass(p, StaffPermission) for p in getattr(self.view, "permission_classes", ()))
        if staff and self.method not in ("GET", "HEAD", "OPTIONS"):
            parameters = [*parameters, STAFF_OTP_HEADER]
        return parameters

    def get_serializer_name(self, serializer, direction):
        # Nested HackSoft serializers: LoanBorrowApi.OutputSerializer -> LoanBorrowOutput.
        qualname = type(serializer).__qualname__
        if "." in qualname:
            owner, name = qualname.rsplit(".", 1)
            owner = owner.split(".")[-1].removesuffix("Api")
            # Request bodies get "Request" appended (COMPONENT_SPLIT_REQUEST): LoanBorrowRequest.
            return owner + ("" if name == "InputSerializer" else name.removesuffix("Serializer"))
        return super().get_serializer_name(serializer, direction)


def error_example(code: str, message: str, field: str | None = None, status: int = 400) -> OpenApiExample:
    return OpenApiExample(
        f"{status} {code}",
        value={"error": {"code": code, "message": message, "field": field}},
        response_only=True,
        status_codes=[str(status)],
    )


def domain_error_example(error: DomainError, name: str = "") -> OpenApiExample:
    """The documented answer to a refusal, built from the error itself (its code, status, details).

    ``name`` tells apart two examples of the same code on one operation.
    """
    return OpenApiExample(
        f"{error.status} {error.code}" + (f" ({name})" if name else ""),
        value=error_body(error.code, error.message, error.field, error.details),
        response_only=True,
        status_codes=[str(error.status)],
    )
