"""One /sapi/v1/ call: weigh it, authenticate it as Binance does, run it, answer in Binance's shape.

A view names its security type (``USER_DATA``: signed; ``MARKET_DATA``: a valid key,
no signature), its weights, the key permission it needs, and handles ``get``/``post``
with the parsed ``Params``, returning the JSON body. Every refusal, ours or Binance's,
leaves as ``{"code", "msg"}`` with Binance's HTTP status.

Money-moving calls (``money = True``) run once per signature: the same signed request
sent again inside its recvWindow (a replay, or a client resending the same bytes) gets
the first response back and moves nothing a second time.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import transaction
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django_otp import user_has_device

from accounts.models import ApiKey
from accounts.models.api_key import ApiKeyPermission
from accounts.services.api_keys import ApiKeyAuthError, api_key_authenticate, api_key_find
from accounts.services.idempotency import (
    Replay,
    idempotency_claim,
    idempotency_release,
    idempotency_store,
    request_fingerprint,
)
from margin_project.errors import DomainError

from .errors import BinanceError, error_response, from_auth_error, from_domain_error, not_supported
from .params import Params
from .signing import client_address, request_params, signed_call
from .weights import too_much, weight_use


class Security(StrEnum):
    NONE = "NONE"
    MARKET_DATA = "MARKET_DATA"
    USER_DATA = "USER_DATA"


@method_decorator(csrf_exempt, name="dispatch")
class SapiView(View):
    security: Security = Security.USER_DATA
    ip_weight: int = 1
    uid_weight: int = 0  # Binance weighs money calls per account (UID) instead
    permission: str | None = ApiKeyPermission.READ
    money: bool = False
    operation: str = "*"  # picks the Binance codes for our refusals (errors.DOMAIN_CODES)

    def dispatch(self, request, *args, **kwargs):
        headers: dict[str, str] = {}
        try:
            body = self._run(request, headers)
        except BinanceError as error:
            return error_response(error, headers)
        return JsonResponse(body, status=200, safe=False, headers=headers)

    # --- the steps ----------------------------------------------------------------------------
    def _run(self, request, headers: dict[str, str]):
        ip_usage = weight_use(scope="ip", ident=client_address(request), weight=self.ip_weight_of(request))
        headers["X-SAPI-USED-IP-WEIGHT-1M"] = headers["X-MBX-USED-WEIGHT-1M"] = str(ip_usage.used)
        if ip_usage.exceeded:
            raise too_much(ip_usage)
        method = request.method.lower()
        handler = getattr(self, method, None) if method in ("get", "post", "put", "delete") else None
        if handler is None:
            raise BinanceError(-1020, "This operation is not supported.", status=405)
        try:
            key = self.authenticate(request)
        except ApiKeyAuthError as error:
            raise from_auth_error(error) from None
        if key is not None and self.uid_weight:
            uid_usage = weight_use(scope="uid", ident=str(key.user_id), weight=self.uid_weight)
            headers["X-SAPI-USED-UID-WEIGHT-1M"] = str(uid_usage.used)
            if uid_usage.exceeded:
                raise too_much(uid_usage)
        params = Params(request_params(request))
        try:
            if self.money:
                return self._once(request, key, params, handler)
            return handler(request, params, key)
        except DomainError as error:
            if not 400 <= error.status < 500:
                raise  # a bug, not bad input: a 500
            raise from_domain_error(error, self.operation) from None

    def ip_weight_of(self, request) -> int:
        return self.ip_weight

    def authenticate(self, request) -> ApiKey | None:
        if self.security == Security.NONE:
            return None
        if self.security == Security.MARKET_DATA:
            return api_key_find(api_key=request.headers.get("X-MBX-APIKEY"), address=client_address(request))
        key = api_key_authenticate(call=signed_call(request), permission=self.permission)
        if self.money and user_has_device(key.user, confirmed=True) and not key.created_with_otp:
            raise BinanceError(
                -1002,
                "You are not authorized to execute this request: two-factor authentication is on and this "
                "key was made without it. Make a new key (with your authenticator code) for money calls.",
            )
        return key

    def _once(self, request, key: ApiKey, params: Params, handler):
        """Run a money call once per signature (see the module docstring)."""
        signature = signed_call(request).signature or ""
        with transaction.atomic():
            claimed = idempotency_claim(
                user=key.user,
                key=f"binance-signature:{signature}"[:255],
                fingerprint=request_fingerprint(method=request.method, path=request.path, body=params.values),
                method=request.method,
                path=request.path,
            )
            if isinstance(claimed, Replay):
                return claimed.body
            try:
                with transaction.atomic():
                    body = handler(request, params, key)
            except (DomainError, BinanceError):
                idempotency_release(claimed)
                raise
            idempotency_store(claimed, status=200, body=body)
            return body


class NotSupportedView(SapiView):
    """Isolated margin, orders, trades and other Binance features this desk does not have."""

    security = Security.NONE
    message = "This operation is not supported."

    def _run(self, request, headers):
        ip_usage = weight_use(scope="ip", ident=client_address(request), weight=1)
        headers["X-SAPI-USED-IP-WEIGHT-1M"] = headers["X-MBX-USED-WEIGHT-1M"] = str(ip_usage.used)
        if ip_usage.exceeded:
            raise too_much(ip_usage)
        raise not_supported(self.message)
