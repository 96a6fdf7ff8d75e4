"""Demo bodies (order 65, after the demo decisions): the bodies the proposal sets up, example
members (marked as example data) from municipalities of every size class, a reglement with a
quorum rule, and the meetings in which the demo's existing decision steps were taken (their
agenda and besluitenlijst name the assessment, advice and decision)."""

from __future__ import annotations

import datetime as dt

from samen.besluiten.models import Advies, Beoordeling, Besluit
from samen.core.demo import loader
from samen.gemeenten.models import Gemeente
from samen.gremia.models import (
    Agendapunt,
    Besluitenlijstpunt,
    Gremium,
    Lidmaatschap,
    Reglement,
    ReglementVersie,
    Vergadering,
)

D = dt.date
START = D(2016, 12, 1)  # the proposal of 30 November 2016 sets the Task Force up this year

GREMIA = [
    (Gremium.Soort.VNG_BESTUUR, "VNG-bestuur", "bestuur", ""),
    (Gremium.Soort.COLLEGE, "College voor Dienstverleningszaken", "CvD", ""),
    (Gremium.Soort.TASKFORCE, "Task Force Samen Organiseren", "TF", ""),
    (
        Gremium.Soort.COMMISSIE_DI,
        "VNG-commissie Dienstverlening en Informatiebeleid",
        "D&I",
        "",
    ),
    (
        Gremium.Soort.SUBCOMMISSIE,
        "Subcommissie Verantwoording aanbieders",
        "",
        "VNG-commissie Dienstverlening en Informatiebeleid",
    ),
    (Gremium.Soort.LEDENVERGADERING, "Ledenvergadering VNG", "ALV", ""),
]

# Example members: invented names, municipalities from large to small (CBS codes).
LEDEN = {
    "Task Force Samen Organiseren": [
        ("voorzitter", "burgemeester", "GM0363"),  # Amsterdam, very large
        ("lid", "gemeentesecretaris", "GM0599"),  # Rotterdam
        ("lid", "gemeentesecretaris", "GM0222"),  # Doetinchem, large
        ("lid", "wethouder", "GM0037"),  # Stadskanaal, middle
        ("lid", "gemeentesecretaris", "GM0088"),  # Schiermonnikoog, small
        ("adviseur", "expert", None),
        ("secretaris", "vng", None),
    ],
    "College voor Dienstverleningszaken": [
        ("voorzitter", "burgemeester", "GM0344"),  # Utrecht
        ("lid", "gemeentesecretaris", "GM0014"),  # Groningen
        ("lid", "wethouder", "GM0037"),
        ("lid", "expert", None),
        ("secretaris", "vng", None),
    ],
    "VNG-bestuur": [
        ("voorzitter", "burgemeester", "GM0518"),  # 's-Gravenhage
        ("lid", "wethouder", "GM0363"),
        ("lid", "burgemeester", "GM0037"),
        ("secretaris", "vng", None),
    ],
    "VNG-commissie Dienstverlening en Informatiebeleid": [
        ("voorzitter", "wethouder", "GM0599"),
        ("lid", "wethouder", "GM0088"),
        ("secretaris", "vng", None),
    ],
}


def _stap_vergadering(gremium: Gremium, datum: dt.date) -> Vergadering:
    v, _ = Vergadering.objects.get_or_create(
        gremium=gremium,
        datum=datum,
        defaults={"status": Vergadering.Status.GEHOUDEN, "voorbeeld": True},
    )
    return v


@loader(65, "gremia")
def load() -> str:
    if Gremium.objects.filter(naam="Task Force Samen Organiseren").exists():
        return "al geladen"
    bodies: dict[str, Gremium] = {}
    for soort, naam, afkorting, parent in GREMIA:
        bodies[naam] = Gremium.objects.create(
            soort=soort,
            naam=naam,
            afkorting=afkorting,
            parent=bodies.get(parent),
            ingesteld_op=START,
            omschrijving="Voorbeeldgegevens: samenstelling en vergaderingen zijn verzonnen.",
        )
    codes = {c for leden in LEDEN.values() for _, _, c in leden if c}
    gemeenten = {g.code: g for g in Gemeente.objects.filter(code__in=codes)}
    rows = []
    n = 0
    for naam, leden in LEDEN.items():
        for rol, functie, code in leden:
            n += 1
            rows.append(
                Lidmaatschap(
                    gremium=bodies[naam],
                    naam=f"Voorbeeldlid {n}",
                    functie=functie,
                    gemeente=gemeenten.get(code) if code else None,
                    rol=rol,
                    van=START,
                    voorbeeld=True,
                    toelichting="Voorbeeldgegevens.",
                )
            )
    Lidmaatschap.objects.bulk_create(rows)
    versies = []
    for naam in ("Task Force Samen Organiseren", "College voor Dienstverleningszaken"):
        r = Reglement.objects.create(gremium=bodies[naam], titel="Reglement van orde")
        versies.append(
            ReglementVersie(
                reglement=r,
                versie=1,
                tekst="Voorbeeldtekst. Artikel 1. Het gremium vergadert als meer dan de helft "
                "van de stemgerechtigde leden aanwezig is.",
                geldig_van=START,
                quorumregel="meer-dan-helft",
            )
        )
    ReglementVersie.objects.bulk_create(versies)
    # The meetings in which the demo's existing steps were taken.
    stappen = [
        (bodies["Task Force Samen Organiseren"], Beoordeling.objects.select_related("verzoek")),
        (bodies["College voor Dienstverleningszaken"], Advies.objects.select_related("verzoek")),
    ]
    agenda, lijst = [], []
    volgorde: dict[int, int] = {}
    for gremium, qs in stappen:
        for stap in qs:
            v = _stap_vergadering(gremium, stap.datum)
            type(stap).objects.filter(pk=stap.pk).update(vergadering=v)
            volgorde[v.pk] = volgorde.get(v.pk, 0) + 1
            veld = "beoordeling" if isinstance(stap, Beoordeling) else "advies"
            agenda.append(
                Agendapunt(
                    vergadering=v,
                    volgorde=volgorde[v.pk],
                    titel=f"{stap._meta.verbose_name.capitalize()}: {stap.verzoek.titel}",
                    **{veld: stap},
                )
            )
            lijst.append(
                Besluitenlijstpunt(
                    vergadering=v,
                    volgorde=volgorde[v.pk],
                    tekst=f"{stap._meta.verbose_name.capitalize()} vastgesteld: "
                    f"{stap.verzoek.titel}.",
                )
            )
    bestuur = bodies["VNG-bestuur"]
    for besluit in Besluit.objects.filter(verzoek__isnull=False):
        # A published decision never changes: the meeting names it on its agenda and list.
        v = _stap_vergadering(bestuur, besluit.datum)
        volgorde[v.pk] = volgorde.get(v.pk, 0) + 1
        agenda.append(
            Agendapunt(
                vergadering=v,
                volgorde=volgorde[v.pk],
                titel=f"Besluit: {besluit.titel}",
                besluit=besluit,
            )
        )
        lijst.append(
            Besluitenlijstpunt(
                vergadering=v,
                volgorde=volgorde[v.pk],
                tekst=f"Besluit {besluit.nummer}: {besluit.get_uitkomst_display()}.",
                besluit=besluit,
            )
        )
    Agendapunt.objects.bulk_create(agenda)
    Besluitenlijstpunt.objects.bulk_create(lijst)
    for v in Vergadering.objects.filter(gremium__in=bodies.values()):
        Vergadering.objects.filter(pk=v.pk).update(
            besluitenlijst_vastgesteld_op=v.datum + dt.timedelta(days=14)
        )
    return f"{len(bodies)} gremia, {len(rows)} voorbeeldleden, {len(agenda)} agendapunten"
