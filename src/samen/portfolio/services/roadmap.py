"""State changes of the roadmap: a version with its milestones (planned quarters), then
published once. Audited."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.db.models import Max

from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import clock
from samen.core.dates import PLATFORM_YEARS, When, check_date, nl_date
from samen.core.errors import Conflict, DomainError, Problem
from samen.portfolio.models import (
    Fase,
    Mijlpaal,
    RoutekaartVersie,
    Voorziening,
    WegingVersie,
)

from .common import _already_published, _publication_moment, _quarter


def _quarter_bounds(jaar: int, kwartaal: int) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter."""
    start = dt.date(jaar, 3 * kwartaal - 2, 1)
    end = dt.date(jaar, 12, 31) if kwartaal == 4 else dt.date(jaar, 3 * kwartaal + 1, 1)
    if kwartaal != 4:
        end -= dt.timedelta(days=1)
    return start, end


def _validate_mijlpalen(items: list[dict], problems: list[Problem]) -> list[dict]:
    uuids = {str(item.get("voorziening")) for item in items}
    voorzieningen = {str(v.uuid): v for v in Voorziening.objects.filter(uuid__in=_uuids(uuids))}
    voorzieningen.update({v.naam: v for v in Voorziening.objects.filter(naam__in=uuids)})
    carried = set(
        Mijlpaal.objects.filter(voorziening__in=list(voorzieningen.values())).values_list(
            "voorziening_id", "omschrijving", "jaar", "kwartaal"
        )
    )
    clean = []
    seen = set()
    for index, item in enumerate(items):
        prefix = f"mijlpalen.{index}"
        v = voorzieningen.get(str(item.get("voorziening")))
        if v is None:
            problems.append(Problem(f"{prefix}.voorziening", "onbekende voorziening", "unknown"))
            continue
        jaar, kwartaal = _whole(item.get("jaar")), _whole(item.get("kwartaal"))
        if jaar is None or kwartaal is None:
            problems.append(Problem(f"{prefix}.kwartaal", "jaar en kwartaal zijn gehele getallen"))
            continue
        if not 1 <= kwartaal <= 4:
            problems.append(Problem(f"{prefix}.kwartaal", "kwartaal is 1 tot en met 4"))
            continue
        if not 1 <= jaar <= 9999:
            problems.append(
                Problem(
                    f"{prefix}.jaar",
                    f"jaar {jaar} ligt buiten {PLATFORM_YEARS.start}–{PLATFORM_YEARS.stop - 1}",
                    "range",
                )
            )
            continue
        start, end = _quarter_bounds(jaar, kwartaal)
        if not check_date(
            start,
            field=f"{prefix}.jaar",
            label=f"Het kwartaal {jaar} K{kwartaal}",
            problems=problems,
        ):
            continue
        if (jaar, kwartaal) < _quarter(v.startdatum):
            problems.append(
                Problem(
                    f"{prefix}.kwartaal",
                    f"{jaar} K{kwartaal} ligt vóór de start van {v.naam} ({nl_date(v.startdatum)})",
                    "before_start",
                )
            )
            continue
        naar_fase = item.get("naar_fase") or ""
        if naar_fase and naar_fase not in Fase.values:
            problems.append(Problem(f"{prefix}.naar_fase", "onbekende fase", "invalid_choice"))
            continue
        omschrijving = str(item.get("omschrijving") or "").strip()
        if not omschrijving:
            omschrijving = f"naar {naar_fase}" if naar_fase else ""
        if not omschrijving:
            problems.append(Problem(f"{prefix}.omschrijving", "verplicht", "required"))
            continue
        key = (v.pk, omschrijving)
        if key in seen:
            problems.append(Problem(f"{prefix}.omschrijving", "staat al op de routekaart"))
            continue
        seen.add(key)
        # A milestone is planned: a new or moved one lies in a quarter that has not ended yet.
        # One already on the roadmap in that quarter (a version this one starts from) may stay.
        if (v.pk, omschrijving[:300], jaar, kwartaal) not in carried and not check_date(
            end,
            field=f"{prefix}.kwartaal",
            label=f"Het einde van {jaar} K{kwartaal}",
            when=When.PLANNED,
            problems=problems,
        ):
            continue
        clean.append(
            {
                "voorziening": v,
                "jaar": jaar,
                "kwartaal": kwartaal,
                "naar_fase": naar_fase,
                "omschrijving": omschrijving[:300],
            }
        )
    return clean


def _whole(value) -> int | None:
    """A whole number: an int, or ASCII digits (not '2027.9', not '２０２７')."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,9}", value.strip()):
        return int(value.strip())
    return None


def _uuids(values) -> list[str]:
    import uuid as _uuid

    result = []
    for value in values:
        try:
            result.append(str(_uuid.UUID(str(value))))
        except ValueError:
            continue
    return result


@transaction.atomic
def create_routekaart(
    naam: str,
    mijlpalen: list[dict],
    user=None,
    toelichting: str = "",
    weging: WegingVersie | None = None,
) -> RoutekaartVersie:
    """A new roadmap version with its milestones (concept until published)."""
    problems: list[Problem] = []
    if not (naam or "").strip():
        problems.append(Problem("naam", "verplicht", "required"))
    clean = _validate_mijlpalen(list(mijlpalen or []), problems)
    if problems:
        raise DomainError("De routekaart is niet opgeslagen.", problems)
    nummer = (RoutekaartVersie.objects.aggregate(m=Max("nummer"))["m"] or 0) + 1
    versie = RoutekaartVersie.objects.create(
        nummer=nummer, naam=naam.strip(), toelichting=toelichting, weging=weging
    )
    Mijlpaal.objects.bulk_create(Mijlpaal(versie=versie, **item) for item in clean)
    record(
        Actie.AANMAKEN,
        versie,
        na={
            "nummer": nummer,
            "mijlpalen": [{**item, "voorziening": str(item["voorziening"].uuid)} for item in clean],
        },
        user=user,
    )
    return versie


@transaction.atomic
def publish_routekaart(
    versie: RoutekaartVersie, user=None, at: dt.datetime | None = None
) -> RoutekaartVersie:
    versie = RoutekaartVersie.objects.select_for_update().get(pk=versie.pk)
    if versie.status == RoutekaartVersie.Status.GEPUBLICEERD:
        raise Conflict(_already_published(f"Routekaart {versie.nummer}", versie.gepubliceerd_op))
    _publication_moment(at, f"Routekaart {versie.nummer} is niet gepubliceerd.")
    versie.status = RoutekaartVersie.Status.GEPUBLICEERD
    versie.gepubliceerd_op = at or clock.now()
    versie.save(update_fields=["status", "gepubliceerd_op"])
    record(
        Actie.WIJZIGEN, versie, voor={"status": "concept"}, na={"status": versie.status}, user=user
    )
    return versie
