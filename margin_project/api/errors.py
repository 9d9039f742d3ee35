"""One error shape for every error: ``{"error": {"code", "message", "field", "details"}}``.

4xx for bad input and refusals. Anything unexpected (a bug, a database failure) is a
500 in the same shape with a correlation id, also sent as the ``X-Correlation-ID``
header and logged with the traceback, so a customer's report finds the log line. A
deadlock that outlived every retry is a 503 asking the client to retry.
"""

from __future__ import annotations

import logging
import uuid

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import set_rollback

from margin_project.errors import DomainError
from margin_project.transactions import conflict_retryable

logger = logging.getLogger("margin_project.api")

CORRELATION_HEADER = "X-Correlation-ID"


class ErrorDetailSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs (e.g. margin_ratio_too_low).")
    message = serializers.CharField(help_text="For people.")
    field = serializers.CharField(allow_null=True, help_text="The input at fault (dotted path), if one.")
    details = ErrorDetailSerializer(many=True, required=False, help_text="Every problem, for validation.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


def error_body(code: str, message: str, field: str | None = None, details: list | None = None) -> dict:
    body = {"code": code, "message": message, "field": field}
    if details:
        body["details"] = details
    return {"error": body}


def _flatten(detail, path: str | None = None) -> list[dict]:
    """Every (field path, code, message) in a DRF validation detail, depth first."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            name = None if key in ("non_field_errors", "__all__") else str(key)
            out += _flatten(value, f"{path}.{name}" if path and name else (name or path))
        return out
    if isinstance(detail, list):
        out = []
        for index, value in enumerate(detail):
            # A list of messages belongs to one field; a list of dicts is a list of items.
            sub = f"{path}.{index}" if path and isinstance(value, (dict, list)) else path
            out += _flatten(value, sub)
        return out
    return [{"field": path, "code": getattr(detail, "code", None) or "invalid", "message": str(detail)}]


def _validation_response(detail) -> Response:
    problems = _flatten(detail) or [{"field": None, "code": "invalid", "message": "Invalid input."}]
    first = problems[0]
    return Response(error_body(first["code"], first["message"], first["field"], problems), status=400)


def _unexpected_response(exc, context) -> Response:
    """A 500 (or a 503 for a conflict that outlived its retries) in the one error shape."""
    correlation = uuid.uuid4().hex
    request = context.get("request")
    view = context.get("view")
    logger.error(
        "Unexpected API error %s in %s %s (%s)",
        correlation,
        getattr(request, "method", "?"),
        getattr(request, "path", "?"),
        type(view).__name__ if view is not None else "?",
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    set_rollback()
    headers = {CORRELATION_HEADER: correlation}
    if conflict_retryable(exc):
        headers["Retry-After"] = "1"
        body = error_body("busy", f"The desk is busy; retry in a moment (reference {correlation}).")
        return Response(body, status=503, headers=headers)
    body = error_body("server_error", f"Something went wrong on our side (reference {correlation}).")
    return Response(body, status=500, headers=headers)


def api_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: domain errors, validation, auth, 404, throttling, bugs - one shape."""
    if isinstance(exc, DomainError):
        if not 400 <= exc.status < 500:
            return _unexpected_response(exc, context)  # a bug (e.g. an unbalanced ledger), not bad input
        set_rollback()
        return Response(error_body(exc.code, exc.message, exc.field, exc.details), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if not isinstance(exc, exceptions.APIException):
        return _unexpected_response(exc, context)
    set_rollback()
    if isinstance(exc, exceptions.ValidationError):
        return _validation_response(exc.detail)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = f"{int(exc.wait)}"
    detail = exc.detail
    code = getattr(detail, "code", None) or exc.default_code
    if isinstance(exc, exceptions.NotFound):
        code = "not_found"
    return Response(error_body(str(code), str(detail)), status=exc.status_code, headers=headers)
