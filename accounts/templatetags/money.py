"""Numbers in templates: thin wrappers over ``margin_project.formatting``.

Human text, with the exact value in a ``title`` (shown on hover) wherever they differ:

``{{ value|amount }}``    -> "76,500.12345678" (grouped, no trailing zeros)
``{{ value|amount:2 }}``  -> "76,500.12" (rounded down to at most two places)
``{{ value|quote }}``     -> a USDT value to cents: "76,500.5"
``{{ value|price }}``     -> a price to significant digits: "42,010.5"
``{{ trigger|trigger_price:current }}`` -> a liquidation price rounded toward today's price
``{{ ratio|ratio_pct }}`` -> "382.50%" (rounded down; "—" for none)
``{{ fraction|pct }}``    -> "12.5%" (exact); ``{{ fraction|pct:2 }}`` -> rounded down
``{{ change|signed_pct }}`` -> "−12.5%" / "+3%"
``{{ value|plain }}``     -> "76500.12345678" (machine-readable: data-* attributes and inputs)
``{{ code|zone_label }}`` -> "Margin call"
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from margin_project import formatting
from margin_project.formatting import as_decimal
from margin_project.money import plain as plain_text
from margin_project.zones import zone_label as zone_label_of

register = template.Library()


def _shown(text: str, value, suffix: str = "") -> SafeString | str:
    """The text, with the exact value on hover when the text is not already exact."""
    if value is None or text.replace(",", "").replace(formatting.MINUS, "-") == plain_text(value) + suffix:
        return text
    return formatting.with_exact(text, value, suffix)


def _places(places) -> int | None:
    return None if places in (None, "") else int(places)


@register.filter
def plain(value) -> str:
    number = as_decimal(value)
    return "" if number is None else plain_text(number)


@register.filter
def amount(value, places=None):
    number = as_decimal(value)
    return _shown(formatting.amount_text(number, _places(places)), number)


@register.filter
def quote(value):
    number = as_decimal(value)
    return _shown(formatting.quote_text(number), number)


@register.filter
def price(value):
    number = as_decimal(value)
    return _shown(formatting.price_text(number), number)


@register.filter
def trigger_price(value, current=None):
    number = as_decimal(value)
    return _shown(formatting.trigger_price_text(number, as_decimal(current)), number)


@register.filter
def ratio_pct(value):
    number = as_decimal(value)
    return _shown(formatting.ratio_percent(number), None if number is None else number * 100, "%")


@register.filter
def pct(value, places=None) -> str:
    return formatting.percent_text(as_decimal(value), _places(places))


@register.filter
def signed_pct(value) -> str:
    return formatting.signed_percent_text(as_decimal(value))


@register.filter
def zone_label(value) -> str:
    return zone_label_of(value)
