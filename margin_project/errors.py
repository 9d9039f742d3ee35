"""The one application error type services raise; interfaces map it to 4xx/form errors."""

from __future__ import annotations


class DomainError(Exception):
    """A refused operation: nothing was changed.

    ``code`` is stable for programs, ``message`` is for people, ``field`` names the
    input at fault when there is one. ``status`` is the HTTP status the API uses.
    ``details`` lists every problem when there are several (each a dict of field, code
    and message), so a form or a client can show them all at once.
    """

    code = "invalid"
    status = 400

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        details: list[dict[str, str | None]] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details or []
        if code:
            self.code = code

    def as_dict(self) -> dict:
        body: dict = {"code": self.code, "message": self.message, "field": self.field}
        if self.details:
            body["details"] = self.details
        return body


class InvalidAmount(DomainError):
    """An amount that is not a positive decimal within the asset's precision."""

    code = "invalid_amount"


class InvalidPrice(DomainError):
    """A price that is not a positive decimal, or observed in the future."""

    code = "invalid_price"


class InvalidDirection(DomainError):
    """A transfer direction other than to_margin / to_spot."""

    code = "invalid_direction"


class InvalidReference(DomainError):
    """A deposit without its external reference."""

    code = "invalid_reference"


class InvalidCorrection(DomainError):
    """A ledger correction that is unexplained or mixes owners."""

    code = "invalid_correction"


class InvalidTiers(DomainError):
    """A collateral tier set the tier rule refuses; ``details`` names every band at fault."""

    code = "invalid_tiers"


class InvalidAsset(DomainError):
    """An asset row its own checks refuse (symbol, precision, a duplicate)."""

    code = "invalid_asset"


class InvalidSettings(DomainError):
    """Risk settings whose levels are out of order or out of range."""

    code = "invalid_settings"


class UnknownField(DomainError):
    """A change naming a field that does not exist."""

    code = "unknown_field"


class ReadOnlyField(DomainError):
    """A change to a field fixed once created (an asset's symbol or precision)."""

    code = "read_only_field"


class ConfirmationRequired(DomainError):
    """A value outside its usual bounds, sent without an explicit confirmation."""

    code = "confirmation_required"


class NotACustomer(DomainError):
    """Money credited to a staff user: deposits are for customers."""

    code = "not_a_customer"


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
