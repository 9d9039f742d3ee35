"""The rules a configuration change meets, with messages that name what is wrong.

- **Collateral tiers**: the rule is the engine's (``risk.engine.tier_set_problems``); here
  each problem gets a message naming the band in human numbers ("the band up to
  100,000,000 USDT"), and a set is refused with every problem listed at once.
- **Usual bounds** (guard rails): a rate or a risk level beyond its usual bound is a typo
  more often than a decision, so it is saved only with an explicit confirmation
  (``confirm=True``: the admin's checkbox, the API's ``"confirm": true``).

  ======================  ==================  ==========================================
  field                   usual bound         why
  ======================  ==================  ==========================================
  daily interest rate     at most 1 % a day   365 %+ a year; real desks charge < 0.1 %
  borrow level            at most 300 %       above it almost no customer can borrow
  transfer-out level      at most 300 %       likewise for moving assets out of margin
  liquidation fee         at most 10 %        Binance charges 2 %; more is confiscatory
  maximum price age       at most 1 hour      older prices would let risk run on stale data
  ======================  ==================  ==========================================

The services in ``configuration.py`` call these checks before they write; the admin's
forms call the same checks while validating, so a form shows what the service would
refuse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings

from margin_project.errors import ConfirmationRequired, InvalidTiers
from margin_project.formatting import amount_text
from risk.engine import TierProblem, TierProblemKind, tier_set_problems

Kind = TierProblemKind


def percent_text(fraction: Decimal) -> str:
    """A factor or a fee as an exact percent without trailing zeros: 0.975 -> "97.5%"."""
    return f"{amount_text(fraction * 100)}%"


def bound_text(value: Decimal) -> str:
    """A band's bound in the quote asset: "100,000,000 USDT"."""
    return f"{amount_text(value)} {settings.QUOTE_ASSET}"


def band_name(up_to: Decimal | None, lower: Decimal) -> str:
    """How people name a band: "up to 100,000,000 USDT", "100,000,000 to 120,000,000 USDT",
    "above 150,000,000 USDT", or "every value" for a single unbounded band."""
    if up_to is None:
        return "every value" if not lower else f"above {bound_text(lower)}"
    if lower <= 0 or up_to <= lower:
        return f"up to {bound_text(up_to)}"
    return f"{amount_text(lower)} to {bound_text(up_to)}"


def tiers_sorted(tiers: Iterable[Any]) -> list[Any]:
    """Tiers (anything with ``up_to``) by bound, the unbounded one last.

    Sorted in Python: on SQLite the exact decimal column is text and would sort "2" > "10".
    """
    return sorted(tiers, key=lambda tier: (tier.up_to is None, tier.up_to or 0))


def tier_labels(tiers: Iterable[Any]) -> list[str]:
    """Each tier as people read it, sorted: ["up to 100,000,000 USDT: 100%", "above …: 95%"]."""
    labels, lower = [], Decimal(0)
    for tier in tiers_sorted(tiers):
        labels.append(f"{band_name(tier.up_to, lower)}: {percent_text(tier.factor)}")
        lower = tier.up_to if tier.up_to is not None else lower
    return labels


def the_band(up_to: Decimal | None) -> str:
    """A band named by its own bound (before the set is sorted): "The band up to 100 USDT"."""
    return "The unbounded band" if up_to is None else f"The band up to {bound_text(up_to)}"


def _the_band(problem: TierProblem) -> str:
    return f"The band {band_name(problem.up_to, problem.lower or Decimal(0))}"


TIER_MESSAGES: dict[TierProblemKind, Callable[[TierProblem], str]] = {
    Kind.FACTOR_OUT_OF_RANGE: lambda p: (
        f"{the_band(p.up_to)}: its collateral factor {percent_text(p.factor)} must be above 0% "
        "and at most 100%."
    ),
    Kind.BOUND_NOT_POSITIVE: lambda p: (
        f"A band cannot end at {bound_text(p.up_to)}: an upper bound must be above 0 "
        "(leave it empty for the last, unbounded band)."
    ),
    Kind.BOUND_REPEATED: lambda p: (
        f"Two bands end at {bound_text(p.up_to)}: bands must not overlap, so each upper bound must be "
        "higher than the one below it."
    ),
    Kind.BOUND_NOT_RISING: lambda p: (
        f"The band up to {bound_text(p.up_to)} comes after the band up to {bound_text(p.lower)}: "
        "bounds must rise."
    ),
    Kind.UNBOUNDED_NOT_LAST: lambda p: (
        f"The band up to {bound_text(p.up_to)} comes after the unbounded band, which must be the last."
    ),
    Kind.SEVERAL_UNBOUNDED: lambda p: (
        f"{p.count} bands have no upper bound: only one may (empty “up to”), and it is the last band, "
        "above all others."
    ),
    Kind.NO_UNBOUNDED: lambda p: (
        f"Every band has an upper bound, so value above {bound_text(p.lower)} would count nothing: "
        "leave the last band's “up to” empty."
    ),
    Kind.NO_BANDS: lambda p: (
        "A collateral asset needs at least one band; without one it counts nothing as collateral."
    ),
    Kind.FACTOR_RISES: lambda p: (
        f"{_the_band(p)} counts {percent_text(p.factor)}, more than the {percent_text(p.other_factor)} "
        "of the band below: larger positions are normally discounted more. Confirm to save a factor "
        "that rises with size."
    ),
}


def tier_problem_message(problem: TierProblem) -> str:
    return TIER_MESSAGES[problem.kind](problem)


def _tier_field(problem: TierProblem) -> str:
    if problem.index is None:
        return "tiers"
    part = "up_to" if problem.kind in (Kind.BOUND_NOT_POSITIVE, Kind.BOUND_REPEATED) else "factor"
    return f"tiers.{problem.index}.{part}"


def _refusal(error: type[InvalidTiers | ConfirmationRequired], subject: str, details: list[dict], field):
    messages = [detail["message"] for detail in details]
    message = (
        messages[0]
        if len(messages) == 1
        else f"{len(messages)} problems with {subject}: " + " ".join(messages)
    )
    return error(message, field=field, details=details)


def tiers_check(
    *, tiers: Iterable[tuple[Decimal | None, Decimal]], is_collateral: bool, confirm: bool
) -> None:
    """Refuse a tier set the rule refuses, listing every band at fault.

    ``InvalidTiers`` when something is wrong; ``ConfirmationRequired`` when the only
    problem is a factor rising with size and ``confirm`` is not given.
    """
    problems = [
        problem
        for problem in tier_set_problems(list(tiers), collateral=is_collateral)
        if not (confirm and problem.needs_confirmation)
    ]
    if not problems:
        return
    details = [
        {"field": _tier_field(problem), "code": str(problem.kind), "message": tier_problem_message(problem)}
        for problem in problems
    ]
    blocking = any(not problem.needs_confirmation for problem in problems)
    raise _refusal(
        InvalidTiers if blocking else ConfirmationRequired, "the collateral tiers", details, "tiers"
    )


@dataclass(frozen=True)
class GuardRail:
    """The usual upper bound of one field; beyond it a change needs a confirmation."""

    field: str
    label: str
    bound: Decimal | timedelta
    shown: Callable[[Any], str]

    def crossed_by(self, value: Any) -> bool:
        return value is not None and value > self.bound

    def message(self, value: Any) -> str:
        return (
            f"{self.label} of {self.shown(value)} is above the usual bound of {self.shown(self.bound)}: "
            "confirm to save it."
        )


def _duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def _a_day(rate: Decimal) -> str:
    return f"{percent_text(rate)} a day"


ASSET_GUARD_RAILS = (GuardRail("daily_interest_rate", "A daily interest rate", Decimal("0.01"), _a_day),)
SETTINGS_GUARD_RAILS = (
    GuardRail("borrow_level", "A borrow level", Decimal("3"), percent_text),
    GuardRail("transfer_out_level", "A transfer-out level", Decimal("3"), percent_text),
    GuardRail("liquidation_fee", "A liquidation fee", Decimal("0.10"), percent_text),
    GuardRail("max_price_age", "A maximum price age", timedelta(hours=1), _duration),
)


def guard_rails_check(*, changes: Mapping[str, Any], rails: Iterable[GuardRail], confirm: bool) -> None:
    """Refuse changed values beyond their usual bounds unless ``confirm``, naming each field and bound.

    ``changes``: only the values being changed (a value confirmed once is not asked again).
    """
    if confirm:
        return
    details = [
        {"field": rail.field, "code": "confirmation_required", "message": rail.message(changes[rail.field])}
        for rail in rails
        if rail.field in changes and rail.crossed_by(changes[rail.field])
    ]
    if details:
        raise _refusal(ConfirmationRequired, "unusual values", details, details[0]["field"])
