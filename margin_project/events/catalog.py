"""Every event type: its name, schema version, audience, payload fields and an example.

The catalogue is the one definition of what each event carries. ``event_record`` checks
every payload against it, the OpenAPI schema documents the feed from it (an example of
every type), and the tests check each payload builder and each example against it.

A payload is flat JSON: amounts, prices and ratios are decimal **strings** ("0.5"),
never JSON numbers. Changing a type's fields means a new ``version``; consumers read
``version`` beside ``type``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
DATETIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}")


class Scope(StrEnum):
    ACCOUNT = "account"  # about one customer's margin account: the customer and staff see it
    HOUSE = "house"  # house-wide (prices, configuration, the risk desk's alerts): staff only


@dataclass(frozen=True)
class EventType:
    name: str
    version: int
    scope: Scope
    summary: str
    # Payload field -> kind: decimal, string, integer, boolean, date, datetime, object, array;
    # a trailing "?" allows null.
    fields: Mapping[str, str]
    example: Mapping[str, object] = field(default_factory=dict)


class Types:
    """The names, for the hooks to import instead of spelling strings."""

    MARGIN_STATUS_CHANGED = "margin.status_changed"
    MARGIN_CALL_OPENED = "margin_call.opened"
    MARGIN_CALL_CLOSED = "margin_call.closed"
    LIQUIDATION_EXECUTED = "liquidation.executed"
    LOAN_BORROWED = "loan.borrowed"
    LOAN_REPAID = "loan.repaid"
    INTEREST_CHARGED = "loan.interest_charged"
    TRANSFER_COMPLETED = "transfer.completed"
    DEPOSIT_CREDITED = "deposit.credited"
    WITHDRAWAL_CREATED = "withdrawal.created"
    MARGIN_MODE_CHANGED = "margin_mode.changed"
    PRICE_RECORDED = "price.recorded"
    PRICE_STALE_ALERT = "price.stale_alert"
    CONFIGURATION_CHANGED = "configuration.changed"


LIQUIDATION_LINE = {
    "position": 1,
    "kind": "sale",
    "asset": "BTC",
    "quantity": "0.0621",
    "price": "46000",
    "fee_quantity": "0.001242",
    "interest": "0",
    "principal": "0",
    "value": "2856.6",
    "from_sale_of": None,
}

CATALOG: dict[str, EventType] = {
    t.name: t
    for t in [
        EventType(
            Types.MARGIN_STATUS_CHANGED,
            1,
            Scope.ACCOUNT,
            "The account's margin level status changed (healthy, margin_call, liquidation), "
            "as the sweep assessed it.",
            {"from_status": "string", "to_status": "string", "margin_ratio": "decimal?"},
            {"from_status": "healthy", "to_status": "margin_call", "margin_ratio": "1.07984"},
        ),
        EventType(
            Types.MARGIN_CALL_OPENED,
            1,
            Scope.ACCOUNT,
            "A margin call opened: the ratio fell below the margin-call level (one per episode).",
            {"margin_call_id": "integer", "ratio_at_open": "decimal"},
            {"margin_call_id": 17, "ratio_at_open": "1.07984"},
        ),
        EventType(
            Types.MARGIN_CALL_CLOSED,
            1,
            Scope.ACCOUNT,
            "A margin call closed: the ratio recovered (by the customer or a liquidation).",
            {
                "margin_call_id": "integer",
                "ratio_at_open": "decimal",
                "lowest_ratio": "decimal",
                "ratio_at_close": "decimal?",
                "close_reason": "string",
            },
            {
                "margin_call_id": 17,
                "ratio_at_open": "1.07984",
                "lowest_ratio": "1.03487",
                "ratio_at_close": "1.1002",
                "close_reason": "liquidated",
            },
        ),
        EventType(
            Types.LIQUIDATION_EXECUTED,
            1,
            Scope.ACCOUNT,
            "A partial liquidation ran: what was sold at what price, what was repaid, the fee, "
            "the bad debt covered, the ratio before and after (the liquidation record line by line).",
            {
                "liquidation_id": "integer",
                "margin_call_id": "integer?",
                "transaction_id": "integer",
                "ratio_before": "decimal",
                "ratio_after": "decimal?",
                "collateral_value_before": "decimal",
                "liability_before": "decimal",
                "fee_value": "decimal",
                "bad_debt_value": "decimal",
                "lines": "array",
            },
            {
                "liquidation_id": 5,
                "margin_call_id": 17,
                "transaction_id": 812,
                "ratio_before": "1.03487",
                "ratio_after": "1.1002",
                "collateral_value_before": "41400",
                "liability_before": "40004",
                "fee_value": "57.132",
                "bad_debt_value": "0",
                "lines": [
                    LIQUIDATION_LINE,
                    {
                        **LIQUIDATION_LINE,
                        "position": 2,
                        "kind": "repayment",
                        "asset": "USDT",
                        "quantity": "0",
                        "price": "1",
                        "fee_quantity": "0",
                        "interest": "8",
                        "principal": "2791.468",
                        "value": "2799.468",
                        "from_sale_of": "BTC",
                    },
                ],
            },
        ),
        EventType(
            Types.LOAN_BORROWED,
            1,
            Scope.ACCOUNT,
            "The customer borrowed into the margin wallet; the first day's interest was charged at once. "
            "principal and interest are what the loan owes afterwards.",
            {
                "loan_id": "integer",
                "transaction_id": "integer",
                "asset": "string",
                "amount": "decimal",
                "interest_charged": "decimal",
                "principal": "decimal",
                "interest": "decimal",
            },
            {
                "loan_id": 3,
                "transaction_id": 42,
                "asset": "USDT",
                "amount": "20000",
                "interest_charged": "2",
                "principal": "20000",
                "interest": "2",
            },
        ),
        EventType(
            Types.LOAN_REPAID,
            1,
            Scope.ACCOUNT,
            "The customer repaid from the margin wallet: interest first, then principal. "
            "principal and interest are what the loan owes afterwards.",
            {
                "loan_id": "integer",
                "transaction_id": "integer",
                "asset": "string",
                "amount": "decimal",
                "interest_paid": "decimal",
                "principal_paid": "decimal",
                "principal": "decimal",
                "interest": "decimal",
            },
            {
                "loan_id": 3,
                "transaction_id": 57,
                "asset": "USDT",
                "amount": "5002",
                "interest_paid": "2",
                "principal_paid": "5000",
                "principal": "15000",
                "interest": "0",
            },
        ),
        EventType(
            Types.INTEREST_CHARGED,
            1,
            Scope.ACCOUNT,
            "The nightly accrual charged one day's interest on a loan (one event per loan per day).",
            {
                "loan_id": "integer",
                "transaction_id": "integer",
                "asset": "string",
                "day": "date",
                "rate": "decimal",
                "principal": "decimal",
                "amount": "decimal",
            },
            {
                "loan_id": 3,
                "transaction_id": 77,
                "asset": "USDT",
                "day": "2026-01-06",
                "rate": "0.0001",
                "principal": "15000",
                "amount": "1.5",
            },
        ),
        EventType(
            Types.TRANSFER_COMPLETED,
            1,
            Scope.ACCOUNT,
            "An asset moved between the spot and the margin wallet.",
            {"transaction_id": "integer", "asset": "string", "amount": "decimal", "direction": "string"},
            {"transaction_id": 44, "asset": "BTC", "amount": "0.1", "direction": "to_spot"},
        ),
        EventType(
            Types.DEPOSIT_CREDITED,
            1,
            Scope.ACCOUNT,
            "A deposit seen on chain was credited to the spot wallet (once per external reference).",
            {"transaction_id": "integer", "asset": "string", "amount": "decimal", "reference": "string"},
            {"transaction_id": 40, "asset": "BTC", "amount": "1.5", "reference": "0xabc123"},
        ),
        EventType(
            Types.WITHDRAWAL_CREATED,
            1,
            Scope.ACCOUNT,
            "An amount left the spot wallet for the outside world.",
            {"transaction_id": "integer", "asset": "string", "amount": "decimal", "destination": "string"},
            {"transaction_id": 61, "asset": "USDT", "amount": "250", "destination": "0xdef456"},
        ),
        EventType(
            Types.MARGIN_MODE_CHANGED,
            1,
            Scope.ACCOUNT,
            "Multi-asset mode was turned on or off.",
            {"multi_asset_mode": "boolean"},
            {"multi_asset_mode": True},
        ),
        EventType(
            Types.PRICE_RECORDED,
            1,
            Scope.HOUSE,
            "A new latest price of an asset in the quote asset (older prices delivered late are ignored "
            "and write no event).",
            {"asset": "string", "price": "decimal", "source": "string", "observed_at": "datetime"},
            {"asset": "BTC", "price": "61250.5", "source": "feed", "observed_at": "2026-01-05T10:00:00Z"},
        ),
        EventType(
            Types.PRICE_STALE_ALERT,
            1,
            Scope.HOUSE,
            "The risk desk was alerted that an asset's price is stale: nothing that needs it is "
            "liquidated until a fresh price arrives.",
            {"alert_id": "integer", "asset": "string", "accounts_affected": "integer", "message": "string"},
            {
                "alert_id": 9,
                "asset": "ADA",
                "accounts_affected": 3,
                "message": "The price of ADA is stale: accounts needing it are not liquidated until a "
                "fresh price arrives.",
            },
        ),
        EventType(
            Types.CONFIGURATION_CHANGED,
            1,
            Scope.HOUSE,
            "Staff changed configuration: an asset, its collateral tiers or the risk settings. "
            "changes maps each field to its old and new value (decimals as strings).",
            {"object": "string", "key": "string", "changes": "object", "changed_by": "string?"},
            {
                "object": "asset",
                "key": "BTC",
                "changes": {"daily_interest_rate": {"old": "0.0002", "new": "0.00025"}},
                "changed_by": "risk",
            },
        ),
    ]
}


class PayloadInvalid(ValueError):
    """A payload that does not match its type's fields: a bug in a builder, never bad input."""


def _kind_ok(kind: str, value: object) -> bool:
    if kind.endswith("?"):
        if value is None:
            return True
        kind = kind[:-1]
    checks = {
        "decimal": lambda v: isinstance(v, str) and DECIMAL.match(v) is not None,
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "date": lambda v: isinstance(v, str) and DATE.match(v) is not None,
        "datetime": lambda v: isinstance(v, str) and DATETIME.match(v) is not None,
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
    }
    return checks[kind](value)


def payload_check(event_type: str, payload: Mapping[str, object]) -> EventType:
    """The type's definition, after checking ``payload`` has exactly its fields, each of its kind."""
    definition = CATALOG.get(event_type)
    if definition is None:
        raise PayloadInvalid(f"Unknown event type {event_type!r}.")
    if set(payload) != set(definition.fields):
        raise PayloadInvalid(
            f"{event_type} payload fields {sorted(payload)} are not {sorted(definition.fields)}."
        )
    for name, kind in definition.fields.items():
        if not _kind_ok(kind, payload[name]):
            raise PayloadInvalid(f"{event_type}.{name} must be {kind}, not {payload[name]!r}.")
    return definition


def types_for(*, staff: bool) -> list[EventType]:
    """The types a user may read and subscribe to: customers their account's, staff every one."""
    return [t for t in CATALOG.values() if staff or t.scope is Scope.ACCOUNT]
