"""Binance's error shape ``{"code": -1022, "msg": "..."}`` and the codes our refusals become."""

from __future__ import annotations

from django.http import JsonResponse

from accounts.services.api_keys import ApiKeyAuthError
from margin_project.errors import DomainError

# HTTP status Binance answers with, by error code (anything else: 400).
STATUS_OF = {-1002: 401, -2014: 401, -2015: 401, -1003: 429}

# Our DomainError codes -> Binance's code for the same refusal, per operation ("*": any).
DOMAIN_CODES: dict[str, dict[str, int]] = {
    "*": {
        "unknown_asset": -3027,  # Not a valid margin asset.
        "stale_price": -3042,  # PriceIndex not available for this margin pair.
        "missing_price": -3042,
        "insufficient_balance": -3041,  # Balance is not enough
        "not_found": -3027,
        "two_factor_required": -1002,  # You are not authorized to execute this request.
        "two_factor_invalid": -1002,
    },
    "borrow": {
        "margin_ratio_too_low": -3006,  # Your borrow amount has exceed maximum borrow amount.
        "borrow_limit_exceeded": -3006,
        "asset_disabled": -3012,  # Borrow is banned for this asset.
        "multi_asset_mode_off": -3008,  # Borrow not allowed.
    },
    "repay": {
        "invalid_amount": -3015,  # Repay amount exceeds borrow amount.
    },
    "transfer_in": {
        "asset_disabled": -3009,  # This asset are not allowed to transfer into margin account currently.
    },
    "transfer_out": {
        "margin_ratio_too_low": -3020,  # Transfer out amount exceeds max amount.
    },
}
FALLBACK_CODE = -3026  # Your input param is invalid.


class BinanceError(Exception):
    """A refusal in Binance's terms: ``code`` (negative), ``msg``, and the HTTP status."""

    def __init__(self, code: int, msg: str, *, status: int | None = None, retry_after: int | None = None):
        super().__init__(msg)
        self.code = code
        self.msg = msg
        self.status = status or STATUS_OF.get(code, 400)
        self.retry_after = retry_after


def mandatory(name: str) -> BinanceError:
    return BinanceError(-1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.")


def not_supported(msg: str = "This operation is not supported.") -> BinanceError:
    return BinanceError(-1020, msg)


def from_auth_error(error: ApiKeyAuthError) -> BinanceError:
    return BinanceError(error.binance_code, error.message)


def from_domain_error(error: DomainError, operation: str = "*") -> BinanceError:
    """The Binance code for a service's refusal in ``operation``; the message stays ours (it explains)."""
    code = DOMAIN_CODES.get(operation, {}).get(error.code) or DOMAIN_CODES["*"].get(error.code, FALLBACK_CODE)
    return BinanceError(code, error.message)


def error_response(error: BinanceError, headers: dict[str, str] | None = None) -> JsonResponse:
    headers = dict(headers or {})
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    return JsonResponse({"code": error.code, "msg": error.msg}, status=error.status, headers=headers)
