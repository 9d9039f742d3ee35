"""Exact edge search over whole numbers of units, started from a closed-form guess.

The closed forms give the answer up to rounding; the rounding rules (collateral down,
liability and interest up, ratio down) then move the true edge by a few units, or by
many units when one unit of the asset is worth far less than 10**-8 USDT. This search
walks from the guess with doubling steps, then bisects, asking the real valuation, so
the result is exact with O(log distance) valuations.
"""

from __future__ import annotations

from collections.abc import Callable

MAX_STEPS = 2_000  # doubling steps; 2**2000 units is beyond any real amount


def last_true(predicate: Callable[[int], bool], guess: int, low: int, high: int | None) -> int | None:
    """An n in [low, high] with predicate(n) true and predicate(n + 1) false.

    predicate(high + 1) counts as false without being asked; high None means no upper
    bound (the predicate must then turn false eventually). The predicate need not be
    monotone (rounding can make it ragged); the edge returned is one near `guess`.
    Returns None when the predicate is false everywhere from the guess down to `low`.
    """
    n = max(guess, low)
    if high is not None:
        n = min(n, high)
    if predicate(n):
        bracket = _gallop_up(predicate, n, high)
        if bracket is None:
            return high
        good, bad = bracket
    else:
        found = _gallop_down(predicate, n, low)
        if found is None:
            return None
        good, bad = found
    while bad - good > 1:
        middle = (good + bad) // 2
        if predicate(middle):
            good = middle
        else:
            bad = middle
    return good


def _gallop_up(predicate: Callable[[int], bool], good: int, high: int | None) -> tuple[int, int] | None:
    """From a true point, double the step up until false: (true point, false point).

    None when the predicate stays true up to `high`.
    """
    step = 1
    for _ in range(MAX_STEPS):
        if high is not None and good >= high:
            return None
        candidate = good + step if high is None else min(good + step, high)
        if not predicate(candidate):
            return good, candidate
        good = candidate
        step *= 2
    raise ArithmeticError("edge search did not terminate")


def _gallop_down(predicate: Callable[[int], bool], bad: int, low: int) -> tuple[int, int] | None:
    """From a false point, double the step down until true: (true point, false point)."""
    step = 1
    for _ in range(MAX_STEPS):
        if bad <= low:
            return None
        candidate = max(bad - step, low)
        if predicate(candidate):
            return candidate, bad
        bad = candidate
        step *= 2
    raise ArithmeticError("edge search did not terminate")
