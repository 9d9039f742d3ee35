"""OpenAPI examples of the configuration endpoints' refusals, made by the real checks.

Each example is what the check answers (``_refusal`` runs it), so the documentation
cannot drift from the messages; ``tests/config/test_named_errors.py`` compares them with
live answers.
"""

from __future__ import annotations

from decimal import Decimal as D

from margin_project.api.schema import domain_error_example
from margin_project.errors import DomainError
from risk.services.config_rules import ASSET_GUARD_RAILS, SETTINGS_GUARD_RAILS, guard_rails_check, tiers_check
from risk.services.configuration import known_fields_check

COLLATERAL = {"is_collateral": True, "confirm": False}


def _refusal(check, *args, **kwargs) -> DomainError:
    """What a check refuses, for the documentation: the examples are the real messages."""
    try:
        check(*args, **kwargs)
    except DomainError as error:
        return error
    raise AssertionError(f"{check.__name__} accepted its example")


TIERS_EXAMPLE = domain_error_example(
    _refusal(tiers_check, tiers=[(D(100000000), D("1.5")), (None, D("0.9")), (None, D("0.8"))], **COLLATERAL)
)
NO_BANDS_EXAMPLE = domain_error_example(_refusal(tiers_check, tiers=[], **COLLATERAL), "no bands")
RISING_FACTOR_EXAMPLE = domain_error_example(
    _refusal(tiers_check, tiers=[(D(100000000), D("0.9")), (None, D(1))], **COLLATERAL)
)
RATE_CONFIRMATION_EXAMPLE = domain_error_example(
    _refusal(
        guard_rails_check, changes={"daily_interest_rate": D("0.02")}, rails=ASSET_GUARD_RAILS, confirm=False
    )
)
ASSET_UPDATE_FIELDS = (
    "name",
    "is_collateral",
    "is_borrowable",
    "daily_interest_rate",
    "liquidation_priority",
    "borrow_limit",
    "confirm",
)
UNKNOWN_ASSET_FIELD_EXAMPLE = domain_error_example(
    _refusal(known_fields_check, names=["is_colateral"], allowed=ASSET_UPDATE_FIELDS)
)
UNKNOWN_NEW_ASSET_FIELD_EXAMPLE = domain_error_example(
    _refusal(
        known_fields_check,
        names=["is_colateral"],
        allowed=("symbol", "name", "precision", *ASSET_UPDATE_FIELDS[1:-1], "tiers", "confirm"),
    )
)
RISK_SETTINGS_FIELDS = (
    "borrow_level",
    "transfer_out_level",
    "margin_call_level",
    "liquidation_level",
    "target_level",
    "liquidation_fee",
    "max_price_age_seconds",
)
UNKNOWN_SETTING_EXAMPLE = domain_error_example(
    _refusal(known_fields_check, names=["borrow_levl"], allowed=(*RISK_SETTINGS_FIELDS, "confirm"))
)
LEVEL_CONFIRMATION_EXAMPLE = domain_error_example(
    _refusal(guard_rails_check, changes={"borrow_level": D(4)}, rails=SETTINGS_GUARD_RAILS, confirm=False)
)
