"""Dutch number and money formatting for templates (1.234.567,89)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from samen.core.money import format_euro, format_number, to_decimal

register = template.Library()


def _nl(value: Decimal, places: int | None = None) -> str:
    return format_number(value, places)


@register.filter
def euro(value) -> str:
    if value in (None, ""):
        return "—"
    return format_euro(to_decimal(value) if not isinstance(value, Decimal) else value)


@register.filter
def nl_number(value, places=None) -> str:
    """Dutch notation; ``places`` fixes the number of decimals (``|nl_number:4`` keeps 0,0000
    in a column of 0,4406), without it a whole number shows no decimals."""
    if value in (None, ""):
        return "—"
    if isinstance(value, float):
        value = Decimal(str(value))
    value = to_decimal(value) if not isinstance(value, Decimal) else value
    if places is not None:
        return _nl(value, int(places))
    return _nl(value.normalize() if value == value.to_integral_value() else value)


@register.simple_tag
def euro_range(low, high) -> str:
    if low is None and high is None:
        return "—"
    if low is None or high is None or low == high:
        return euro(low if low is not None else high)
    return f"{euro(low)} – {euro(high)}"


@register.simple_tag
def number_range(low, high) -> str:
    if low is None and high is None:
        return "—"
    if low is None or high is None or low == high:
        return nl_number(low if low is not None else high)
    return f"{nl_number(low)} – {nl_number(high)}"


@register.filter
def percentage(value, places: int = 3) -> str:
    if value is None:
        return "—"
    return _nl((Decimal(value) * 100).quantize(Decimal(1).scaleb(-places))) + "%"


@register.filter
def fraction(value, places: int = 3) -> str:
    """A Fraction shown as a Dutch decimal."""
    if value is None:
        return "—"
    d = Decimal(value.numerator) / Decimal(value.denominator)
    return _nl(d.quantize(Decimal(1).scaleb(-places)))
