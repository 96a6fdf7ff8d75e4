"""Query parameters on pages, read with the API's rules (``samen.api.filters``).

A page and the API read a year the same way: four ASCII digits within the platform's years
(``"²²²²"``, ``"99999999999"``, NUL and ``"1999"`` are no year). They differ only in what follows:
the API answers 400 with a problem naming the parameter; a page shows what it shows without the
parameter (its default year), because a person who edits the address gets a page rather than an
error, and the page says which year it shows.
"""

from __future__ import annotations

from django import forms

from samen.api.filters import YearField
from samen.core.dates import PLATFORM_YEARS

_YEAR = YearField(minimum=PLATFORM_YEARS.start, maximum=PLATFORM_YEARS.stop - 1, required=False)


def year(raw: str | None, default: int | None = None) -> int | None:
    """The year the API would read from ``raw``, else ``default``."""
    if raw is None or not str(raw).strip():
        return default
    try:
        value = _YEAR.clean(raw)
    except forms.ValidationError:
        return default
    return default if value is None else value
