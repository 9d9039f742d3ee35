"""The desk's decimal context and the rounding helpers every module shares.

This is the ONE definition of the precision money is computed in, for the whole
project: the engine enters it with `money_context()`, and `margin_project.money`
(services, ledger, SQL parameters, the process-wide default) takes `MONEY_CONTEXT`
from here. It lives in the engine because the engine may import nothing of the
project (it must stay pure); the project may import this pure module.

80 significant digits: amounts and prices fit numeric(40, 18), so a sum or a
negation of two of them (at most 41 digits) and a product of an amount and a price
(at most 80 digits) are exact, and the quotients of the closed forms never round
before the one explicit, directed rounding at the end of a step.
"""

from __future__ import annotations

import decimal
import functools
from collections.abc import Callable
from contextlib import AbstractContextManager
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from typing import ParamSpec, TypeVar

PRECISION = 80

# Never use it to compute in place (its flags are shared); copy it or pass it as
# ``context=``, as `money_context()` and `margin_project.money` do.
MONEY_CONTEXT = decimal.Context(
    prec=PRECISION,
    rounding=ROUND_HALF_EVEN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

P = ParamSpec("P")
R = TypeVar("R")


def money_context() -> AbstractContextManager[decimal.Context]:
    """A fresh local copy of `MONEY_CONTEXT` (80 significant digits).

    Copied from the one definition rather than from the caller's context, so a caller
    that lowered the precision or disabled traps cannot change the engine's answers.
    """
    return decimal.localcontext(MONEY_CONTEXT)


def in_money_context(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator: run `func` inside `money_context()`."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with money_context():
            return func(*args, **kwargs)

    return wrapper


def quantum(places: int) -> Decimal:
    """10**-places, the smallest step of an amount with `places` decimal places."""
    return Decimal(1).scaleb(-places)


def floor_to(amount: Decimal, places: int) -> Decimal:
    """Round toward minus infinity to `places` decimal places."""
    return amount.quantize(quantum(places), rounding=ROUND_FLOOR)


def ceil_to(amount: Decimal, places: int) -> Decimal:
    """Round toward plus infinity to `places` decimal places."""
    return amount.quantize(quantum(places), rounding=ROUND_CEILING)


def to_units(amount: Decimal, places: int, *, up: bool) -> int:
    """`amount` as a whole number of 10**-places steps, rounded up or down."""
    rounding = ROUND_CEILING if up else ROUND_FLOOR
    return int(amount.scaleb(places).to_integral_value(rounding=rounding))


def from_units(units: int, places: int) -> Decimal:
    """`units` steps of 10**-places, with exactly `places` decimal places."""
    return Decimal(units).scaleb(-places)
