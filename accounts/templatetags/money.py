"""Display of money, prices and ratios: exact ``Decimal`` text, never a float.

``{{ value|amount }}``  -> "76,500.12345678" (grouped, trailing zeros dropped)
``{{ value|amount:2 }}`` -> "76,500.12" (grouped, rounded down to two places)
``{{ value|plain }}``   -> "76500.12345678" (machine-readable, for data-* attributes and inputs)
``{{ ratio|ratio_pct }}`` -> "382.50%" (a fraction as a percentage, rounded down; "—" for none)
``{{ fraction|pct }}``  -> "12.5%" (exact); ``{{ fraction|pct:2 }}`` -> "12.50%" (rounded down)
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from margin_project.money import plain as plain_text
from margin_project.money import round_down

register = template.Library()

HUNDRED = Decimal(100)


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, float | bool):
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None


def _grouped(text: str) -> str:
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    whole = f"{int(whole):,}"
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


@register.filter
def plain(value) -> str:
    number = _decimal(value)
    return "" if number is None else plain_text(number)


@register.filter
def amount(value, places=None) -> str:
    """Grouped exact text; with ``places``, rounded down to exactly that many places."""
    number = _decimal(value)
    if number is None:
        return "—"
    if places not in (None, ""):
        return _grouped(format(round_down(number, int(places)), "f"))
    return _grouped(plain_text(number))


@register.filter
def ratio_pct(value) -> str:
    """A margin ratio (a fraction) as a percentage with two places, rounded down."""
    number = _decimal(value)
    if number is None:
        return "—"
    return f"{_grouped(format(round_down(number * HUNDRED, 2), 'f'))}%"


@register.filter
def pct(value, places=None) -> str:
    """A fraction as a percentage: exact (0.0002 -> "0.02%"), or rounded down to ``places``."""
    number = _decimal(value)
    if number is None:
        return "—"
    if places not in (None, ""):
        return f"{format(round_down(number * HUNDRED, int(places)), 'f')}%"
    return f"{plain_text(number * HUNDRED)}%"


@register.filter
def signed_pct(value) -> str:
    """A percent change with its sign: -12.5 -> "−12.5%"."""
    number = _decimal(value)
    if number is None:
        return "—"
    text = plain_text(number)
    return f"+{text}%" if number > 0 else f"{text.replace('-', '−')}%"
