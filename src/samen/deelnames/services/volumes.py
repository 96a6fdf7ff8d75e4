"""Volumes per municipality (the weighting of coverage by volume), uploaded by the office. One
transaction each, audited."""

from __future__ import annotations

from django.db import transaction

from samen.audit.models import Actie
from samen.audit.services import record
from samen.core.errors import DomainError, Problem
from samen.gemeenten.models import Gemeente

MAX_VOLUME = 2_147_483_647  # what the column holds (PostgreSQL integer)


@transaction.atomic
def set_volumes(voorziening, volumes: dict[str, object], bron: str = "", user=None) -> int:
    """Enter the volume per municipality for a voorziening (all or nothing)."""
    from samen.deelnames.models import Volume

    problems: list[Problem] = []
    gemeenten = {g.code: g for g in Gemeente.objects.filter(code__in=volumes)}
    clean = {}
    for code, raw in volumes.items():
        if code not in gemeenten:
            problems.append(Problem(f"volumes.{code}", "onbekende gemeente", "unknown"))
            continue
        text = str(raw).strip()
        if text.startswith("-") and text[1:].isascii() and text[1:].isdigit():
            problems.append(Problem(f"volumes.{code}", "mag niet negatief zijn"))
            continue
        if not (text.isascii() and text.isdigit()):
            problems.append(Problem(f"volumes.{code}", f"geen geheel getal: {raw!r}"))
            continue
        value = int(text)
        if value > MAX_VOLUME:
            problems.append(
                Problem(f"volumes.{code}", f"hoogstens {MAX_VOLUME:_}".replace("_", "."))
            )
            continue
        clean[code] = value
    if problems:
        raise DomainError("De volumes zijn niet opgeslagen.", problems)
    for code, value in clean.items():
        Volume.objects.update_or_create(
            voorziening=voorziening,
            gemeente=gemeenten[code],
            defaults={"aantal": value, "bron": bron},
        )
    record(
        Actie.WIJZIGEN,
        voorziening,
        na={"volumes": clean, "bron": bron},
        user=user,
        toelichting="volumes per gemeente",
    )
    return len(clean)
