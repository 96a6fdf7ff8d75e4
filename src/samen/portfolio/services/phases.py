"""State changes of a voorziening's phase: a change (the next phase, ended, or back with a
reason) and the revert of a wrong one (a new row; the reverted one stays). Audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from samen.accounts.permissions import allowed
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import clock
from samen.core.actors import authenticated
from samen.core.dates import When, check_date, nl_date
from samen.core.errors import Conflict, DomainError, Problem
from samen.portfolio import queries
from samen.portfolio.models import (
    FASE_VOLGORDE,
    Fase,
    Fasewijziging,
    Voorziening,
)

from .common import _role_label


@transaction.atomic
def change_phase(
    voorziening: Voorziening,
    naar: str,
    datum: dt.date,
    user=None,
    reden: str = "",
    besluit_referentie: str = "",
) -> Fasewijziging:
    """The only way a phase changes: one step forward, to beëindigd, or back with a reason."""
    voorziening = Voorziening.objects.select_for_update().get(pk=voorziening.pk)
    van = voorziening.fase
    problems = []
    if naar not in Fase.values:
        problems.append(Problem("fase", f"onbekende fase '{naar}'", "invalid_choice"))
    else:
        ok, needs_reason = queries.allowed_transition(van, naar)
        if not ok:
            if van == Fase.BEEINDIGD:
                reason = "een beëindigde voorziening verandert niet meer van fase"
            elif van == naar:
                reason = f"de voorziening is al in fase {naar}"
            else:
                reason = (
                    f"van {van} kan alleen één stap vooruit "
                    f"({_next(van)}), naar beëindigd, of terug met een reden"
                )
            problems.append(Problem("fase", reason, "invalid_transition"))
        elif needs_reason and not reden.strip():
            problems.append(Problem("reden", "een stap terug vraagt een reden", "required"))
    if isinstance(datum, dt.datetime):
        datum = datum.date()
    if not isinstance(datum, dt.date):
        problems.append(Problem("datum", "verplicht: een datum", "required"))
    elif check_date(
        datum,
        field="datum",
        label="De datum van de fasewijziging",
        when=When.PAST,
        problems=problems,
    ):
        # The previous phase change that still counts: reverted rows and reverts do not.
        last = queries.effective_phase_changes(voorziening).order_by("-datum", "-id").first()
        if last and datum < last.datum:
            problems.append(
                Problem("datum", f"ligt vóór de vorige fasewijziging ({nl_date(last.datum)})")
            )
    if problems:
        raise DomainError("De fase is niet gewijzigd.", problems)
    wijziging = Fasewijziging.objects.create(
        voorziening=voorziening,
        van_fase=van,
        naar_fase=naar,
        datum=datum,
        gebruiker=authenticated(user),
        door=_role_label(user),
        reden=reden.strip(),
        besluit_referentie=besluit_referentie,
    )
    Voorziening.objects.filter(pk=voorziening.pk).update(fase=naar)
    record(
        Actie.WIJZIGEN,
        voorziening,
        voor={"fase": van},
        na={"fase": naar, "datum": datum, "reden": reden, "besluit": besluit_referentie},
        user=user,
        toelichting="fasewijziging",
    )
    return wijziging


@transaction.atomic
def revert_phase(voorziening: Voorziening, wijziging, reden: str, user=None) -> Fasewijziging:
    """Correct a wrong phase change: a new history row of kind ``teruggedraaid`` that points to
    it, dated today (the project's clock), with a reason. The reverted row stays as it was; the
    phase it left is current again and it no longer counts as the previous phase change. Only
    the last phase change that counts can be reverted (history is undone from the end), never
    the registration itself, and each only once. Programme office only."""
    message = "De fasewijziging is niet teruggedraaid."
    if user is not None and not allowed(user, "portfolio.beheren"):
        raise DomainError(
            message,
            [Problem("gebruiker", "alleen het programmabureau draait een fasewijziging terug")],
            403,
        )
    voorziening = Voorziening.objects.select_for_update().get(pk=voorziening.pk)
    key = getattr(wijziging, "uuid", wijziging)
    target = None
    try:
        target = Fasewijziging.objects.filter(voorziening=voorziening, uuid=str(key)).first()
    except (ValueError, TypeError, DjangoValidationError):
        target = None
    if target is None:
        raise DomainError(
            message,
            [Problem("fasewijziging", "onbekende fasewijziging van deze voorziening", "unknown")],
        )
    existing = Fasewijziging.objects.filter(draait_terug=target).first()
    if existing is not None:
        raise Conflict(
            f"De fasewijziging van {nl_date(target.datum)} is al teruggedraaid"
            f" op {nl_date(existing.datum)}; er is niets gewijzigd."
        )
    problems: list[Problem] = []
    last = queries.last_phase_change(voorziening)
    if target.soort == Fasewijziging.Soort.TERUGGEDRAAID:
        problems.append(
            Problem(
                "fasewijziging",
                "een terugdraaiing wordt niet teruggedraaid: voer de juiste fase in",
                "invalid",
            )
        )
    elif not target.van_fase:
        problems.append(
            Problem("fasewijziging", "de registratie zelf kan niet worden teruggedraaid", "invalid")
        )
    elif last is None or last.pk != target.pk or voorziening.fase != target.naar_fase:
        shown = (
            f" (die van {nl_date(last.datum)} naar {last.get_naar_fase_display()})" if last else ""
        )
        problems.append(
            Problem(
                "fasewijziging",
                f"alleen de laatste fasewijziging kan worden teruggedraaid{shown}",
                "not_last",
            )
        )
    if not (reden or "").strip():
        problems.append(Problem("reden", "een terugdraaiing vraagt een reden", "required"))
    if problems:
        raise DomainError(message, problems)
    revert = Fasewijziging.objects.create(
        voorziening=voorziening,
        soort=Fasewijziging.Soort.TERUGGEDRAAID,
        draait_terug=target,
        van_fase=target.naar_fase,
        naar_fase=target.van_fase,
        datum=clock.today(),
        gebruiker=authenticated(user),
        door=_role_label(user),
        reden=reden.strip(),
    )
    Voorziening.objects.filter(pk=voorziening.pk).update(fase=target.van_fase)
    record(
        Actie.WIJZIGEN,
        voorziening,
        voor={"fase": target.naar_fase},
        na={
            "fase": target.van_fase,
            "teruggedraaid": str(target.uuid),
            "teruggedraaide_datum": target.datum,
            "reden": revert.reden,
        },
        user=user,
        toelichting="fasewijziging teruggedraaid",
    )
    return revert


def _next(fase: str) -> str:
    i = FASE_VOLGORDE.index(fase)
    return FASE_VOLGORDE[i + 1] if i + 1 < len(FASE_VOLGORDE) else "—"
