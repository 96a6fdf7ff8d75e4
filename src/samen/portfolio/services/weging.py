"""State changes of the prioritisation method: scores of the Task Force and the versions of
the weighting (a concept, then published once). Audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import clock
from samen.core.actors import authenticated
from samen.core.dates import When, check_date
from samen.core.errors import Conflict, DomainError, Problem
from samen.core.money import format_number
from samen.portfolio.models import (
    Criterium,
    Gewicht,
    Score,
    Voorziening,
    WegingVersie,
)

from .common import _already_published, _limit, _number, _publication_moment, _role_label


@transaction.atomic
def give_score(
    voorziening: Voorziening,
    criterium: Criterium,
    waarde,
    onderbouwing: str,
    user=None,
    at: dt.datetime | None = None,
) -> Score:
    problems: list[Problem] = []
    value = _number(waarde, "waarde", problems, _limit(Score, "waarde"))
    if value is None and not problems:
        problems.append(Problem("waarde", "verplicht", "required"))
    if value is not None and not criterium.schaal_min <= value <= criterium.schaal_max:
        problems.append(
            Problem(
                "waarde",
                f"{format_number(value)} ligt buiten de schaal "
                f"{criterium.schaal_min}–{criterium.schaal_max}",
                "out_of_range",
            )
        )
    if not (onderbouwing or "").strip():
        problems.append(Problem("onderbouwing", "een score vraagt een onderbouwing", "required"))
    if at is not None:
        check_date(
            at,
            field="gegeven_op",
            label="Het moment van de score",
            when=When.PAST,
            problems=problems,
        )
    if problems:
        raise DomainError("De score is niet opgeslagen.", problems)
    score = Score.objects.create(
        voorziening=voorziening,
        criterium=criterium,
        waarde=value,
        onderbouwing=onderbouwing.strip(),
        gegeven_door=authenticated(user),
        door=_role_label(user),
        gegeven_op=at or clock.now(),
    )
    record(
        Actie.AANMAKEN,
        score,
        na={"voorziening": str(voorziening.uuid), "criterium": criterium.code, "waarde": value},
        user=user,
    )
    return score


@transaction.atomic
def give_scores(
    voorziening: Voorziening, scores: list[tuple[Criterium, object, str]], user=None
) -> list[Score]:
    """The scores of one form (criterium, waarde, onderbouwing) in one transaction: all are
    stored, or none; every problem names its field and criterium (``waarde_<code>``)."""
    problems: list[Problem] = []
    saved: list[Score] = []
    for criterium, waarde, onderbouwing in scores:
        try:
            with transaction.atomic():
                saved.append(give_score(voorziening, criterium, waarde, onderbouwing, user=user))
        except DomainError as error:
            problems += [
                Problem(f"{p.name}_{criterium.code}", p.reason, p.code) for p in error.problems
            ]
    if problems:
        raise DomainError("De scores zijn niet opgeslagen.", problems)
    return saved


def _validate_weights(gewichten: dict, problems: list[Problem]) -> dict[str, Decimal]:
    criteria = {c.code: c for c in Criterium.objects.all()}
    clean = {}
    for code, raw in gewichten.items():
        if code not in criteria:
            problems.append(Problem(f"gewichten.{code}", "onbekend criterium", "unknown"))
            continue
        count = len(problems)
        value = _number(raw, f"gewichten.{code}", problems, _limit(Gewicht, "gewicht"), places=4)
        if value is None:
            if len(problems) == count:
                problems.append(Problem(f"gewichten.{code}", "verplicht", "required"))
            continue
        if value < 0:
            problems.append(Problem(f"gewichten.{code}", "een gewicht mag niet negatief zijn"))
        clean[code] = value
    for code in criteria:
        if code not in gewichten:
            problems.append(Problem(f"gewichten.{code}", "verplicht", "required"))
    if clean and len(clean) == len(criteria) and all(v == 0 for v in clean.values()):
        problems.append(Problem("gewichten", "de gewichten zijn samen nul", "all_zero"))
    return clean


@transaction.atomic
def create_weging(naam: str, gewichten: dict, user=None, toelichting: str = "") -> WegingVersie:
    """A new weighting version (concept). Weights are non-negative and not all zero."""
    problems: list[Problem] = []
    if not (naam or "").strip():
        problems.append(Problem("naam", "verplicht", "required"))
    clean = _validate_weights(gewichten or {}, problems)
    if problems:
        raise DomainError("De weging is niet opgeslagen.", problems)
    nummer = (WegingVersie.objects.aggregate(m=Max("nummer"))["m"] or 0) + 1
    versie = WegingVersie.objects.create(
        nummer=nummer,
        naam=naam.strip(),
        toelichting=toelichting,
        aangemaakt_door=authenticated(user),
    )
    criteria = {c.code: c for c in Criterium.objects.all()}
    Gewicht.objects.bulk_create(
        Gewicht(versie=versie, criterium=criteria[code], gewicht=value)
        for code, value in clean.items()
    )
    record(Actie.AANMAKEN, versie, na={"nummer": nummer, "gewichten": clean}, user=user)
    return versie


@transaction.atomic
def publish_weging(versie: WegingVersie, user=None, at: dt.datetime | None = None) -> WegingVersie:
    versie = WegingVersie.objects.select_for_update().get(pk=versie.pk)
    if versie.status == WegingVersie.Status.GEPUBLICEERD:
        raise Conflict(_already_published(f"Weging {versie.nummer}", versie.gepubliceerd_op))
    _publication_moment(at, f"Weging {versie.nummer} is niet gepubliceerd.")
    versie.status = WegingVersie.Status.GEPUBLICEERD
    versie.gepubliceerd_op = at or clock.now()
    versie.gepubliceerd_door = authenticated(user)
    versie.save(update_fields=["status", "gepubliceerd_op", "gepubliceerd_door"])
    record(
        Actie.WIJZIGEN, versie, voor={"status": "concept"}, na={"status": versie.status}, user=user
    )
    return versie
