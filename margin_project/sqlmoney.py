"""Exact decimal arithmetic inside set-based SQL, on PostgreSQL and on SQLite.

PostgreSQL's ``numeric`` is exact, so its fragments are plain SQL. SQLite would turn
our TEXT amounts into floats in arithmetic, so there the fragments call Python
functions registered on each connection, which compute with ``Decimal`` and return
the column's fixed-point text. Bulk statements (interest accrual) are written once
with these fragments and stay exact on both backends.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from django.db.backends.signals import connection_created

from .money import DECIMAL_PLACES, EXACT, quantum


def _text(value: Decimal) -> str:
    exact = value.quantize(quantum(DECIMAL_PLACES), context=EXACT)
    return format(abs(exact) if exact.is_zero() else exact, "f")


def _dec(value) -> Decimal:
    return Decimal(0) if value is None else Decimal(str(value))


def _mul_ceil(a, b, places) -> str | None:
    if a is None or b is None:
        return None
    product = EXACT.multiply(_dec(a), _dec(b))
    return _text(product.quantize(quantum(int(places)), rounding=ROUND_CEILING, context=EXACT))


def _add(a, b) -> str:
    return _text(EXACT.add(_dec(a), _dec(b)))


def _sub(a, b) -> str:
    return _text(EXACT.subtract(_dec(a), _dec(b)))


def _cmp(a, b) -> int:
    """-1, 0 or 1: exact comparison of two decimals."""
    left, right = _dec(a), _dec(b)
    return (left > right) - (left < right)


class _Sum:
    def __init__(self):
        self.total = Decimal(0)

    def step(self, value):
        if value is not None:
            self.total = EXACT.add(self.total, _dec(value))

    def finalize(self):
        return _text(self.total)


def _register(sender, connection, **kwargs):
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("dec_mul_ceil", 3, _mul_ceil, deterministic=True)
    raw.create_function("dec_add", 2, _add, deterministic=True)
    raw.create_function("dec_sub", 2, _sub, deterministic=True)
    raw.create_function("dec_cmp", 2, _cmp, deterministic=True)
    raw.create_aggregate("dec_sum", 1, _Sum)


def register() -> None:
    """Install the SQLite functions on every new connection (called from an AppConfig)."""
    connection_created.connect(_register, dispatch_uid="margin_project.sqlmoney")


class Dialect:
    """SQL fragments for exact money arithmetic on one backend."""

    def __init__(self, vendor: str):
        self.sqlite = vendor == "sqlite"

    def mul_ceil(self, a: str, b: str, places: str) -> str:
        """a × b rounded up to ``places`` decimal places."""
        if self.sqlite:
            return f"dec_mul_ceil({a}, {b}, {places})"
        # Exact scaling: power() on numeric rounds to 16 places; a '1e-k' literal does not.
        return f"(ceil(({a}) * ({b}) * ('1e' || ({places}))::numeric) * ('1e-' || ({places}))::numeric)"

    def add(self, a: str, b: str) -> str:
        return f"dec_add({a}, {b})" if self.sqlite else f"(({a}) + ({b}))"

    def sub(self, a: str, b: str) -> str:
        return f"dec_sub({a}, {b})" if self.sqlite else f"(({a}) - ({b}))"

    def sum(self, a: str) -> str:
        return f"dec_sum({a})" if self.sqlite else f"SUM({a})"

    def zero(self) -> str:
        return "'0'" if self.sqlite else "0"

    def positive(self, a: str) -> str:
        """A condition: a > 0, exactly."""
        return f"dec_cmp({a}, '0') > 0" if self.sqlite else f"({a}) > 0"

    def neg(self, a: str) -> str:
        return f"dec_sub('0', {a})" if self.sqlite else f"(-({a}))"

    def within(self, a: str, limit: str) -> str:
        """A condition: -limit < a < limit, exactly (``limit`` is a positive literal or parameter)."""
        return f"({self.positive(self.sub(limit, a))} AND {self.positive(self.add(limit, a))})"
