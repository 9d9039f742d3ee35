"""How people read numbers: one formatter for ratios, amounts and prices everywhere.

Pages, e-mails, notification texts, memos and the admin all go through these, so a
ratio never reads 100.55 % in an alert and 100.54 % on the page. Machine-readable
output (the API, form inputs, ``data-value`` attributes) keeps the exact value
(``margin_project.money.plain``); the HTML helpers put it in a ``title`` so it shows
on hover.

- amounts: to the asset's precision, grouped, no trailing zeros ("5.25028087")
- quote values (USDT): two places, no trailing zeros ("76,500.5")
- prices: significant digits, no trailing zeros ("42,010.5", "0.4")
- ratios and percents: "100.54%", rounded down so nothing looks healthier than it is
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, Context, Decimal, InvalidOperation

from django.utils.html import format_html
from django.utils.safestring import SafeString

from .money import plain, round_down

EMPTY = "—"
HUNDRED = Decimal(100)
QUOTE_PLACES = 2  # USDT values people read: cents are enough, the exact value is on hover
PRICE_DIGITS = 8  # significant digits of a price
TRIGGER_DIGITS = 6  # significant digits of a liquidation / margin-call price
MINUS = "−"  # U+2212: a minus sign that lines up with "+"


def as_decimal(value: object) -> Decimal | None:
    """``value`` as a Decimal, or None for empty input; never through float."""
    if value is None or value == "" or isinstance(value, float | bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def grouped(text: str) -> str:
    """Thousands separators on a plain fixed-point text: "76500.5" -> "76,500.5"."""
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    whole = f"{int(whole):,}"
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


def _signed(text: str) -> str:
    return text.replace("-", MINUS, 1) if text.startswith("-") else text


def ratio_percent(ratio: Decimal | None, places: int = 2) -> str:
    """A margin ratio (a fraction) as a percent, rounded down: 1.0054999 -> "100.54%".

    Rounded down so an account is never shown healthier than it is; "—" when there is
    no liability (no ratio). Always ``places`` decimals, so ratios line up in a column.
    """
    if ratio is None:
        return EMPTY
    return f"{grouped(format(round_down(ratio * HUNDRED, places), 'f'))}%"


def percent_text(fraction: Decimal | None, places: int | None = None) -> str:
    """A fraction as a percent without trailing zeros: 1.25 -> "125%", 0.0002 -> "0.02%".

    With ``places``, rounded down to at most that many decimals (1.125 -> "112.5%").
    """
    if fraction is None:
        return EMPTY
    value = fraction * HUNDRED
    if places is not None:
        value = round_down(value, places)
    return f"{_signed(grouped(plain(value)))}%"


def signed_percent_text(change: Decimal | None, places: int = 2) -> str:
    """A percent change (already in percent) with its sign: -12.5 -> "−12.5%", 3 -> "+3%"."""
    if change is None:
        return EMPTY
    value = change.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)  # toward zero
    text = grouped(plain(value))
    return f"+{text}%" if value > 0 else f"{_signed(text)}%"


def amount_text(value: Decimal | None, places: int | None = None) -> str:
    """An amount to the asset's precision, grouped, without trailing zeros.

    ``5.250280870000000000`` with 8 places -> "5.25028087"; rounded down (never shows more
    than is there).
    """
    if value is None:
        return EMPTY
    if places is not None:
        value = round_down(value, places)
    return _signed(grouped(plain(value)))


def quote_text(value: Decimal | None) -> str:
    """A value in the quote asset (USDT) to cents, no trailing zeros: 76500.50 -> "76,500.5"."""
    return amount_text(value, QUOTE_PLACES)


def price_text(value: Decimal | None, significant: int = PRICE_DIGITS) -> str:
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


def trigger_price_text(trigger: Decimal | None, current: Decimal | None) -> str:
    """A margin-call or liquidation price, rounded toward today's price (so the figure a
    person reads is reached no later than the exact one): 0.3999999999 at 0.5 -> "0.4".
    """
    if trigger is None:
        return EMPTY
    if trigger.is_zero():
        return "0"
    toward_up = current is None or current >= trigger
    digits = max(TRIGGER_DIGITS, trigger.adjusted() + 1)
    rounded = Context(prec=digits, rounding=ROUND_CEILING if toward_up else ROUND_FLOOR).plus(trigger)
    return grouped(plain(rounded))


def nice_ceiling(value: Decimal, unit: Decimal, significant: int = 4) -> Decimal:
    """``value`` rounded up to ``significant`` digits and to a multiple of ``unit``: an amount
    to suggest that is never less than needed (1009.87654321 -> 1010, 0.0168234 -> 0.01683).
    """
    if value <= 0:
        return Decimal(0)
    digits = max(significant, value.adjusted() + 1)
    rounded = Context(prec=digits, rounding=ROUND_CEILING).plus(value)
    return (rounded / unit).to_integral_value(rounding=ROUND_CEILING) * unit


def with_exact(text: str, value: Decimal | None, suffix: str = "") -> SafeString:
    """``text`` in a span whose ``title`` is the exact value (shown on hover)."""
    if value is None:
        return format_html("{}", text)
    return format_html('<span class="num-exact" title="{}{}">{}</span>', plain(value), suffix, text)
