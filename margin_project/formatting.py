"""How people read numbers: one formatter for ratios, amounts and prices everywhere.

Pages, e-mails, notification texts, memos and the admin all go through these, so a
ratio never reads 100.55 % in an alert and 100.54 % on the page. Machine-readable
output (the API, form inputs) keeps the exact value (``margin_project.money.plain``).
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Context, Decimal

from .money import plain, round_down

EMPTY = "—"
HUNDRED = Decimal(100)


def ratio_percent(ratio: Decimal | None, places: int = 2) -> str:
    """A margin ratio (a fraction) as a percent, rounded down: 1.0054999 -> "100.54%".

    Rounded down so an account is never shown healthier than it is; "—" when there is
    no liability (no ratio).
    """
    if ratio is None:
        return EMPTY
    return f"{grouped(format(round_down(ratio * HUNDRED, places), 'f'))}%"


def amount_text(value: Decimal | None, places: int | None = None) -> str:
    """An amount to the asset's precision, grouped, without trailing zeros.

    ``5.250280870000000000`` with 8 places -> "5.25028087"; rounded down (never shows more
    than is there).
    """
    if value is None:
        return EMPTY
    if places is not None:
        value = round_down(value, places)
    return grouped(plain(value))


def price_text(value: Decimal | None, significant: int = 8) -> str:
    """A price to ``significant`` digits (at least every integer digit), rounded down, no
    trailing zeros: 42010.500000000000000000 -> "42,010.5", 6.111111111 -> "6.1111111".
    """
    if value is None:
        return EMPTY
    if value.is_zero():
        return "0"
    digits = max(significant, value.adjusted() + 1)
    rounded = Context(prec=digits, rounding=ROUND_FLOOR).plus(value)
    return grouped(plain(rounded))


def grouped(text: str) -> str:
    """Thousands separators on a plain fixed-point text: "76500.5" -> "76,500.5"."""
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    whole = f"{int(whole):,}"
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"
