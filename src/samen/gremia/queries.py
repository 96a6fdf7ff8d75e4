"""Reads of the bodies: composition on a date (by size class, province and function, after
herindelingen), the reglement in force, the quorum of a meeting, meetings and their lists."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from samen.core.errors import Problem
from samen.gemeenten import rules as gemeente_rules
from samen.gemeenten.models import Gemeente
from samen.gemeenten.queries import PopulationUnavailable, bevolking_voor_jaar, links
from samen.gremia import regels
from samen.gremia.models import (
    Aanwezigheid,
    Agendapunt,
    Besluitenlijstpunt,
    Gremium,
    Lidmaatschap,
    Reglement,
    ReglementVersie,
    Vergadering,
)

# The bodies whose composition the proposal asks to mix municipalities "van groot tot klein".
MET_GROOTTEKLASSEN = {Gremium.Soort.COLLEGE, Gremium.Soort.TASKFORCE}


# The order of seats on a page: chair first, then members, advisers, the secretary.
RANG = {r: i for i, r in enumerate(Lidmaatschap.Rol.values)}


def gremia():
    """Every body, parents before their subcommittees, with counts, in one query."""
    return (
        Gremium.objects.select_related("parent")
        .annotate(aantal_vergaderingen=Count("vergaderingen", distinct=True))
        .order_by("naam")
    )


def actief_op(peildatum: dt.date) -> Q:
    return Q(van__lte=peildatum) & (Q(tot__isnull=True) | Q(tot__gte=peildatum))


@dataclass
class Zetel:
    lidmaatschap: Lidmaatschap
    gemeente: Gemeente | None  # the municipality on the date (a successor after a herindeling)
    opgegaan_in: list[Gemeente] = field(default_factory=list)
    inwoners: int | None = None
    grootteklasse: str = ""

    @property
    def grootteklasse_label(self) -> str:
        return regels.KLASSE_LABELS.get(self.grootteklasse, "")

    @property
    def provincie(self) -> str:
        return self.gemeente.provincie.naam if self.gemeente is not None else ""


@dataclass
class Samenstelling:
    gremium: Gremium
    peildatum: dt.date
    zetels: list[Zetel]
    bevolking_toelichting: str = ""
    per_grootteklasse: dict[str, int] = field(default_factory=dict)
    per_provincie: dict[str, int] = field(default_factory=dict)
    per_functie: dict[str, int] = field(default_factory=dict)
    ontbrekende_klassen: list[str] = field(default_factory=list)

    @property
    def ontbrekende_labels(self) -> list[str]:
        return [regels.KLASSE_LABELS[k] for k in self.ontbrekende_klassen]


def samenstelling(gremium: Gremium, peildatum: dt.date) -> Samenstelling:
    """Who sits in ``gremium`` on ``peildatum``; a member's municipality that no longer exists on
    that date is shown as its successor (the gemeenten rules), its size class from the register's
    population for the year (``bevolking_voor_jaar``). A constant number of queries."""
    leden = list(
        Lidmaatschap.objects.filter(actief_op(peildatum), gremium=gremium)
        .select_related("gemeente__provincie", "organisatie")
        .order_by("naam", "van")
    )
    leden.sort(key=lambda lid: RANG.get(lid.rol, 9))
    try:
        bevolking = bevolking_voor_jaar(peildatum.year)
        per_gemeente = bevolking.per_gemeente
        toelichting = bevolking.toelichting
    except PopulationUnavailable as exc:
        per_gemeente, toelichting = {}, f"Geen inwonertallen: {exc}."
    alle_links = links() if any(lid.gemeente_id for lid in leden) else []
    opvolger_codes: dict[str, list[str]] = {}
    for lid in leden:
        g = lid.gemeente
        if g is not None and not g.bestaat_op(peildatum):
            opvolger_codes[g.code] = gemeente_rules.successors(g.code, alle_links, peildatum)
    nodig = {c for codes in opvolger_codes.values() for c in codes}
    opvolgers = (
        {g.code: g for g in Gemeente.objects.filter(code__in=nodig).select_related("provincie")}
        if nodig
        else {}
    )
    zetels = []
    for lid in leden:
        zetel = Zetel(lidmaatschap=lid, gemeente=lid.gemeente)
        if lid.gemeente is not None and lid.gemeente.code in opvolger_codes:
            zetel.opgegaan_in = [
                opvolgers[c] for c in opvolger_codes[lid.gemeente.code] if c in opvolgers
            ]
            # A split municipality: the part with the most inhabitants carries the seat.
            zetel.gemeente = (
                max(zetel.opgegaan_in, key=lambda g: (per_gemeente.get(g.code, -1), g.code))
                if zetel.opgegaan_in
                else lid.gemeente
            )
        if zetel.gemeente is not None and zetel.gemeente.code in per_gemeente:
            zetel.inwoners = per_gemeente[zetel.gemeente.code]
            zetel.grootteklasse = regels.grootteklasse(zetel.inwoners)
        zetels.append(zetel)
    result = Samenstelling(gremium, peildatum, zetels, toelichting)
    met_gemeente = [z for z in zetels if z.gemeente is not None]
    klassen = Counter(z.grootteklasse for z in met_gemeente if z.grootteklasse)
    result.per_grootteklasse = {k: klassen.get(k, 0) for k in regels.KLASSE_NAMEN}
    result.per_provincie = dict(sorted(Counter(z.provincie for z in met_gemeente).items()))
    functies = Counter(z.lidmaatschap.get_functie_display() for z in zetels)
    result.per_functie = dict(sorted(functies.items()))
    if gremium.soort in MET_GROOTTEKLASSEN and per_gemeente:
        result.ontbrekende_klassen = regels.ontbrekende_klassen(set(klassen))
    return result


def reglementen(gremium: Gremium):
    return Reglement.objects.filter(gremium=gremium).prefetch_related(
        Prefetch(
            "versies",
            queryset=ReglementVersie.objects.select_related("besluit")
            .defer("inhoud")
            .order_by("-geldig_van", "-versie"),
        )
    )


def versie_in_force(gremium: Gremium, datum: dt.date) -> ReglementVersie | None:
    """The reglement version of ``gremium`` in force on ``datum`` that sets the quorum: of the
    versions in force on that date (the latest of each reglement), the most recent one."""
    return (
        ReglementVersie.objects.filter(reglement__gremium=gremium, geldig_van__lte=datum)
        .select_related("reglement", "besluit")
        .defer("inhoud")
        .order_by("-geldig_van", "-versie")
        .first()
    )


@dataclass
class Quorumcheck:
    versie: ReglementVersie | None
    quorum: regels.Quorum | None
    uitleg: str

    @property
    def gehaald(self) -> bool | None:
        return None if self.quorum is None else self.quorum.gehaald


def quorumcheck(vergadering: Vergadering) -> Quorumcheck:
    """The quorum of ``vergadering`` under the reglement in force on its date: voting members
    (voorzitter, lid) of that date against those recorded present."""
    versie = versie_in_force(vergadering.gremium, vergadering.datum)
    if versie is None:
        return Quorumcheck(None, None, "Er gold op deze datum geen reglement met een quorumregel.")
    stem = Lidmaatschap.objects.filter(
        actief_op(vergadering.datum),
        gremium_id=vergadering.gremium_id,
        rol__in=Lidmaatschap.STEMGERECHTIGD,
    )
    stemgerechtigd = stem.count()
    aanwezig = Aanwezigheid.objects.filter(
        vergadering=vergadering,
        status=Aanwezigheid.Status.AANWEZIG,
        lidmaatschap__in=stem,
    ).count()
    q = regels.quorum(versie.quorumregel, versie.quorum_waarde, stemgerechtigd, aanwezig)
    uitleg = (
        f"{versie}: {versie.get_quorumregel_display()}"
        + (f" ({_waarde(versie)})" if versie.quorumregel in (regels.AANDEEL, regels.AANTAL) else "")
        + f". Nodig: {q.benodigd} van {q.stemgerechtigd} stemgerechtigde leden; "
        f"aanwezig: {q.aanwezig}. Quorum {'gehaald' if q.gehaald else 'niet gehaald'}."
    )
    return Quorumcheck(versie, q, uitleg)


def _waarde(versie: ReglementVersie) -> str:
    w = versie.quorum_waarde
    if w is None:
        return ""
    if versie.quorumregel == regels.AANTAL:
        return str(int(w))
    return f"{(w * 100).normalize():f}%"


def vergaderingen(gremium: Gremium | None = None):
    qs = Vergadering.objects.select_related("gremium").annotate(
        aantal_agendapunten=Count("agendapunten", distinct=True),
        aantal_besluiten=Count("besluitenlijst", distinct=True),
    )
    if gremium is not None:
        qs = qs.filter(gremium=gremium)
    return qs.order_by("-datum", "gremium__naam")


def vergadering_detail(vergadering: Vergadering) -> dict:
    agenda = list(
        Agendapunt.objects.filter(vergadering=vergadering)
        .select_related(
            "verzoek",
            "beoordeling__verzoek",
            "advies__verzoek",
            "besluit",
            "autorisatie__activiteit",
            "verantwoordingsdocument__aanbieder",
            "routekaartversie",
        )
        .defer("verantwoordingsdocument__inhoud")
    )
    lijst = list(
        Besluitenlijstpunt.objects.filter(vergadering=vergadering).select_related(
            "besluit", "agendapunt"
        )
    )
    aanwezigheid = list(
        Aanwezigheid.objects.filter(vergadering=vergadering).select_related("lidmaatschap")
    )
    return {
        "agenda": agenda,
        "besluitenlijst": lijst,
        "aanwezigheid": aanwezigheid,
        "quorum": quorumcheck(vergadering),
    }


def secretaris_van(user) -> list[Gremium]:
    """The bodies ``user`` is the secretary of today or on any date (the membership with rol
    secretaris linked to their account)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    from samen.core import clock

    return list(
        Gremium.objects.filter(
            actief_op_prefix("lidmaatschappen__", clock.today()),
            lidmaatschappen__gebruiker=user,
            lidmaatschappen__rol=Lidmaatschap.Rol.SECRETARIS,
        ).distinct()
    )


def actief_op_prefix(prefix: str, peildatum: dt.date) -> Q:
    return Q(**{f"{prefix}van__lte": peildatum}) & (
        Q(**{f"{prefix}tot__isnull": True}) | Q(**{f"{prefix}tot__gte": peildatum})
    )


def is_secretaris(user, gremium: Gremium) -> bool:
    return any(g.pk == gremium.pk for g in secretaris_van(user))


# Which body takes which step of the decision model.
STAP_GREMIA = {
    "beoordeling": {Gremium.Soort.TASKFORCE},
    "advies": {Gremium.Soort.COLLEGE},
    "besluit": {Gremium.Soort.VNG_BESTUUR},
    "vaststelling": {Gremium.Soort.COMMISSIE_DI, Gremium.Soort.SUBCOMMISSIE},
}


def check_vergadering(
    vergadering: Vergadering | None,
    stap: str,
    datum: dt.date | None,
    problems: list[Problem],
    field_name: str = "vergadering",
) -> None:
    """A decision step names the meeting it was taken in: it must be a meeting of the body that
    takes the step, not cancelled, and on the step's date (a written round: on or after it)."""
    if vergadering is None:
        return
    # As stored now (a meeting cancelled since the caller read it is cancelled).
    vergadering = Vergadering.objects.select_related("gremium").get(pk=vergadering.pk)
    soorten = STAP_GREMIA[stap]
    gremium = vergadering.gremium
    if gremium.soort not in soorten:
        namen = ", ".join(str(Gremium.Soort(s).label) for s in sorted(soorten))
        problems.append(
            Problem(
                field_name,
                f"de vergadering is van {gremium.naam}; deze stap wordt genomen door: {namen}",
                "wrong_body",
            )
        )
    if vergadering.status == Vergadering.Status.GEANNULEERD:
        problems.append(Problem(field_name, "de vergadering is geannuleerd", "cancelled"))
    if datum is not None:
        if vergadering.soort == Vergadering.Soort.SCHRIFTELIJK:
            if datum < vergadering.datum:
                problems.append(
                    Problem(
                        field_name,
                        f"de schriftelijke ronde begon op {vergadering.datum:%d-%m-%Y}, na de "
                        f"datum van deze stap ({datum:%d-%m-%Y})",
                        "date_mismatch",
                    )
                )
        elif datum != vergadering.datum:
            problems.append(
                Problem(
                    field_name,
                    f"de vergadering was op {vergadering.datum:%d-%m-%Y}, niet op de datum van "
                    f"deze stap ({datum:%d-%m-%Y})",
                    "date_mismatch",
                )
            )
