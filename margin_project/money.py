"""Exact money: the decimal column, and quantising with rounding that favours solvency.

SQLite's NUMERIC affinity keeps only ~15 significant digits, so on SQLite an
``ExactDecimalField`` is stored as fixed-point TEXT and read back with ``Decimal``;
PostgreSQL gets ``numeric(p, s)``, exact by nature. Order comparisons in SQL on
SQLite go through ``CAST(... AS REAL)``: good enough to filter and screen, never used
to compute an amount (amounts are always computed in Python ``Decimal``).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal, InvalidOperation

from django.core import exceptions
from django.db import models
from django.db.models import lookups

MAX_DIGITS = 40
DECIMAL_PLACES = 18
# Wide enough that quantising a 40-digit amount never rounds by accident.
EXACT = Context(prec=80)


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
    """How many decimal places a value really uses (trailing zeros ignored)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


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
