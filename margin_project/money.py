"""Exact money: the decimal column, the one parser of decimal text, the one decimal
context, and quantising with rounding that favours solvency.

SQLite's NUMERIC affinity keeps only ~15 significant digits, so on SQLite an
``ExactDecimalField`` is stored as fixed-point TEXT and read back with ``Decimal``;
PostgreSQL gets ``numeric(p, s)``, exact by nature. Order comparisons in SQL on
SQLite go through ``CAST(... AS REAL)``: good enough to filter and screen, never used
to compute an amount (amounts are always computed in Python ``Decimal``).
"""

from __future__ import annotations

import decimal
import re
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation

from django.core import exceptions
from django.db import models
from django.db.models import lookups

# The one definition of the money context lives in the engine's pure rounding module
# (the engine may import nothing of ours); see pyproject's import contract.
from risk.engine.rounding import MONEY_CONTEXT, PRECISION, money_context

from .errors import InvalidAmount

MAX_DIGITS = 40
DECIMAL_PLACES = 18
# Every stored amount is below this in magnitude: numeric(40, 18) has 22 integer digits.
COLUMN_LIMIT = Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES)
# Wide enough that no sum, negation or quantisation of 40-digit amounts ever rounds.
EXACT = MONEY_CONTEXT
assert PRECISION >= 2 * MAX_DIGITS, "an amount times a price must be exact"

__all__ = [
    "COLUMN_LIMIT",
    "DECIMAL_PLACES",
    "EXACT",
    "MAX_DIGITS",
    "ExactDecimalField",
    "decimal_context_install",
    "decimal_parse",
    "money_context",
    "places_of",
    "plain",
    "quantum",
    "round_down",
    "round_up",
]

# ASCII digits only (``str.isdigit`` and ``Decimal()`` accept "١٢" and "1_0"), an
# optional sign, an optional fraction; no exponent, no separators.
_DECIMAL_TEXT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_SPECIAL = re.compile(r"[+-]?(nan|snan|inf|infinity)", re.IGNORECASE)
_EXPONENT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+")
MAX_TEXT = 80  # characters: more than any amount the column holds needs


def decimal_context_install() -> None:
    """Make the money context every thread's default (called once at start-up).

    The services, the ledger and the engine enter it explicitly; this covers the rest
    (selectors, templates), so nothing computes with Python's 28-digit default.
    """
    default = decimal.DefaultContext
    default.prec, default.rounding = MONEY_CONTEXT.prec, MONEY_CONTEXT.rounding
    default.traps = dict(MONEY_CONTEXT.traps)
    decimal.setcontext(MONEY_CONTEXT.copy())


def decimal_parse(value: object, *, field: str | None = "amount", what: str = "amount") -> Decimal:
    """The one parser of decimal input (API, web forms, admin, services): exact, or a clear error.

    Accepts a ``Decimal``, an ``int`` or text of ASCII digits with an optional sign and
    fraction ("0.5", "-3", ".5"). Refuses floats (0.1 as a float is not 0.1), bools,
    exponents, separators ("1_0", "1,000"), non-ASCII digits, NaN and infinities.
    """
    if isinstance(value, (bool, float)):
        raise InvalidAmount(f'Send {what}s as decimal strings, e.g. "0.5".', field=field)
    if isinstance(value, int):
        value = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_TEXT:
            raise InvalidAmount(f"The {what} is too long.", field=field)
        if _SPECIAL.fullmatch(text):
            raise InvalidAmount(f"The {what} must be a finite decimal number.", field=field)
        if _EXPONENT.fullmatch(text):
            raise InvalidAmount(f"Write the {what} out in full, without an exponent.", field=field)
        if not _DECIMAL_TEXT.fullmatch(text):
            shown = text[:40] if text.isprintable() else text[:40].encode("unicode_escape").decode()
            raise InvalidAmount(f"{shown!r} is not a decimal number.", field=field)
        value = Decimal(text)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidAmount(f"The {what} must be a finite decimal number.", field=field)
    return value


def quantum(places: int) -> Decimal:
    """The smallest unit at ``places`` decimal places, e.g. 8 -> 0.00000001."""
    return Decimal(1).scaleb(-places)


def round_up(value: Decimal, places: int) -> Decimal:
    """Round towards +infinity: interest, liabilities, fees charged."""
    return value.quantize(quantum(places), rounding=ROUND_CEILING, context=EXACT)


def round_down(value: Decimal, places: int) -> Decimal:
    """Round towards -infinity: collateral value, amounts paid out."""
    return value.quantize(quantum(places), rounding=ROUND_FLOOR, context=EXACT)


def plain(value: Decimal) -> str:
    """Fixed-point text without trailing zeros: 1.500000 -> "1.5", 1E+3 -> "1000"."""
    text = format(value.normalize(EXACT), "f")
    return "0" if text in ("-0", "0") else text


def places_of(value: Decimal) -> int:
    """How many decimal places a value really uses (trailing zeros ignored), at any length.

    Read from the digits, not through ``normalize()``, which rounds to its context's
    precision: 0.0000000099999999999999999999999 would count 8 places in 28 digits.
    """
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0:
        return 0
    significant = len(digits)
    while significant and digits[significant - 1] == 0:
        significant -= 1
    if significant == 0:
        return 0
    return max(0, -exponent - (len(digits) - significant))


class ExactDecimalField(models.DecimalField):
    """A ``DecimalField`` that is exact on SQLite too (TEXT there, numeric elsewhere)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MAX_DIGITS)
        kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        super().__init__(*args, **kwargs)

    def get_internal_type(self) -> str:
        # Not "DecimalField": SQLite's backend converter for that type goes through float.
        return "ExactDecimalField"

    def db_type(self, connection) -> str:
        if connection.vendor == "sqlite":
            return "text"
        return f"numeric({self.max_digits}, {self.decimal_places})"

    def rel_db_type(self, connection) -> str:
        return self.db_type(connection)

    def cast_db_type(self, connection) -> str:
        return self.db_type(connection)

    def to_python(self, value):
        if value is None or isinstance(value, Decimal):
            return value
        if isinstance(value, float):
            raise exceptions.ValidationError("Amounts must be decimal, not float.", code="invalid")
        try:
            return Decimal(str(value))
        except InvalidOperation as exc:
            raise exceptions.ValidationError(
                "“%(value)s” is not a decimal number.", code="invalid", params={"value": value}
            ) from exc

    def _fixed_point(self, value: Decimal) -> str:
        exact = value.quantize(quantum(self.decimal_places), context=EXACT)
        if exact != value:
            raise ValueError(
                f"{value} has more than {self.decimal_places} decimal places; refusing to round."
            )
        if exact.is_zero():
            exact = abs(exact)  # no "-0.000": text comparisons on SQLite rely on the sign
        return format(exact, "f")

    def get_db_prep_value(self, value, connection, prepared=False):
        if hasattr(value, "as_sql"):
            return value
        value = self.to_python(value)
        if value is None:
            return None
        text = self._fixed_point(value)
        return text if connection.vendor == "sqlite" else Decimal(text)

    def get_db_prep_save(self, value, connection):
        return self.get_db_prep_value(value, connection)

    def from_db_value(self, value, expression, connection):
        if value is None or isinstance(value, Decimal):
            return value
        if isinstance(value, float):
            # Only SQL arithmetic/aggregates on SQLite produce floats; never stored amounts.
            return Decimal(repr(value))
        return Decimal(str(value))


class _RealCastMixin:
    """On SQLite compare numerically (TEXT columns would compare as strings)."""

    def as_sqlite(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        rhs_sql = self.get_rhs_op(connection, rhs_sql)
        operator = rhs_sql.split(" ", 1)[0]
        rhs_expr = rhs_sql.split(" ", 1)[1]
        return (
            f"CAST({lhs_sql} AS REAL) {operator} CAST({rhs_expr} AS REAL)",
            (*lhs_params, *rhs_params),
        )


@ExactDecimalField.register_lookup
class ExactGreaterThan(_RealCastMixin, lookups.GreaterThan):
    pass


@ExactDecimalField.register_lookup
class ExactGreaterThanOrEqual(_RealCastMixin, lookups.GreaterThanOrEqual):
    pass


@ExactDecimalField.register_lookup
class ExactLessThan(_RealCastMixin, lookups.LessThan):
    pass


@ExactDecimalField.register_lookup
class ExactLessThanOrEqual(_RealCastMixin, lookups.LessThanOrEqual):
    pass
