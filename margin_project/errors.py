"""The one application error type services raise; interfaces map it to 4xx/form errors."""

from __future__ import annotations


class DomainError(Exception):
    """A refused operation: nothing was changed.

    ``code`` is stable for programs, ``message`` is for people, ``field`` names the
    input at fault when there is one. ``status`` is the HTTP status the API uses.
    """

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class InvalidAmount(DomainError):
    code = "invalid_amount"


class BalanceOverflow(DomainError):
    """The amount is valid but a balance it moves would no longer fit its column."""

    code = "balance_too_large"
    status = 422


class UnknownAsset(DomainError):
    code = "unknown_asset"


class AssetDisabled(DomainError):
    code = "asset_disabled"
    status = 422


class InsufficientBalance(DomainError):
    code = "insufficient_balance"
    status = 422


class RatioTooLow(DomainError):
    code = "margin_ratio_too_low"
    status = 422


class ModeOff(DomainError):
    code = "multi_asset_mode_off"
    status = 409


class ModeChangeRefused(DomainError):
    code = "mode_change_refused"
    status = 409


class TwoFactorRequired(DomainError):
    code = "two_factor_required"
    status = 403


class TwoFactorInvalid(DomainError):
    code = "two_factor_invalid"
    status = 403


class StalePrice(DomainError):
    code = "stale_price"
    status = 409


class MissingPrice(DomainError):
    code = "missing_price"
    status = 409


class Conflict(DomainError):
    code = "conflict"
    status = 409


class NotFound(DomainError):
    code = "not_found"
    status = 404
