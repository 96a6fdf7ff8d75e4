"""State changes of the members' meeting. One transaction each, every problem listed, every
change audited. A ballot's audit row says that it was cast or changed, by whom and when, with
the choice sealed ("verzegeld"); closing records, per proposal, how each municipality voted.

``user=None`` is the system (the demo loader)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.db.models import Max

from samen.accounts.models import Rol
from samen.accounts.permissions import allowed
from samen.audit.models import Actie
from samen.audit.services import record
from samen.core import clock
from samen.core.actors import authenticated
from samen.core.errors import Conflict, DomainError, NotFound, Problem
from samen.core.money import MoneyError, parse_amount
from samen.gemeenten import queries as gq
from samen.gemeenten import rules
from samen.gemeenten.models import Gemeente
from samen.ledenvergadering import queries, tally
from samen.ledenvergadering.models import (
    Amendement,
    Ledenvergadering,
    Medeondertekening,
    Stem,
    Stemgerechtigde,
    Stemgewicht,
    StemgewichtKlasse,
    Stemgewichttabel,
    Voorstel,
)

VERZEGELD = "verzegeld"
S = Ledenvergadering.Status


def _office(user, message: str) -> None:
    if user is not None and not allowed(user, "ledenvergadering.beheren"):
        raise DomainError(message, [Problem("rol", "alleen het programmabureau", "forbidden")], 403)


def _contact(user, message: str) -> Gemeente:
    if user is None or getattr(user, "rol", None) != Rol.GEMEENTE or user.gemeente_id is None:
        raise DomainError(
            message,
            [Problem("rol", "alleen een contactpersoon van een gemeente", "forbidden")],
            403,
        )
    return user.gemeente


def _lock(vergadering: Ledenvergadering) -> Ledenvergadering:
    return Ledenvergadering.objects.select_for_update().get(pk=vergadering.pk)


# ---------------------------------------------------------------- the vote-weight table


@transaction.atomic
def enter_table(jaar, klassen, toelichting: str = "", voorbeeld: bool = False, user=None):
    """A table of population classes → votes from year ``jaar`` on (replaces one of that year
    as long as no meeting froze its weights with it)."""
    message = "De stemgewichttabel is niet opgeslagen."
    _office(user, message)
    problems: list[Problem] = []
    try:
        jaar = int(jaar)
        if not 1990 <= jaar <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(Problem("jaar", "een jaar tussen 1990 en 2100"))
    try:
        parsed = [tally.Klasse(int(v), int(s)) for v, s in klassen]
    except (TypeError, ValueError):
        parsed = []
        problems.append(
            Problem("klassen", "elke klasse: vanaf (inwoners) en stemmen, gehele getallen")
        )
    else:
        problems += [Problem("klassen", p) for p in tally.check_klassen(parsed)]
    if problems:
        raise DomainError(message, problems)
    existing = Stemgewichttabel.objects.filter(jaar=jaar).first()
    before = None
    if existing is not None:
        if Ledenvergadering.objects.filter(gewichttabel=existing).exists():
            raise Conflict(
                message, [Problem("jaar", "deze tabel is al gebruikt; voer een nieuw jaar in")]
            )
        before = {"klassen": [(k.vanaf, k.stemmen) for k in existing.klassen()]}
        existing.delete()
    tabel = Stemgewichttabel.objects.create(jaar=jaar, toelichting=toelichting, voorbeeld=voorbeeld)
    StemgewichtKlasse.objects.bulk_create(
        StemgewichtKlasse(tabel=tabel, vanaf=k.vanaf, stemmen=k.stemmen) for k in parsed
    )
    record(
        Actie.WIJZIGEN if before else Actie.AANMAKEN,
        tabel,
        voor=before,
        na={"jaar": jaar, "klassen": [(k.vanaf, k.stemmen) for k in parsed]},
        user=user,
    )
    return tabel


# ---------------------------------------------------------------- meetings and agenda


@transaction.atomic
def create_meeting(
    soort,
    titel,
    datum,
    stemmen_tot,
    amendementen_tot=None,
    min_medeondertekenaars=1,
    voorbeeld=False,
    gremium_vergadering=None,
    user=None,
) -> Ledenvergadering:
    message = "De ledenvergadering is niet aangemaakt."
    _office(user, message)
    problems: list[Problem] = []
    if soort not in Ledenvergadering.Soort.values:
        problems.append(Problem("soort", "ALV, BALV of ledenraadpleging"))
    if not (titel or "").strip():
        problems.append(Problem("titel", "verplicht", "required"))
    if not isinstance(datum, dt.date):
        problems.append(Problem("datum", "verplicht: een datum", "required"))
    if not isinstance(stemmen_tot, dt.datetime):
        problems.append(Problem("stemmen_tot", "verplicht: datum en tijd", "required"))
    if (
        amendementen_tot is not None
        and isinstance(stemmen_tot, dt.datetime)
        and (amendementen_tot > stemmen_tot)
    ):
        problems.append(Problem("amendementen_tot", "ligt na de sluiting van de stemming"))
    try:
        minimum = int(min_medeondertekenaars)
        if minimum < 0:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(Problem("min_medeondertekenaars", "een geheel getal, 0 of meer"))
        minimum = 0
    if problems:
        raise DomainError(message, problems)
    v = Ledenvergadering.objects.create(
        soort=soort,
        titel=titel.strip(),
        datum=datum,
        stemmen_tot=stemmen_tot,
        amendementen_tot=amendementen_tot,
        min_medeondertekenaars=minimum,
        voorbeeld=voorbeeld,
        gremium_vergadering=gremium_vergadering,
    )
    record(Actie.AANMAKEN, v, na={"soort": soort, "titel": v.titel, "datum": datum}, user=user)
    return v


def _default_rule(soort: str) -> tally.Regel:
    return tally.TWEE_DERDE if soort == Voorstel.Soort.STATUTEN else tally.GEWONE_MEERDERHEID


@transaction.atomic
def add_proposal(
    vergadering,
    code,
    soort,
    titel,
    tekst="",
    opties=None,
    fonds=None,
    jaar=None,
    per_inwoner=None,
    arrangement=None,
    nieuw_laatste_jaar=None,
    documenten="",
    quorum=None,
    meerderheid=None,
    strikt=None,
    bekrachtigt=None,
    user=None,
) -> Voorstel:
    message = "Het voorstel is niet toegevoegd."
    _office(user, message)
    vergadering = _lock(vergadering)
    if vergadering.status != S.CONCEPT:
        raise Conflict(message, [Problem("vergadering", "de agenda is al gepubliceerd")])
    problems: list[Problem] = []
    if soort not in Voorstel.Soort.values:
        problems.append(Problem("soort", "onbekende soort"))
    if not (code or "").strip() or not (titel or "").strip():
        problems.append(Problem("titel", "agendapunt en titel zijn verplicht", "required"))
    rate = None
    if soort == Voorstel.Soort.FONDS:
        if fonds is None or jaar is None:
            problems.append(Problem("fonds", "een fondsvoorstel noemt fonds en jaar", "required"))
        try:
            rate = parse_amount(per_inwoner, places=4) if per_inwoner is not None else None
        except MoneyError as exc:
            problems.append(Problem("per_inwoner", str(exc)))
        if rate is None and not problems:
            problems.append(Problem("per_inwoner", "bijdrage per inwoner verplicht", "required"))
    if soort == Voorstel.Soort.ARRANGEMENT and (arrangement is None or not nieuw_laatste_jaar):
        problems.append(Problem("arrangement", "arrangement en nieuw laatste jaar", "required"))
    opties = list(opties or [])
    if opties and (len(set(opties)) != len(opties) or len(opties) < 2):
        problems.append(Problem("opties", "ten minste twee verschillende keuzes"))
    regel = _default_rule(soort)
    try:
        regel = tally.Regel(
            quorum=Fraction(str(quorum)) if quorum is not None else regel.quorum,
            meerderheid=Fraction(str(meerderheid))
            if meerderheid is not None
            else regel.meerderheid,
            strikt=regel.strikt if strikt is None else bool(strikt),
        )
    except (ValueError, ZeroDivisionError, tally.TallyError):
        problems.append(Problem("meerderheid", "quorum en meerderheid tussen 0 en 1"))
    if bekrachtigt is not None and (
        bekrachtigt.soort != Ledenvergadering.Soort.LEDENRAADPLEGING
        or vergadering.soort == Ledenvergadering.Soort.LEDENRAADPLEGING
        or not bekrachtigt.gesloten
    ):
        problems.append(Problem("bekrachtigt", "een ALV bekrachtigt een gesloten ledenraadpleging"))
    if Voorstel.objects.filter(vergadering=vergadering, code=(code or "").strip()).exists():
        problems.append(Problem("code", "dit agendapunt bestaat al"))
    if problems:
        raise DomainError(message, problems)
    volgnummer = (vergadering.voorstellen.aggregate(m=Max("volgnummer"))["m"] or 0) + 1
    v = Voorstel.objects.create(
        vergadering=vergadering,
        volgnummer=volgnummer,
        code=code.strip(),
        soort=soort,
        titel=titel.strip(),
        tekst=tekst,
        opties=opties,
        fonds=fonds,
        jaar=jaar,
        per_inwoner=rate,
        arrangement=arrangement,
        nieuw_laatste_jaar=nieuw_laatste_jaar,
        documenten=documenten,
        bekrachtigt=bekrachtigt,
        quorum=Decimal(regel.quorum.numerator) / Decimal(regel.quorum.denominator),
        meerderheid=(
            Decimal(regel.meerderheid.numerator) / Decimal(regel.meerderheid.denominator)
        ).quantize(Decimal("0.0001")),
        strikt=regel.strikt,
    )
    v._regel = regel  # type: ignore[attr-defined]
    record(
        Actie.AANMAKEN,
        v,
        na={"vergadering": vergadering.uuid, "code": v.code, "soort": soort, "titel": v.titel},
        user=user,
    )
    return v


def _rule_of(voorstel: Voorstel) -> tally.Regel:
    """The rule as entered (two-thirds kept exact, not 0.6667)."""
    regel = getattr(voorstel, "_regel", None)
    if regel is not None:
        return regel
    m = Fraction(voorstel.meerderheid)
    if m == Fraction("0.6667"):
        m = Fraction(2, 3)
    return tally.Regel(quorum=Fraction(voorstel.quorum), meerderheid=m, strikt=voorstel.strikt)


def _weights_for(datum: dt.date, tabel: Stemgewichttabel) -> tuple[int, dict[str, tuple[int, int]]]:
    """(source year, {code: (inhabitants, votes)}) for the municipalities of ``datum``: the
    population rule for the meeting's year, carried to the meeting's date (after a herindeling
    on or before that date the successor votes with its predecessors' inhabitants)."""
    bevolking = gq.bevolking_voor_jaar(datum.year)
    counts, _ = rules.map_counts(bevolking.per_gemeente, gq.links(), bevolking.peildatum, datum)
    bestaand = set(Gemeente.objects.op(datum).values_list("code", flat=True))
    klassen = tabel.klassen()
    return bevolking.bronjaar, {
        code: (n, tally.stemmen_voor(n, klassen)) for code, n in counts.items() if code in bestaand
    }


@transaction.atomic
def publish_agenda(vergadering, user=None) -> Ledenvergadering:
    """Publish the agenda and freeze every municipality's weight."""
    message = "De agenda is niet gepubliceerd."
    _office(user, message)
    vergadering = _lock(vergadering)
    if vergadering.status != S.CONCEPT:
        raise Conflict(message, [Problem("status", "de agenda is al gepubliceerd")])
    problems: list[Problem] = []
    if not vergadering.voorstellen.exists():
        problems.append(Problem("voorstellen", "de agenda heeft geen voorstellen"))
    tabel = Stemgewichttabel.objects.filter(jaar__lte=vergadering.datum.year).first()
    if tabel is None:
        problems.append(
            Problem("gewichttabel", f"geen stemgewichttabel voor {vergadering.datum.year}")
        )
    weights: dict[str, tuple[int, int]] = {}
    bronjaar = None
    if tabel is not None:
        try:
            bronjaar, weights = _weights_for(vergadering.datum, tabel)
        except gq.PopulationUnavailable as exc:
            problems.append(Problem("datum", str(exc)))
    if problems:
        raise DomainError(message, problems)
    assert tabel is not None  # narrowed: its problem raised above
    ids = dict(Gemeente.objects.filter(code__in=weights).values_list("code", "pk"))
    Stemgewicht.objects.bulk_create(
        Stemgewicht(vergadering=vergadering, gemeente_id=ids[c], inwoners=n, stemmen=s)
        for c, (n, s) in sorted(weights.items())
    )
    vergadering.status = S.AGENDA
    vergadering.gewichttabel = tabel
    vergadering.bronjaar = bronjaar
    vergadering.gewichten_bevroren_op = clock.now()
    vergadering.save()
    record(
        Actie.WIJZIGEN,
        vergadering,
        voor={"status": S.CONCEPT},
        na={
            "status": S.AGENDA,
            "gewichttabel": tabel.jaar,
            "bronjaar": bronjaar,
            "gemeenten": len(weights),
            "stemmen": sum(s for _, s in weights.values()),
        },
        user=user,
        toelichting="agenda gepubliceerd, stemgewichten vastgelegd",
    )
    return vergadering


# ---------------------------------------------------------------- voters and amendments


def _entitled(vergadering, gemeente) -> bool:
    return Stemgewicht.objects.filter(vergadering=vergadering, gemeente=gemeente).exists()


@transaction.atomic
def designate(vergadering, gebruiker, user=None) -> Stemgerechtigde:
    """The gemeentesecretaris designates who votes for the municipality in this meeting."""
    message = "De stemgerechtigde is niet aangewezen."
    if user is not None:
        gemeente = _contact(user, message)
        if not user.gemeentesecretaris:
            raise DomainError(
                message,
                [Problem("rol", "alleen de gemeentesecretaris wijst aan", "forbidden")],
                403,
            )
    else:
        gemeente = gebruiker.gemeente
    vergadering = _lock(vergadering)
    problems: list[Problem] = []
    if vergadering.status != S.AGENDA:
        problems.append(Problem("vergadering", "aanwijzen kan zolang de stemming open is"))
    if (
        gebruiker.rol != Rol.GEMEENTE
        or gebruiker.gemeente_id != gemeente.pk
        or not gebruiker.is_active
    ):
        problems.append(Problem("gebruiker", "een actieve contactpersoon van de eigen gemeente"))
    if not _entitled(vergadering, gemeente):
        problems.append(Problem("gemeente", "niet stemgerechtigd in deze vergadering"))
    if problems:
        raise DomainError(message, problems)
    existing = Stemgerechtigde.objects.filter(vergadering=vergadering, gemeente=gemeente).first()
    before = {"gebruiker": existing.gebruiker.get_username()} if existing else None
    s, _ = Stemgerechtigde.objects.update_or_create(
        vergadering=vergadering,
        gemeente=gemeente,
        defaults={"gebruiker": gebruiker, "aangewezen_door": authenticated(user)},
    )
    record(
        Actie.WIJZIGEN if existing else Actie.AANMAKEN,
        s,
        voor=before,
        na={
            "vergadering": vergadering.uuid,
            "gemeente": gemeente.code,
            "gebruiker": gebruiker.get_username(),
        },
        user=user,
    )
    return s


@transaction.atomic
def file_amendment(voorstel, tekst, per_inwoner=None, user=None, gemeente=None) -> Amendement:
    message = "Het amendement is niet ingediend."
    gemeente = _contact(user, message) if user is not None else gemeente
    vergadering = _lock(voorstel.vergadering)
    problems: list[Problem] = []
    if vergadering.status != S.AGENDA:
        problems.append(Problem("vergadering", "amenderen kan alleen bij een gepubliceerde agenda"))
    elif vergadering.amendementen_tot is None or clock.now() > vergadering.amendementen_tot:
        problems.append(Problem("amendementen_tot", "de termijn voor amendementen is verstreken"))
    if not _entitled(vergadering, gemeente):
        problems.append(Problem("gemeente", "niet stemgerechtigd in deze vergadering"))
    if not (tekst or "").strip():
        problems.append(Problem("tekst", "verplicht", "required"))
    rate = None
    if per_inwoner not in (None, ""):
        try:
            rate = parse_amount(per_inwoner, places=4)
        except MoneyError as exc:
            problems.append(Problem("per_inwoner", str(exc)))
    if problems:
        raise DomainError(message, problems)
    nummer = (voorstel.amendementen.aggregate(m=Max("nummer"))["m"] or 0) + 1
    a = Amendement.objects.create(
        voorstel=voorstel,
        nummer=nummer,
        gemeente=gemeente,
        ingediend_door=authenticated(user),
        tekst=tekst.strip(),
        per_inwoner=rate,
    )
    record(
        Actie.AANMAKEN,
        a,
        na={
            "voorstel": voorstel.uuid,
            "gemeente": gemeente.code,
            "tekst": a.tekst,
            "per_inwoner": rate,
        },
        user=user,
    )
    return a


@transaction.atomic
def cosign(amendement, user=None, gemeente=None) -> Medeondertekening:
    message = "Het amendement is niet medeondertekend."
    gemeente = _contact(user, message) if user is not None else gemeente
    vergadering = _lock(amendement.voorstel.vergadering)
    problems: list[Problem] = []
    if vergadering.status != S.AGENDA or (
        vergadering.amendementen_tot and clock.now() > vergadering.amendementen_tot
    ):
        problems.append(Problem("amendementen_tot", "de termijn voor amendementen is verstreken"))
    if gemeente.pk == amendement.gemeente_id:
        problems.append(Problem("gemeente", "de indiener ondertekent niet mee"))
    elif amendement.medeondertekeningen.filter(gemeente=gemeente).exists():
        problems.append(Problem("gemeente", "al medeondertekend"))
    if not _entitled(vergadering, gemeente):
        problems.append(Problem("gemeente", "niet stemgerechtigd in deze vergadering"))
    if problems:
        raise DomainError(message, problems)
    m = Medeondertekening.objects.create(
        amendement=amendement, gemeente=gemeente, gebruiker=authenticated(user)
    )
    record(
        Actie.AANMAKEN,
        amendement,
        na={"medeondertekend_door": gemeente.code},
        user=user,
        toelichting="medeondertekening",
    )
    return m


@transaction.atomic
def preadvise(amendement, preadvies, tekst="", user=None) -> Amendement:
    message = "Het preadvies is niet vastgelegd."
    _office(user, message)
    if preadvies not in Amendement.Preadvies.values or not preadvies:
        raise DomainError(message, [Problem("preadvies", "overnemen, ontraden of neutraal")])
    before = {"preadvies": amendement.preadvies}
    amendement.preadvies, amendement.preadvies_tekst = preadvies, tekst
    amendement.save(update_fields=["preadvies", "preadvies_tekst"])
    record(
        Actie.WIJZIGEN,
        amendement,
        voor=before,
        na={"preadvies": preadvies, "tekst": tekst},
        user=user,
    )
    return amendement


# ---------------------------------------------------------------- ballots


@transaction.atomic
def cast(voorstel, keuze, user, amendement=None) -> Stem:
    """The designated voter casts or changes the municipality's ballot; refused after the
    deadline. The audit row holds the choice sealed."""
    message = "De stem is niet uitgebracht."
    gemeente = _contact(user, message)
    vergadering = Ledenvergadering.objects.get(pk=voorstel.vergadering_id)
    problems: list[Problem] = []
    if vergadering.status != S.AGENDA:
        raise Conflict(message, [Problem("vergadering", "de stemming is niet open")])
    if clock.now() > vergadering.stemmen_tot:
        raise Conflict(message, [Problem("stemmen_tot", "de stemming is gesloten")])
    if not Stemgerechtigde.objects.filter(
        vergadering=vergadering, gemeente=gemeente, gebruiker=user
    ).exists():
        raise DomainError(
            message,
            [
                Problem(
                    "stemgerechtigde",
                    "u bent niet aangewezen om voor uw gemeente te stemmen",
                    "forbidden",
                )
            ],
            403,
        )
    if amendement is not None:
        if amendement.voorstel_id != voorstel.pk:
            raise NotFound("Amendement niet gevonden.")
        if not queries.admitted(amendement):
            problems.append(Problem("amendement", "onvoldoende medeondertekend"))
        opties = tally.JA_NEE
    else:
        opties = voorstel.keuzes()
    if keuze not in opties:
        problems.append(Problem("keuze", "kies uit: " + ", ".join(opties)))
    if problems:
        raise DomainError(message, problems)
    stem = (
        Stem.objects.select_for_update()
        .filter(voorstel=voorstel, amendement=amendement, gemeente=gemeente)
        .first()
    )
    actie = Actie.WIJZIGEN
    if stem is None:
        try:
            with transaction.atomic():
                stem = Stem.objects.create(
                    voorstel=voorstel,
                    amendement=amendement,
                    gemeente=gemeente,
                    keuze=keuze,
                    uitgebracht_door=user,
                )
            actie = Actie.AANMAKEN
        except IntegrityError:  # a parallel first ballot of the same municipality: change it
            stem = Stem.objects.select_for_update().get(
                voorstel=voorstel, amendement=amendement, gemeente=gemeente
            )
    if actie == Actie.WIJZIGEN:
        stem.keuze, stem.uitgebracht_door = keuze, user
        stem.versie += 1
        stem.save(update_fields=["keuze", "uitgebracht_door", "versie", "gewijzigd_op"])
    record(
        actie,
        stem,
        na={
            "gemeente": gemeente.code,
            "voorstel": voorstel.code,
            "amendement": amendement.nummer if amendement else None,
            "keuze": VERZEGELD,
            "versie": stem.versie,
        },
        user=user,
        toelichting="stem uitgebracht" if actie == Actie.AANMAKEN else "stem gewijzigd",
    )
    return stem


# ---------------------------------------------------------------- closing and effects


def _uitslag_json(u: tally.Uitslag, per_gemeente: dict[str, str]) -> dict:
    return {
        "opties": list(u.opties),
        "totalen": u.totalen,
        "aantallen": u.aantallen,
        "percentages": {k: str(v) for k, v in u.percentages.items()},
        "stemgerechtigd_aantal": u.stemgerechtigd_aantal,
        "stemgerechtigd_gewicht": u.stemgerechtigd_gewicht,
        "uitgebracht_aantal": u.uitgebracht_aantal,
        "uitgebracht_gewicht": u.uitgebracht_gewicht,
        "opkomst": str(u.opkomst),
        "opkomst_gewicht": str(u.opkomst_gewicht),
        "quorum_gehaald": u.quorum_gehaald,
        "per_gemeente": per_gemeente,
    }


@transaction.atomic
def close(vergadering, user=None) -> Ledenvergadering:
    """Close the vote: count amendments first, then each proposal; apply the effect of an
    adopted fund or arrangement proposal (with the link back to it)."""
    message = "De stemming is niet gesloten."
    _office(user, message)
    vergadering = _lock(vergadering)
    if vergadering.status != S.AGENDA:
        raise Conflict(message, [Problem("status", "alleen een open stemming wordt gesloten")])
    gewicht = dict(vergadering.gewichten.values_list("gemeente__code", "stemmen"))
    ballots: dict[tuple[int, int | None], list[tuple[str, str]]] = {}
    for vid, aid, code, keuze in Stem.objects.filter(voorstel__vergadering=vergadering).values_list(
        "voorstel_id", "amendement_id", "gemeente__code", "keuze"
    ):
        ballots.setdefault((vid, aid), []).append((code, keuze))
    for voorstel in vergadering.voorstellen.prefetch_related("amendementen"):
        aangenomen: Amendement | None = None
        for a in voorstel.amendementen.all():
            stemmen = sorted(ballots.get((voorstel.pk, a.pk), []))
            u = tally.tel(stemmen, gewicht, tally.JA_NEE, tally.GEWONE_MEERDERHEID)
            a.uitkomst, a.winnaar, a.uitslag = (
                u.uitkomst,
                u.winnaar or "",
                _uitslag_json(u, dict(stemmen)),
            )
            a.save(update_fields=["uitkomst", "winnaar", "uitslag"])
            record(
                Actie.WIJZIGEN,
                a,
                na={"uitkomst": u.uitkomst, "stemmen": dict(stemmen)},
                user=user,
                toelichting="stemming gesloten, stemmen ontzegeld",
            )
            if u.uitkomst == tally.AANGENOMEN:
                aangenomen = a
        stemmen = sorted(ballots.get((voorstel.pk, None), []))
        u = tally.tel(stemmen, gewicht, voorstel.keuzes(), _rule_of(voorstel))
        voorstel.uitkomst, voorstel.winnaar = u.uitkomst, u.winnaar or ""
        voorstel.uitslag = _uitslag_json(u, dict(stemmen))
        rate = _adopted_rate(voorstel, u, aangenomen)
        if rate is not None:
            from samen.fonds.services import set_contribution

            voorstel.bijdrageregeling = set_contribution(
                voorstel.fonds,
                voorstel.jaar,
                per_inwoner=rate,
                user=user,
                toelichting=f"Besluit {vergadering}, agendapunt {voorstel.code}",
            )
        if voorstel.soort == Voorstel.Soort.ARRANGEMENT and u.uitkomst == tally.AANGENOMEN:
            from samen.aanbieders.services import record_renewal

            voorstel.verlenging = record_renewal(
                voorstel.arrangement,
                clock.today(),
                True,
                voorstel.nieuw_laatste_jaar,
                toelichting=f"Stemming {vergadering}, agendapunt {voorstel.code}",
                user=user,
                voorbeeld=vergadering.voorbeeld,
            )
        voorstel.save(
            update_fields=["uitkomst", "winnaar", "uitslag", "bijdrageregeling", "verlenging"]
        )
        record(
            Actie.WIJZIGEN,
            voorstel,
            na={"uitkomst": u.uitkomst, "winnaar": u.winnaar, "stemmen": dict(stemmen)},
            user=user,
            toelichting="stemming gesloten, stemmen ontzegeld",
        )
    vergadering.status = S.GESLOTEN
    vergadering.gesloten_op = clock.now()
    vergadering.save(update_fields=["status", "gesloten_op"])
    record(
        Actie.WIJZIGEN,
        vergadering,
        voor={"status": S.AGENDA},
        na={"status": S.GESLOTEN},
        user=user,
        toelichting="stemming gesloten",
    )
    return vergadering


def _adopted_rate(voorstel: Voorstel, u: tally.Uitslag, amendement: Amendement | None):
    """The contribution per inhabitant the vote adopted, or None (rejected, or not a fund
    proposal). Alternatives are named ``voorstel`` and ``amendement-<nummer>``."""
    if voorstel.soort != Voorstel.Soort.FONDS or voorstel.fonds_id is None:
        return None
    if u.uitkomst == tally.AANGENOMEN:
        if amendement is not None and amendement.per_inwoner is not None:
            return amendement.per_inwoner
        return voorstel.per_inwoner
    if u.uitkomst == tally.GEKOZEN and u.winnaar:
        if u.winnaar == "voorstel":
            return voorstel.per_inwoner
        if u.winnaar.startswith("amendement-"):
            a = voorstel.amendementen.filter(nummer=u.winnaar.split("-", 1)[1]).first()
            return a.per_inwoner if a is not None else None
    return None


@transaction.atomic
def publish_results(vergadering, user=None) -> Ledenvergadering:
    message = "De uitslag is niet gepubliceerd."
    _office(user, message)
    vergadering = _lock(vergadering)
    if vergadering.status != S.GESLOTEN:
        raise Conflict(message, [Problem("status", "eerst de stemming sluiten")])
    vergadering.status = S.GEPUBLICEERD
    vergadering.gepubliceerd_op = clock.now()
    vergadering.save(update_fields=["status", "gepubliceerd_op"])
    record(
        Actie.WIJZIGEN,
        vergadering,
        voor={"status": S.GESLOTEN},
        na={"status": S.GEPUBLICEERD},
        user=user,
        toelichting="uitslag gepubliceerd",
    )
    return vergadering


@transaction.atomic
def record_counted_ballots(voorstel, keuzes: dict, amendement=None, user=None) -> int:
    """The ballots counted outside Samen (in the room at an ALV/BALV, or on paper), entered by
    the programme office as one batch: one ballot per municipality, replacing none (a
    municipality that already voted in Samen keeps its ballot). One audit row, choices sealed."""
    message = "De getelde stemmen zijn niet vastgelegd."
    _office(user, message)
    vergadering = _lock(voorstel.vergadering)
    if vergadering.status != S.AGENDA:
        raise Conflict(message, [Problem("vergadering", "de stemming is niet open")])
    opties = tally.JA_NEE if amendement is not None else voorstel.keuzes()
    ids = dict(vergadering.gewichten.values_list("gemeente__code", "gemeente_id"))
    problems = [
        Problem(f"keuzes.{code}", "niet stemgerechtigd") for code in sorted(set(keuzes) - set(ids))
    ] + [
        Problem(f"keuzes.{code}", "kies uit: " + ", ".join(opties))
        for code, k in sorted(keuzes.items())
        if k not in opties
    ]
    if problems:
        raise DomainError(message, problems)
    done = set(
        Stem.objects.filter(voorstel=voorstel, amendement=amendement).values_list(
            "gemeente__code", flat=True
        )
    )
    new = [
        Stem(
            voorstel=voorstel,
            amendement=amendement,
            gemeente_id=ids[code],
            keuze=k,
            uitgebracht_door=authenticated(user),
        )
        for code, k in sorted(keuzes.items())
        if code not in done
    ]
    Stem.objects.bulk_create(new)
    record(
        Actie.AANMAKEN,
        amendement or voorstel,
        na={"stemmen": len(new), "keuze": VERZEGELD},
        user=user,
        toelichting="getelde stemmen ingevoerd",
    )
    return len(new)
