"""Participation: joining on the conditions of the decision in force, leaving according to the
binding level, and the implementation status history. One transaction each, audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from samen.audit.models import Actie
from samen.audit.services import record, snapshot
from samen.besluiten.models import Besluit, Binding
from samen.core import clock
from samen.core.actors import label, role_label
from samen.core.dates import When, check_date
from samen.core.errors import Conflict, DomainError, Problem
from samen.deelnames.models import Deelname, Status, Statuswijziging
from samen.deelnames.queries import current  # also imported from here by portfolio.views
from samen.gemeenten.models import Gemeente
from samen.portfolio.models import Voorziening


def _last(deelname: Deelname) -> Statuswijziging | None:
    return deelname.statussen.order_by("-datum", "-id").first()


@transaction.atomic
def join(
    gemeente: Gemeente,
    voorziening: Voorziening,
    besluit: Besluit | None,
    datum: dt.date,
    user=None,
    status: str = Status.GEINTERESSEERD,
) -> Deelname:
    """A municipality joins and accepts the conditions of the decision version in force.
    Accepting a superseded version is refused; so is joining twice."""
    from samen.besluiten.services import in_force

    problems: list[Problem] = []
    geldend = in_force(voorziening)
    if geldend is not None:
        if besluit is None:
            problems.append(
                Problem("besluit", f"accepteer de voorwaarden van besluit {geldend.nummer}")
            )
        elif besluit.pk != geldend.pk:
            problems.append(
                Problem(
                    "besluit",
                    f"besluit {besluit.nummer} is vervangen; het geldende besluit is "
                    f"{geldend.nummer}",
                    "superseded",
                )
            )
    elif besluit is not None:
        problems.append(Problem("besluit", "dit besluit hoort niet bij deze voorziening"))
    check_date(
        datum, field="datum", label="De datum van deelname", when=When.PAST, problems=problems
    )
    if not problems and not gemeente.bestaat_op(datum):
        problems.append(Problem("gemeente", f"{gemeente.naam} bestaat niet op {datum:%d-%m-%Y}"))
    if status not in (Status.GEINTERESSEERD, Status.GEPLAND, Status.IN_IMPLEMENTATIE):
        problems.append(Problem("status", "begin als geïnteresseerd, gepland of in implementatie"))
    if current(gemeente, voorziening) is not None:
        raise Conflict(f"{gemeente.naam} neemt al deel aan {voorziening.naam}.")
    if problems:
        raise DomainError("De deelname is niet geregistreerd.", problems)
    deelname = Deelname.objects.create(
        gemeente=gemeente,
        voorziening=voorziening,
        besluit=geldend,
        herkomst=Deelname.Herkomst.AANMELDING,
        status=status,
        sinds=datum,
        geaccepteerd_door=label(user),
        geaccepteerd_als=role_label(user),
        geaccepteerd_op=timezone.now() if geldend else None,
    )
    Statuswijziging.objects.create(
        deelname=deelname,
        status=status,
        datum=datum,
        door=label(user),
        door_als=role_label(user),
        toelichting="aanmelding",
    )
    # The trail names the user already; the object's public history shows no person's name.
    na = {k: v for k, v in snapshot(deelname).items() if k != "geaccepteerd_door"}
    record(
        Actie.AANMAKEN,
        deelname,
        na={**na, "besluitversie": geldend.nummer if geldend else None},
        user=user,
        toelichting="aanmelding en acceptatie van de voorwaarden",
    )
    return deelname


@transaction.atomic
def update_status(
    deelname: Deelname,
    status: str,
    datum: dt.date,
    user=None,
    gepland_op: dt.date | None = None,
    toelichting: str = "",
    today: dt.date | None = None,
) -> Deelname:
    """A new implementation status, dated not in the future and not before the previous one;
    'gepland' needs a planned date that is not in the past (both relative to ``today``, the
    day of entry: the project clock, which a loader replaying history sets to the day it
    replays). 'in gebruik' sets the live date.

    A change to the status the participation already has (and, for 'gepland', the same planned
    date) changes nothing: no history row, no audit line. The participation's row is locked
    first, so parallel identical requests add one row at most. The returned participation
    carries ``gewijzigd`` (False when nothing changed)."""
    today = today or clock.today()
    deelname = Deelname.objects.select_for_update().get(pk=deelname.pk)
    problems: list[Problem] = []
    if deelname.tot is not None:
        raise Conflict("Deze deelname is beëindigd.")
    if status not in Status.values:
        problems.append(Problem("status", "onbekende status", "invalid_choice"))
    check_date(
        datum,
        field="datum",
        label="De datum van de status",
        when=When.PAST,
        problems=problems,
        today=today,
    )
    last = _last(deelname)
    if last and datum < last.datum:
        problems.append(Problem("datum", f"ligt vóór de vorige status ({last.datum:%d-%m-%Y})"))
    if status == Status.GEPLAND and gepland_op is None:
        problems.append(Problem("geplandOp", "geef de geplande datum", "required"))
    check_date(
        gepland_op,
        field="geplandOp",
        label="De geplande datum",
        when=When.PLANNED,
        problems=problems,
        today=today,
    )
    if problems:
        raise DomainError("De status is niet bijgewerkt.", problems)
    if status == deelname.status and (
        status != Status.GEPLAND or gepland_op == deelname.gepland_op
    ):
        deelname.gewijzigd = False
        return deelname
    before = {"status": deelname.status, "live_op": deelname.live_op}
    deelname.status = status
    if status == Status.GEPLAND:
        deelname.gepland_op = gepland_op
    if status == Status.IN_GEBRUIK:
        deelname.live_op = datum
    deelname.save(update_fields=["status", "gepland_op", "live_op"])
    Statuswijziging.objects.create(
        deelname=deelname,
        status=status,
        datum=datum,
        door=label(user),
        door_als=role_label(user),
        toelichting=toelichting,
    )
    record(
        Actie.WIJZIGEN,
        deelname,
        voor=before,
        na={"status": status, "datum": datum, "gepland_op": gepland_op},
        user=user,
    )
    deelname.gewijzigd = True
    return deelname


@transaction.atomic
def correct_status(
    deelname: Deelname, wijziging=None, reden: str = "", user=None
) -> Statuswijziging:
    """Undo a wrong status change by a new history row (the wrong one stays as it was): the
    correction carries the status from before the wrong row, on the wrong row's date, and points
    to it, so the participation and its coverage on every date show the old status again. Only
    the latest change can be corrected, once, with a reason; the first status (joining) and a
    correction itself cannot (end the participation, or enter the right status instead)."""
    deelname = Deelname.objects.select_for_update().get(pk=deelname.pk)
    if deelname.tot is not None:
        raise Conflict("Deze deelname is beëindigd; een correctie is niet meer mogelijk.")
    problems: list[Problem] = []
    if not (reden or "").strip():
        problems.append(Problem("reden", "geef de reden van de correctie", "required"))
    wijziging_id = getattr(wijziging, "pk", wijziging)
    if wijziging_id is None:  # the latest change (the only one that can be corrected)
        target = _last(deelname)
    else:
        target = deelname.statussen.filter(pk=wijziging_id).first()
    if target is None:
        problems.append(Problem("statuswijziging", "hoort niet bij deze deelname", "unknown"))
    if problems:
        raise DomainError("Er is niets gecorrigeerd.", problems)
    if Statuswijziging.objects.filter(corrigeert=target).exists():
        raise Conflict("Deze statuswijziging is al gecorrigeerd; er is niets gewijzigd.")
    history = list(deelname.statussen.order_by("-datum", "-id")[:2])
    if target.corrigeert_id is not None:
        problems.append(
            Problem(
                "statuswijziging",
                "een correctie wordt niet zelf gecorrigeerd; voer de juiste status in",
            )
        )
    elif history[0].pk != target.pk:
        problems.append(
            Problem("statuswijziging", "alleen de laatste statuswijziging kan worden gecorrigeerd")
        )
    elif len(history) < 2:
        problems.append(
            Problem(
                "statuswijziging",
                "de eerste status (bij deelname) wordt niet gecorrigeerd; beëindig zo nodig de "
                "deelname",
            )
        )
    if problems:
        raise DomainError("Er is niets gecorrigeerd.", problems)
    previous = history[1]
    before = {"status": deelname.status, "live_op": deelname.live_op, "gepland_op": None}
    before["gepland_op"] = deelname.gepland_op
    deelname.status = previous.status
    if target.status == Status.IN_GEBRUIK and previous.status != Status.IN_GEBRUIK:
        deelname.live_op = None
    if target.status == Status.GEPLAND and previous.status != Status.GEPLAND:
        deelname.gepland_op = None
    deelname.save(update_fields=["status", "live_op", "gepland_op"])
    correctie = Statuswijziging.objects.create(
        deelname=deelname,
        status=previous.status,
        datum=target.datum,
        door=label(user),
        door_als=role_label(user),
        toelichting=f"correctie van {target.get_status_display()} ({target.datum:%d-%m-%Y}): "
        f"{reden.strip()}",
        corrigeert=target,
    )
    record(
        Actie.WIJZIGEN,
        deelname,
        voor=before,
        na={
            "status": deelname.status,
            "live_op": deelname.live_op,
            "gepland_op": deelname.gepland_op,
            "gecorrigeerd": {"status": target.status, "datum": target.datum},
        },
        user=user,
        toelichting=f"correctie statuswijziging: {reden.strip()}",
    )
    return correctie


@transaction.atomic
def leave(deelname: Deelname, datum: dt.date, user=None, reden: str = "") -> Deelname:
    """Leaving follows the binding level: free at any time; voluntary-but-binding only on the
    decision's exit terms; binding-for-all never (record non-compliance instead)."""
    deelname = (
        Deelname.objects.select_for_update(of=("self",))
        .select_related("besluit")
        .get(pk=deelname.pk)
    )
    if deelname.tot is not None:
        raise Conflict("Deze deelname is al beëindigd.")
    problems: list[Problem] = []
    check_date(
        datum, field="datum", label="De datum van uittreden", when=When.PAST, problems=problems
    )
    last = _last(deelname)
    if last and datum < last.datum:
        problems.append(Problem("datum", f"ligt vóór de vorige status ({last.datum:%d-%m-%Y})"))
    if problems:
        raise DomainError("De deelname is niet beëindigd.", problems)
    besluit = deelname.besluit
    binding = besluit.binding if besluit else Binding.VRIJ
    if binding == Binding.ALGEMEEN:
        raise DomainError(
            "Uittreden is niet mogelijk.",
            [
                Problem(
                    "binding",
                    f"besluit {besluit.nummer} is algemeen bindend; leg vast waarom de gemeente "
                    "het (nog) niet naleeft",
                    "binding",
                )
            ],
            status=409,
        )
    if binding == Binding.VRIJWILLIG and (
        besluit.uittreden_vanaf is None or datum < besluit.uittreden_vanaf
    ):
        terms = besluit.uittredingsvoorwaarden or "geen uittredingsmogelijkheid"
        when = (
            f" (uittreden kan vanaf {besluit.uittreden_vanaf:%d-%m-%Y})"
            if besluit.uittreden_vanaf
            else ""
        )
        raise DomainError(
            "Uittreden is niet mogelijk.",
            [
                Problem(
                    "datum",
                    f"besluit {besluit.nummer} bindt deelnemers: {terms}{when}",
                    "binding",
                )
            ],
            status=409,
        )
    deelname.tot = datum
    deelname.status = Status.GESTOPT
    deelname.save(update_fields=["tot", "status"])
    Statuswijziging.objects.create(
        deelname=deelname,
        status=Status.GESTOPT,
        datum=datum,
        door=label(user),
        door_als=role_label(user),
        toelichting=reden,
    )
    record(
        Actie.WIJZIGEN, deelname, voor={"tot": None}, na={"tot": datum, "reden": reden}, user=user
    )
    return deelname


@transaction.atomic
def record_non_compliance(deelname: Deelname, reden: str, user=None) -> Deelname:
    if not reden.strip():
        raise DomainError("Niet opgeslagen.", [Problem("reden", "verplicht", "required")])
    deelname = Deelname.objects.select_for_update().get(pk=deelname.pk)
    before = deelname.reden_niet_naleven
    deelname.reden_niet_naleven = reden.strip()
    deelname.save(update_fields=["reden_niet_naleven"])
    record(Actie.WIJZIGEN, deelname, voor={"reden": before}, na={"reden": reden}, user=user)
    return deelname


def enforce_binding_for_all(besluit: Besluit, user=None) -> int:
    """From the decision's date every municipality takes part (called inside decide/amend)."""
    voorziening = besluit.voorziening
    existing = set(
        Deelname.objects.filter(voorziening=voorziening, tot__isnull=True).values_list(
            "gemeente_id", flat=True
        )
    )
    # Running participations move to the binding decision version.
    Deelname.objects.filter(voorziening=voorziening, tot__isnull=True).update(besluit=besluit)
    nieuw = [
        Deelname(
            gemeente=g,
            voorziening=voorziening,
            besluit=besluit,
            herkomst=Deelname.Herkomst.ALGEMEEN_BINDEND,
            status=Status.GEINTERESSEERD,
            sinds=besluit.datum,
        )
        for g in Gemeente.objects.op(besluit.datum).exclude(pk__in=existing)
    ]
    created = Deelname.objects.bulk_create(nieuw)
    Statuswijziging.objects.bulk_create(
        Statuswijziging(
            deelname=d,
            status=d.status,
            datum=besluit.datum,
            toelichting=f"algemeen bindend besluit {besluit.nummer}",
        )
        for d in created
    )
    record(
        Actie.AANMAKEN,
        besluit,
        na={"deelnames_aangemaakt": len(created)},
        user=user,
        toelichting="deelnames door algemeen bindend besluit",
        object_type="deelnames.deelname",
    )
    return len(created)


@transaction.atomic
def apply_herindelingen(tot_en_met: dt.date, user=None) -> dict[str, int]:
    """Pass running participations of dissolved municipalities to their successors, in date
    order: the original is ended on the herindeling date and points to the successor's
    participation; on a merger the most advanced status counts, on a split every successor that
    received a part takes part. Idempotent: a second run finds nothing to move."""
    from samen.deelnames.models import VOORTGANG, DeelnameOvergang
    from samen.gemeenten.models import Overgang

    problems: list[Problem] = []
    check_date(
        tot_en_met, field="tot", label="De datum 'tot en met'", when=When.PAST, problems=problems
    )
    if problems:
        raise DomainError("Er zijn geen herindelingen toegepast.", problems)
    moved = created = 0
    overgangen = (
        Overgang.objects.filter(herindeling__datum__lte=tot_en_met)
        .select_related("herindeling", "voorganger", "opvolger")
        .order_by("herindeling__datum", "voorganger__code", "opvolger__code")
    )
    by_date: dict[dt.date, list[Overgang]] = {}
    for o in overgangen:
        by_date.setdefault(o.herindeling.datum, []).append(o)
    for datum, links in sorted(by_date.items()):
        old_ids = {o.voorganger_id for o in links}
        running = list(
            Deelname.objects.filter(gemeente_id__in=old_ids, tot__isnull=True, sinds__lt=datum)
            .select_related("gemeente")
            .order_by("id")
        )
        for old in running:
            for link in (o for o in links if o.voorganger_id == old.gemeente_id):
                target = Deelname.objects.filter(
                    gemeente_id=link.opvolger_id,
                    voorziening_id=old.voorziening_id,
                    tot__isnull=True,
                ).first()
                if target is None:
                    target = Deelname.objects.create(
                        gemeente_id=link.opvolger_id,
                        voorziening_id=old.voorziening_id,
                        besluit_id=old.besluit_id,
                        herkomst=Deelname.Herkomst.HERINDELING,
                        status=old.status,
                        sinds=datum,
                        gepland_op=old.gepland_op,
                        live_op=old.live_op,
                        voorganger=old,
                    )
                    Statuswijziging.objects.create(
                        deelname=target,
                        status=old.status,
                        datum=datum,
                        toelichting=f"overgegaan van {old.gemeente.naam} bij herindeling",
                    )
                    created += 1
                elif VOORTGANG[old.status] > VOORTGANG[target.status]:
                    target.status = old.status
                    target.live_op = target.live_op or old.live_op
                    target.save(update_fields=["status", "live_op"])
                    Statuswijziging.objects.create(
                        deelname=target,
                        status=old.status,
                        datum=datum,
                        toelichting=f"verste status van {old.gemeente.naam} bij herindeling",
                    )
                DeelnameOvergang.objects.get_or_create(van=old, naar=target, overgang=link)
            old.tot = datum
            old.save(update_fields=["tot"])
            moved += 1
            record(
                Actie.WIJZIGEN,
                old,
                voor={"tot": None},
                na={
                    "tot": datum,
                    "overgegaan_naar": [
                        o.opvolger.code for o in links if o.voorganger_id == old.gemeente_id
                    ],
                },
                user=user,
                toelichting="herindeling",
            )
    return {"overgegaan": moved, "aangemaakt": created}


@transaction.atomic
def tick_step(deelname: Deelname, stap, datum: dt.date, user=None, afgevinkt: bool = True):
    """Tick (or untick) one implementation step of a participation."""
    from samen.deelnames.models import AfgevinkteStap

    if stap.voorziening_id != deelname.voorziening_id:
        raise DomainError("Niet opgeslagen.", [Problem("stap", "hoort niet bij deze voorziening")])
    problems: list[Problem] = []
    check_date(datum, field="datum", label="De datum", when=When.PAST, problems=problems)
    if problems:
        raise DomainError("Niet opgeslagen.", problems)
    if afgevinkt:
        _, created = AfgevinkteStap.objects.get_or_create(
            deelname=deelname, stap=stap, defaults={"datum": datum, "door": label(user)}
        )
    else:
        created = bool(AfgevinkteStap.objects.filter(deelname=deelname, stap=stap).delete()[0])
    if created:
        record(
            Actie.WIJZIGEN,
            deelname,
            na={"stap": stap.omschrijving, "afgevinkt": afgevinkt, "datum": datum},
            user=user,
            toelichting="implementatiestap",
        )
    return created


@transaction.atomic
def ask_support(deelname: Deelname, vraag: str, datum: dt.date, user=None):
    from samen.deelnames.models import Ondersteuningsverzoek

    problems: list[Problem] = []
    if not vraag.strip():
        problems.append(Problem("vraag", "verplicht", "required"))
    check_date(datum, field="datum", label="De datum", when=When.PAST, problems=problems)
    if problems:
        raise DomainError("Niet ingediend.", problems)
    verzoek = Ondersteuningsverzoek.objects.create(
        deelname=deelname, vraag=vraag.strip(), ingediend_op=datum, ingediend_door=label(user)
    )
    record(Actie.AANMAKEN, verzoek, na=snapshot(verzoek), user=user)
    return verzoek


@transaction.atomic
def assign_support(verzoek, aan: str, user=None):
    from samen.deelnames.models import Ondersteuningsverzoek

    verzoek = Ondersteuningsverzoek.objects.select_for_update().get(pk=verzoek.pk)
    if verzoek.status == Ondersteuningsverzoek.Status.AFGEROND:
        raise Conflict("Dit verzoek is al afgerond.")
    if not aan.strip():
        raise DomainError("Niet toegewezen.", [Problem("toegewezenAan", "verplicht", "required")])
    before = snapshot(verzoek)
    verzoek.status = Ondersteuningsverzoek.Status.TOEGEWEZEN
    verzoek.toegewezen_aan = aan.strip()
    verzoek.save(update_fields=["status", "toegewezen_aan"])
    record(Actie.WIJZIGEN, verzoek, voor=before, na=snapshot(verzoek), user=user)
    return verzoek


@transaction.atomic
def close_support(verzoek, verslag: str, datum: dt.date, user=None):
    from samen.deelnames.models import Ondersteuningsverzoek

    verzoek = Ondersteuningsverzoek.objects.select_for_update().get(pk=verzoek.pk)
    if verzoek.status != Ondersteuningsverzoek.Status.TOEGEWEZEN:
        raise Conflict("Alleen een toegewezen verzoek wordt afgerond.")
    problems: list[Problem] = []
    check_date(
        datum,
        field="datum",
        label="De datum van afronden",
        when=When.PAST,
        problems=problems,
        earliest=verzoek.ingediend_op,
    )
    if problems:
        raise DomainError("Niet afgerond.", problems)
    before = snapshot(verzoek)
    verzoek.status = Ondersteuningsverzoek.Status.AFGEROND
    verzoek.afgerond_op = datum
    verzoek.verslag = verslag
    verzoek.save(update_fields=["status", "afgerond_op", "verslag"])
    record(Actie.WIJZIGEN, verzoek, voor=before, na=snapshot(verzoek), user=user)
    return verzoek


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


@transaction.atomic
def join_for_cooperation(
    verband, voorziening: Voorziening, besluit: Besluit | None, datum: dt.date, user=None
) -> list[Deelname]:
    """A cooperation of municipalities joins for all its members, all or nothing: every member
    accepts the same decision version; a member that already takes part is reported."""
    from samen.accounts.models import Organisatie

    if verband.soort != Organisatie.Soort.SAMENWERKINGSVERBAND:
        raise DomainError(
            "Niet aangemeld.", [Problem("namens", "alleen een samenwerkingsverband meldt aan")]
        )
    leden = list(verband.leden.order_by("code"))
    if not leden:
        raise DomainError("Niet aangemeld.", [Problem("namens", "het verband heeft geen leden")])
    result = []
    for gemeente in leden:
        try:
            deelname = join(gemeente, voorziening, besluit, datum, user=user)
        except DomainError as error:
            raise DomainError(
                f"{verband.naam}: niemand aangemeld ({gemeente.naam}: {error.message})",
                [Problem(f"leden.{gemeente.code}", p.reason, p.code) for p in error.problems]
                or [Problem(f"leden.{gemeente.code}", error.message)],
                error.status,
            ) from error
        Deelname.objects.filter(pk=deelname.pk).update(namens=verband)
        result.append(deelname)
    return result
