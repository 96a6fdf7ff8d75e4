"""Read models of participation: participants per voorziening, coverage for any date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery

from samen.core import clock
from samen.core.dates import EARLIEST, LATEST, When, check_date, nl_date
from samen.core.errors import Problem
from samen.deelnames.models import Deelname, Status, Statuswijziging
from samen.gemeenten import rules
from samen.gemeenten.models import Gemeente
from samen.gemeenten.queries import DEFAULT_OFFSET, bevolking_voor_jaar, links, loaded_years


def current(gemeente, voorziening) -> Deelname | None:
    """The participation of ``gemeente`` in ``voorziening`` that has not ended, if any."""
    return Deelname.objects.filter(
        gemeente=gemeente, voorziening=voorziening, tot__isnull=True
    ).first()


def last_status_change(deelname: Deelname) -> Statuswijziging | None:
    """The status change that counts last (latest date, then the latest row)."""
    return deelname.statussen.order_by("-datum", "-id").first()


CATEGORIES = ("in_gebruik", "gepland", "geinteresseerd", "niet")
WEGINGEN = ("aantal", "inwoners", "volume")


def register_range() -> tuple[dt.date, dt.date]:
    """The dates coverage can be asked for (every peildatum of deelnames' pages and API): from
    1 January of the first year whose population rule has CBS figures (the first loaded year +
    the rule's offset: figures of 1 January 2012 serve 2013) to 31 December of the year those of
    the last loaded year serve, or of the current year when that is later (so that today is
    always a valid date), within the platform's years. Bounding the date bounds the work a
    request can cause: the yearly history on the page has one row per year of this range."""
    eerste, laatste = loaded_years()
    this_year = clock.today().year
    if eerste is None:
        return max(EARLIEST, dt.date(this_year, 1, 1)), min(LATEST, dt.date(this_year, 12, 31))
    low = dt.date(max(EARLIEST.year, eerste + DEFAULT_OFFSET), 1, 1)
    high = dt.date(min(LATEST.year, max(laatste + DEFAULT_OFFSET, this_year)), 12, 31)
    return low, high


def check_peildatum(
    value: dt.date | None, *, field: str, problems: list[Problem], label: str = "De peildatum"
) -> dt.date | None:
    """Append a Dutch problem naming the field, the range and the first date with figures when
    ``value`` lies outside ``register_range()``."""
    low, high = register_range()
    before = len(problems)
    result = check_date(
        value, field=field, label=label, when=When.ANY, problems=problems, earliest=low, latest=high
    )
    if len(problems) > before:
        problem = problems[-1]
        problems[-1] = Problem(
            problem.name,
            f"{problem.reason}; de eerste datum met inwonertallen van het CBS is {nl_date(low)}",
            problem.code,
        )
    return result


def category(status: str | None) -> str:
    if status == Status.IN_GEBRUIK:
        return "in_gebruik"
    if status in (Status.GEPLAND, Status.IN_IMPLEMENTATIE):
        return "gepland"
    if status == Status.GEINTERESSEERD:
        return "geinteresseerd"
    return "niet"


def status_on(voorziening, peildatum: dt.date) -> dict[str, str]:
    """Municipality code -> implementation status on ``peildatum`` (one query)."""
    latest = (
        Statuswijziging.objects.filter(deelname=OuterRef("pk"), datum__lte=peildatum)
        .order_by("-datum", "-id")
        .values("status")[:1]
    )
    rows = (
        Deelname.objects.filter(voorziening=voorziening, sinds__lte=peildatum)
        .filter(Q(tot__isnull=True) | Q(tot__gt=peildatum))
        .annotate(status_op=Subquery(latest))
        .values_list("gemeente__code", "status_op")
    )
    return {code: status for code, status in rows if status}


def population_on(peildatum: dt.date) -> dict[str, int]:
    """Inhabitants per municipality existing on ``peildatum``: the population rule for its year,
    carried through herindelingen between 1 January and the date."""
    base = bevolking_voor_jaar(peildatum.year)
    start = dt.date(peildatum.year, 1, 1)
    if peildatum == start:
        return base.per_gemeente
    totals, _ = rules.map_counts(base.per_gemeente, links(), start, peildatum)
    return totals


@dataclass
class Dekking:
    peildatum: dt.date
    weging: str
    totaal: int
    per_categorie: dict[str, int]
    per_status: dict[str, int]
    per_gemeente: dict[str, str | None] = field(default_factory=dict)
    per_provincie: dict[str, dict[str, int]] = field(default_factory=dict)

    def aandeel(self, categorie: str) -> float:
        return self.per_categorie.get(categorie, 0) / self.totaal if self.totaal else 0.0


def coverage(voorziening, peildatum: dt.date, weging: str = "aantal") -> Dekking:
    """The share live, planned, interested and not participating, by count of municipalities,
    by population or by an entered volume per municipality (``weging`` = "aantal" |
    "inwoners" | "volume"; a municipality without an entered volume weighs 0), overall and per
    province."""
    if weging not in WEGINGEN:
        raise ValueError("weging is aantal, inwoners of volume")
    gemeenten = list(Gemeente.objects.op(peildatum).values_list("code", "provincie__naam"))
    statuses = status_on(voorziening, peildatum)
    weights = {}
    if weging == "inwoners":
        weights = population_on(peildatum)
    elif weging == "volume":
        from samen.deelnames.models import Volume

        weights = dict(
            Volume.objects.filter(voorziening=voorziening).values_list("gemeente__code", "aantal")
        )
    per_categorie = dict.fromkeys(CATEGORIES, 0)
    per_status: dict[str, int] = {}
    per_provincie: dict[str, dict[str, int]] = {}
    for code, provincie in gemeenten:
        w = 1 if weging == "aantal" else weights.get(code, 0)
        status = statuses.get(code)
        cat = category(status)
        per_categorie[cat] += w
        per_status[status or "geen"] = per_status.get(status or "geen", 0) + w
        bucket = per_provincie.setdefault(provincie, dict.fromkeys(CATEGORIES, 0))
        bucket[cat] += w
    return Dekking(
        peildatum=peildatum,
        weging=weging,
        totaal=sum(per_categorie.values()),
        per_categorie=per_categorie,
        per_status=per_status,
        per_gemeente={code: statuses.get(code) for code, _ in gemeenten},
        per_provincie=per_provincie,
    )


def participants(voorziening, peildatum: dt.date | None = None):
    qs = Deelname.objects.filter(voorziening=voorziening).select_related("gemeente", "besluit")
    if peildatum:
        qs = qs.filter(sinds__lte=peildatum).filter(Q(tot__isnull=True) | Q(tot__gt=peildatum))
    return qs.order_by("gemeente__naam")


@dataclass
class DoelVoortgang:
    doel: object
    peildatum: dt.date
    bereikt: float  # percentage in use on the date
    gehaald: bool


def targets(voorziening, peildatum: dt.date) -> list[DoelVoortgang]:
    """Progress towards each target: the share in use on min(date, deadline)."""
    from samen.deelnames.models import Doel

    result = []
    for doel in Doel.objects.filter(voorziening=voorziening).order_by("datum"):
        when = min(peildatum, doel.datum)
        d = coverage(voorziening, when, doel.weging)
        share = round(100 * d.aandeel("in_gebruik"), 2)
        result.append(DoelVoortgang(doel, when, share, share >= float(doel.percentage)))
    return result


def coverage_over_time(voorziening, dates: list[dt.date]) -> list[tuple[dt.date, Dekking]]:
    return [(d, coverage(voorziening, d)) for d in dates]


def coverage_all(peildatum: dt.date) -> dict[int, dict[str, int]]:
    """Coverage by count of every voorziening on one date, in one query:
    voorziening id -> {category: municipalities}; 'niet' completes the municipalities."""
    from django.db.models import Count

    existing = Gemeente.objects.op(peildatum)
    total = existing.count()
    latest = (
        Statuswijziging.objects.filter(deelname=OuterRef("pk"), datum__lte=peildatum)
        .order_by("-datum", "-id")
        .values("status")[:1]
    )
    rows = (
        Deelname.objects.filter(sinds__lte=peildatum, gemeente__in=existing)
        .filter(Q(tot__isnull=True) | Q(tot__gt=peildatum))
        .annotate(status_op=Subquery(latest))
        .values("voorziening_id", "status_op")
        .annotate(n=Count("id"))
        .order_by()
    )
    result: dict[int, dict[str, int]] = {}
    for row in rows:
        bucket = result.setdefault(row["voorziening_id"], dict.fromkeys(CATEGORIES, 0))
        bucket[category(row["status_op"])] += row["n"]
    for bucket in result.values():
        bucket["niet"] = total - sum(v for k, v in bucket.items() if k != "niet")
    return result
