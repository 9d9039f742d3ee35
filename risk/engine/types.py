"""The engine's input values: asset terms, positions, thresholds, status.

Everything is a frozen dataclass of `Decimal`s, validated on construction so a bad
configuration fails where it is built rather than deep inside a calculation. Plain
`int`s are accepted and converted (``Position("BTC", margin=0)``); floats are refused,
because a float has already lost the exact amount before the engine sees it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .rounding import money_context, quantum

QUOTE_PLACES = 8  # USDT values (collateral value, liability) are rounded to 8 places
RATIO_PLACES = 8  # margin ratios (fractions) are rounded down to 8 places

MAX_PRECISION = 30  # more decimal places than any real asset uses


def _decimal(owner: object, name: str, value: Any) -> Decimal:
    """`value` as a finite Decimal, refusing floats (and bools, which are ints)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{type(owner).__name__}.{name} must be a Decimal, got {type(value).__name__}")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{type(owner).__name__}.{name} must be finite, got {value}")
    return result


def _set_decimal(owner: object, name: str) -> Decimal:
    """Normalise field `name` of a frozen dataclass to Decimal in place and return it."""
    result = _decimal(owner, name, getattr(owner, name))
    object.__setattr__(owner, name, result)
    return result


class TierProblemKind(enum.StrEnum):
    """What can be wrong with a set of collateral-factor bands (the codes staff and programs see)."""

    FACTOR_OUT_OF_RANGE = "factor_out_of_range"
    BOUND_NOT_POSITIVE = "bound_not_positive"
    BOUND_REPEATED = "bound_repeated"
    BOUND_NOT_RISING = "bound_not_rising"  # only when the order given matters (the engine's tuples)
    UNBOUNDED_NOT_LAST = "unbounded_not_last"  # likewise
    SEVERAL_UNBOUNDED = "several_unbounded"
    NO_UNBOUNDED = "no_unbounded_band"
    NO_BANDS = "no_bands"
    FACTOR_RISES = "factor_rises"


# The math itself breaks on these; the engine refuses to build terms with them.
UNVALUABLE = frozenset(
    {
        TierProblemKind.FACTOR_OUT_OF_RANGE,
        TierProblemKind.BOUND_NOT_POSITIVE,
        TierProblemKind.BOUND_REPEATED,
        TierProblemKind.BOUND_NOT_RISING,
        TierProblemKind.UNBOUNDED_NOT_LAST,
        TierProblemKind.SEVERAL_UNBOUNDED,
    }
)
# Allowed only when staff confirm it: valid math, but usually a typo.
NEEDS_CONFIRMATION = frozenset({TierProblemKind.FACTOR_RISES})


@dataclass(frozen=True)
class TierProblem:
    """One problem of a tier set, naming the band at fault.

    ``index`` is the band's position in the input as given (None: the set as a whole);
    ``lower`` is the bound the band starts from once sorted, so it can be named "above X".
    """

    kind: TierProblemKind
    index: int | None = None
    up_to: Decimal | None = None
    factor: Decimal | None = None
    lower: Decimal | None = None
    other_factor: Decimal | None = None  # FACTOR_RISES: the factor of the band below
    count: int = 0  # SEVERAL_UNBOUNDED: how many bands are open

    @property
    def needs_confirmation(self) -> bool:
        return self.kind in NEEDS_CONFIRMATION


BandInput = tuple[Decimal | int | None, Decimal | int]


def tier_set_problems(
    bands: Iterable[BandInput], *, collateral: bool = True, ordered: bool = False
) -> list[TierProblem]:
    """Every problem of a set of (up_to, factor) bands, or [] when it is a valid tier set.

    The one rule for collateral tiers (the admin, the API, the services and the engine
    all ask it): each factor in (0, 1]; each bound above 0; bounds rising strictly;
    exactly one unbounded band (``up_to`` None) and it is the last; at least one band for a
    collateral asset. A factor that *rises* with size is reported as a problem that
    ``needs_confirmation`` (large positions are normally discounted more).

    ``ordered=False`` (configuration input): the bands may come in any order and are
    sorted by bound first. ``ordered=True`` (the engine's tuples): the order given is the
    order used, so it must already rise.
    """
    given = [
        (index, _band_value(up_to, "up_to"), _band_value(factor, "factor"))
        for index, (up_to, factor) in enumerate(bands)
    ]
    problems: list[TierProblem] = []
    if not given:
        return [TierProblem(TierProblemKind.NO_BANDS)] if collateral else []
    for index, up_to, factor in given:
        problems += _one_band_problems(index, up_to, factor)
    sequence = given if ordered else sorted(given, key=lambda band: (band[1] is None, band[1] or 0))
    open_bands = [band for band in sequence if band[1] is None]
    if len(open_bands) > 1:
        problems.append(TierProblem(TierProblemKind.SEVERAL_UNBOUNDED, count=len(open_bands)))
    elif not open_bands:
        problems.append(TierProblem(TierProblemKind.NO_UNBOUNDED, lower=max(b[1] for b in sequence)))
    problems += _sequence_problems(sequence, ordered=ordered)
    return problems


def _band_value(value: Any, name: str) -> Decimal | None:
    if value is None and name == "up_to":
        return None
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"A band's {name} must be a Decimal, got {type(value).__name__}")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"A band's {name} must be finite, got {value}")
    return result


def _one_band_problems(index: int, up_to: Decimal | None, factor: Decimal) -> list[TierProblem]:
    problems = []
    if up_to is not None and up_to <= 0:
        problems.append(TierProblem(TierProblemKind.BOUND_NOT_POSITIVE, index, up_to, factor))
    if not 0 < factor <= 1:
        problems.append(TierProblem(TierProblemKind.FACTOR_OUT_OF_RANGE, index, up_to, factor))
    return problems


def _sequence_problems(
    sequence: list[tuple[int, Decimal | None, Decimal]], *, ordered: bool
) -> list[TierProblem]:
    """Bounds rising, the open band last, factors not rising - walking the bands bottom up."""
    problems = []
    lower = Decimal(0)  # the highest bound so far: where the next band starts
    below: Decimal | None = None  # the factor of the band below, when it is valid
    seen_open = False
    for index, up_to, factor in sequence:
        if seen_open:
            if ordered and up_to is not None:
                problems.append(TierProblem(TierProblemKind.UNBOUNDED_NOT_LAST, index, up_to, factor, lower))
            continue  # several open bands are reported once, for the set
        if up_to is not None and up_to <= lower and lower > 0:
            kind = TierProblemKind.BOUND_REPEATED if up_to == lower else TierProblemKind.BOUND_NOT_RISING
            if kind is TierProblemKind.BOUND_NOT_RISING or not any(
                p.kind is kind and p.up_to == up_to for p in problems
            ):
                problems.append(TierProblem(kind, index, up_to, factor, lower))
            continue
        valid_factor = 0 < factor <= 1
        if below is not None and valid_factor and factor > below:
            problems.append(
                TierProblem(TierProblemKind.FACTOR_RISES, index, up_to, factor, lower, other_factor=below)
            )
        below = factor if valid_factor else None
        if up_to is None:
            seen_open = True
        elif up_to > 0:
            lower = up_to
    return problems


@dataclass(frozen=True)
class Band:
    """One collateral-factor band of position value in the quote asset (USDT).

    Bands are contiguous from 0 and sorted; `up_to` None means unbounded. A single band
    is checked by the tier rule (``tier_set_problems``) on its own.
    """

    up_to: Decimal | None
    factor: Decimal

    def __post_init__(self) -> None:
        if self.up_to is not None:
            _set_decimal(self, "up_to")
        factor = _set_decimal(self, "factor")
        problems = _one_band_problems(0, self.up_to, factor)
        if problems:
            raise ValueError(f"Band({self.up_to}, {factor}): {', '.join(p.kind for p in problems)}")


@dataclass(frozen=True)
class AssetTerms:
    """Everything the engine needs to know about one asset."""

    symbol: str
    price: Decimal  # USDT per unit, > 0
    precision: int  # decimal places of the asset's amounts
    # Progressive collateral factor; one unbounded band is a flat factor. Value above
    # the last bounded band counts 0.
    bands: tuple[Band, ...]
    collateral: bool = True  # False: counts 0 as collateral but is still priced
    borrowable: bool = True
    daily_rate: Decimal = Decimal(0)  # interest per day as a fraction
    liquidation_priority: int = 0  # lower sells first
    borrow_limit: Decimal | None = None  # max principal per account, in units

    def __post_init__(self) -> None:
        if not isinstance(self.symbol, str) or not self.symbol:
            raise ValueError("AssetTerms.symbol must be a non-empty string")
        if _set_decimal(self, "price") <= 0:
            raise ValueError(f"{self.symbol}: price must be positive, got {self.price}")
        if (
            isinstance(self.precision, bool)
            or not isinstance(self.precision, int)
            or not 0 <= self.precision <= MAX_PRECISION
        ):
            raise ValueError(f"{self.symbol}: precision must be an int in [0, {MAX_PRECISION}]")
        bands = tuple(self.bands)
        object.__setattr__(self, "bands", bands)
        _check_bands(self.symbol, bands)
        if _set_decimal(self, "daily_rate") < 0:
            raise ValueError(f"{self.symbol}: daily_rate must not be negative")
        if isinstance(self.liquidation_priority, bool) or not isinstance(self.liquidation_priority, int):
            raise TypeError(f"{self.symbol}: liquidation_priority must be an int")
        if self.borrow_limit is not None and _set_decimal(self, "borrow_limit") < 0:
            raise ValueError(f"{self.symbol}: borrow_limit must not be negative")

    @property
    def unit(self) -> Decimal:
        """The smallest amount of this asset: 10**-precision."""
        return quantum(self.precision)

    @property
    def first_factor(self) -> Decimal:
        """The factor of the first band (0 for an asset that is not collateral)."""
        if not self.collateral or not self.bands:
            return Decimal(0)
        return self.bands[0].factor


def _check_bands(symbol: str, bands: tuple[Band, ...]) -> None:
    """Bands the math can value, in the order given (the tier rule, ``ordered=True``).

    The engine still values a set the configuration would refuse but the math can read:
    no band (counts nothing), no open band (value above the last bound counts 0), a factor
    rising with size.
    """
    for band in bands:
        if not isinstance(band, Band):
            raise TypeError(f"{symbol}: bands must be Band instances")
    problems = [
        problem
        for problem in tier_set_problems(((b.up_to, b.factor) for b in bands), collateral=False, ordered=True)
        if problem.kind in UNVALUABLE
    ]
    if problems:
        raise ValueError(f"{symbol}: invalid bands: {', '.join(p.kind for p in problems)}")


@dataclass(frozen=True)
class Position:
    """One asset of one margin account, in units of the asset."""

    symbol: str
    margin: Decimal = Decimal(0)  # held in the margin wallet
    principal: Decimal = Decimal(0)  # borrowed principal outstanding
    interest: Decimal = Decimal(0)  # accrued unpaid interest

    def __post_init__(self) -> None:
        if not isinstance(self.symbol, str) or not self.symbol:
            raise ValueError("Position.symbol must be a non-empty string")
        for name in ("margin", "principal", "interest"):
            if _set_decimal(self, name) < 0:
                raise ValueError(f"{self.symbol}: {name} must not be negative")

    @property
    def owed(self) -> Decimal:
        """Principal plus interest, in units of the asset."""
        with money_context():  # the default 28-digit context could round a large sum
            return self.principal + self.interest


@dataclass(frozen=True)
class Thresholds:
    """Margin-ratio levels as fractions: Decimal("1.25") means 125%."""

    borrow: Decimal = Decimal("1.25")  # a borrow must leave the ratio >= this
    transfer_out: Decimal = Decimal("1.25")  # a transfer out must leave the ratio >= this
    margin_call: Decimal = Decimal("1.10")  # MARGIN_CALL when ratio < this
    liquidation: Decimal = Decimal("1.05")  # LIQUIDATION when ratio <= this
    target: Decimal = Decimal("1.10")  # liquidation sells until ratio >= this
    liquidation_fee: Decimal = Decimal("0.02")  # share of each sale to the insurance fund

    def __post_init__(self) -> None:
        for name in (
            "borrow",
            "transfer_out",
            "margin_call",
            "liquidation",
            "target",
            "liquidation_fee",
        ):
            _set_decimal(self, name)
        # A borrow level of 100% or less would let a stablecoin (factor 1, no interest)
        # be borrowed without end: max_borrowable needs every extra unit to lower the ratio.
        if self.borrow <= 1:
            raise ValueError("Thresholds.borrow must be above 1 (100%)")
        if self.transfer_out <= 0 or self.liquidation <= 0:
            raise ValueError("Thresholds.transfer_out and liquidation must be positive")
        if self.margin_call < self.liquidation:
            raise ValueError("Thresholds.margin_call must not be below liquidation")
        # Otherwise a liquidation could stop while the account is still in LIQUIDATION.
        if self.target <= self.liquidation:
            raise ValueError("Thresholds.target must be above liquidation")
        if not 0 <= self.liquidation_fee < 1:
            raise ValueError("Thresholds.liquidation_fee must be in [0, 1)")


class Status(enum.StrEnum):
    """Health of a margin account."""

    HEALTHY = "healthy"
    MARGIN_CALL = "margin_call"
    LIQUIDATION = "liquidation"
