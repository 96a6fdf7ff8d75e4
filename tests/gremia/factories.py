"""Builders for the bodies' tests (made through the services where they guard invariants)."""

from __future__ import annotations

import datetime as dt

from samen.gremia import services
from samen.gremia.models import Gremium


def gremium(soort: str = Gremium.Soort.TASKFORCE, naam: str | None = None, **extra) -> Gremium:
    return services.create_gremium(
        {"soort": soort, "naam": naam or f"{Gremium.Soort(soort).label} (test)", **extra}
    )


def lid(g: Gremium, naam: str, van=dt.date(2017, 1, 1), **extra):
    return services.add_member(
        g, {"naam": naam, "functie": extra.pop("functie", "wethouder"), "van": van, **extra}
    )


def vergadering(g: Gremium, datum: dt.date, **extra):
    return services.plan_meeting(g, {"datum": datum, **extra})
