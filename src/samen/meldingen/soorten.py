"""The kinds of notification: what Samen e-mails, on which change, to whom.

A ``Meldingsoort`` names the changes that cause it (object type and action of the audit row
that every service writes, ``samen.audit.services.record``) and a function that turns such a
row into the messages to send: for each, the recipients and the context of its e-mail template
(``meldingen/email/<key>.txt``). Informative kinds can be switched off per user on
``/account/meldingen``; formal ones (an invoice, a reminder) cannot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samen.meldingen import queries


@dataclass
class Bericht:
    """One message of a kind: to these users, with this template context, about this object."""

    ontvangers: list
    context: dict
    obj: object = None


@dataclass(frozen=True)
class Meldingsoort:
    key: str
    label: str  # as the preferences page names it
    uitleg: str  # when it is sent and to whom
    aanleidingen: frozenset[tuple[str, str]]  # (object_type, actie) of the audit rows
    berichten: Callable[[object, object], list[Bericht]] = field(compare=False)
    formeel: bool = False
    reden_formeel: str = ""  # why a formal kind cannot be switched off
    order: int = 100


_REGISTRY: dict[str, Meldingsoort] = {}


def register(soort: Meldingsoort) -> Meldingsoort:
    if soort.formeel and not soort.reden_formeel:
        raise ValueError(f"formal kind {soort.key} needs the reason it cannot be switched off")
    _REGISTRY[soort.key] = soort
    return soort


def get(key: str) -> Meldingsoort:
    return _REGISTRY[key]


def alle() -> list[Meldingsoort]:
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.key))


def voor(object_type: str, actie: str) -> list[Meldingsoort]:
    """The kinds a committed audit row of this object type and action may cause."""
    return [s for s in alle() if (object_type, actie) in s.aanleidingen]


def link(name: str, *args) -> str:
    """An absolute link to a page of Samen (SAMEN_BASE_URL + the path)."""
    return settings.SAMEN_BASE_URL.rstrip("/") + reverse(name, args=args)


# ---------------------------------------------------------------- the kinds


def _verzoek_wacht(regel, obj) -> list[Bericht]:
    from samen.accounts.models import Rol
    from samen.besluiten.models import BESTUUR, COLLEGE, TASKFORCE, Advies, Beoordeling, Verzoek

    if isinstance(obj, Verzoek):
        verzoek, rol, orgaan, stap = obj, Rol.TASKFORCE, TASKFORCE, _("de beoordeling")
    elif isinstance(obj, Beoordeling):
        verzoek, rol, orgaan, stap = obj.verzoek, Rol.COLLEGE, COLLEGE, _("het advies")
    elif isinstance(obj, Advies):
        verzoek, rol, orgaan, stap = obj.verzoek, Rol.BESTUUR, BESTUUR, _("het besluit")
    else:
        return []
    return [
        Bericht(
            queries.with_role(rol),
            {
                "onderwerp": _("Verzoek wacht op %(stap)s: %(titel)s")
                % {"stap": stap, "titel": verzoek.titel},
                "verzoek": verzoek,
                "orgaan": orgaan,
                "stap": stap,
                "url": link("besluiten:verzoek", verzoek.uuid),
            },
            verzoek,
        )
    ]


def _steun_gevraagd(regel, obj) -> list[Bericht]:
    from samen.besluiten.models import Steun, Verzoek

    if not isinstance(obj, Verzoek):
        return []
    gevraagd = [
        s.gemeente_id
        for s in Steun.objects.filter(verzoek=obj, status=Steun.Status.GEVRAAGD).order_by()
    ]
    if not gevraagd:
        return []
    return [
        Bericht(
            queries.contacts_of(gevraagd),
            {
                "onderwerp": _("Uw gemeente wordt om steun gevraagd: %(titel)s")
                % {"titel": obj.titel},
                "verzoek": obj,
                "url": link("besluiten:verzoek", obj.uuid),
            },
            obj,
        )
    ]


def _stem_gevraagd(regel, obj) -> list[Bericht]:
    from samen.ledenvergadering.models import Stemgerechtigde

    if not isinstance(obj, Stemgerechtigde):
        return []
    s = Stemgerechtigde.objects.select_related("vergadering", "gemeente", "gebruiker").get(
        pk=obj.pk
    )
    return [
        Bericht(
            [s.gebruiker],
            {
                "onderwerp": _("U stemt namens %(gemeente)s: %(titel)s")
                % {"gemeente": s.gemeente.naam, "titel": s.vergadering.titel},
                "vergadering": s.vergadering,
                "gemeente": s.gemeente,
                "url": link("ledenvergadering:detail", s.vergadering.uuid),
            },
            s,
        )
    ]


def _besluit(regel, obj) -> list[Bericht]:
    from samen.besluiten.models import Besluit

    if not isinstance(obj, Besluit):
        return []
    besluit = Besluit.objects.select_related("verzoek", "voorziening").get(pk=obj.pk)
    gemeenten = queries.concerned_by(besluit)
    if gemeenten is not None and not gemeenten:
        return []
    return [
        Bericht(
            queries.contacts_of(gemeenten),
            {
                "onderwerp": _("Besluit %(nummer)s gepubliceerd: %(titel)s")
                % {"nummer": besluit.nummer, "titel": besluit.titel},
                "besluit": besluit,
                "voor_alle_gemeenten": gemeenten is None,
                "url": link("besluiten:besluit", besluit.uuid),
            },
            besluit,
        )
    ]


def _factuur_context(factuur) -> dict:
    from samen.core.money import format_euro

    return {
        "onderwerp": _("%(soort)s %(nummer)s voor de gemeente %(gemeente)s")
        % {
            "soort": factuur.get_soort_display().capitalize(),
            "nummer": factuur.nummer,
            "gemeente": factuur.gemeente.naam,
        },
        "factuur": factuur,
        "bedrag": format_euro(factuur.totaal),
        "url": link("abonnementen:factuur", factuur.uuid),
    }


def _facturen(regel, obj) -> list[Bericht]:
    from samen.abonnementen.models import Factuur, Factuurrun

    if isinstance(obj, Factuurrun):
        if not (regel.na or {}).get("uitgegeven"):
            return []
        facturen = list(
            Factuur.objects.filter(run=obj, status=Factuur.Status.UITGEGEVEN)
            .select_related("gemeente", "arrangement")
            .order_by("volgnummer")
        )
    elif isinstance(obj, Factuur):
        facturen = list(
            Factuur.objects.filter(pk=obj.pk, status=Factuur.Status.UITGEGEVEN).select_related(
                "gemeente", "arrangement"
            )
        )
    else:
        return []
    contacts = queries.contacts_by_gemeente({f.gemeente_id for f in facturen})
    return [
        Bericht(contacts[f.gemeente_id], _factuur_context(f), f)
        for f in facturen
        if contacts.get(f.gemeente_id)
    ]


def _herinnering(regel, obj) -> list[Bericht]:
    from samen.core.money import format_euro
    from samen.inning.models import Herinnering

    if not isinstance(obj, Herinnering):
        return []
    herinnering = Herinnering.objects.select_related("factuur__gemeente").get(pk=obj.pk)
    factuur = herinnering.factuur
    return [
        Bericht(
            queries.contacts_of(queries.holders_of(factuur)),
            {
                "onderwerp": _("Herinnering %(n)s: factuur %(nummer)s staat nog open")
                % {"n": herinnering.volgnummer, "nummer": factuur.nummer},
                "herinnering": herinnering,
                "factuur": factuur,
                "bedrag": format_euro(herinnering.open_bedrag),
                "url": link("abonnementen:factuur", factuur.uuid),
            },
            herinnering,
        )
    ]


def _vraag_beantwoord(regel, obj) -> list[Bericht]:
    from samen.aanbieders.models import Antwoord

    if not isinstance(obj, Antwoord):
        return []
    antwoord = Antwoord.objects.select_related(
        "vraag__gesteld_door", "vraag__document__aanbieder"
    ).get(pk=obj.pk)
    vraag = antwoord.vraag
    asker = vraag.gesteld_door
    if asker is not None and asker.is_active:
        ontvangers = [asker]
    else:  # asked without an account (the demo): the municipality's contacts
        ontvangers = queries.contacts_of([vraag.gemeente_id])
    document = vraag.document
    return [
        Bericht(
            ontvangers,
            {
                "onderwerp": _("Uw vraag over %(document)s is beantwoord")
                % {"document": f"{document.get_soort_display()} {document.jaar}"},
                "vraag": vraag,
                "antwoord": antwoord,
                "document": document,
                "url": link("aanbieders:document", document.uuid),
            },
            antwoord,
        )
    ]


def _ondersteuning_afgerond(regel, obj) -> list[Bericht]:
    from samen.deelnames.models import Ondersteuningsverzoek

    if not isinstance(obj, Ondersteuningsverzoek):
        return []
    if (regel.na or {}).get("status") != Ondersteuningsverzoek.Status.AFGEROND:
        return []
    if (regel.voor or {}).get("status") == Ondersteuningsverzoek.Status.AFGEROND:
        return []
    verzoek = Ondersteuningsverzoek.objects.select_related(
        "deelname__gemeente", "deelname__voorziening"
    ).get(pk=obj.pk)
    return [
        Bericht(
            queries.contacts_of([verzoek.deelname.gemeente_id]),
            {
                "onderwerp": _("Uw vraag om ondersteuning bij %(voorziening)s is afgerond")
                % {"voorziening": verzoek.deelname.voorziening.naam},
                "verzoek": verzoek,
                "url": link("deelnames:deelname", verzoek.deelname.uuid),
            },
            verzoek,
        )
    ]


def _pairs(*pairs: tuple[str, str]) -> frozenset[tuple[str, str]]:
    return frozenset(pairs)


VERZOEK_WACHT = register(
    Meldingsoort(
        key="verzoek_wacht",
        label=_("Een verzoek wacht op uw orgaan"),
        uitleg=_(
            "Een ingediend verzoek wacht op de beoordeling (Task Force), een beoordeeld verzoek "
            "op het advies (College), een geadviseerd verzoek op het besluit (bestuur)."
        ),
        aanleidingen=_pairs(
            ("besluiten.verzoek", "aanmaken"),
            ("besluiten.beoordeling", "aanmaken"),
            ("besluiten.advies", "aanmaken"),
        ),
        berichten=_verzoek_wacht,
        order=10,
    )
)
STEUN_GEVRAAGD = register(
    Meldingsoort(
        key="steun_gevraagd",
        label=_("Uw gemeente wordt om steun gevraagd"),
        uitleg=_(
            "Een verzoek noemt uw gemeente als steunende gemeente; de contactpersonen bevestigen "
            "of wijzen af."
        ),
        aanleidingen=_pairs(("besluiten.verzoek", "aanmaken")),
        berichten=_steun_gevraagd,
        order=20,
    )
)
BESLUIT = register(
    Meldingsoort(
        key="besluit_gepubliceerd",
        label=_("Een besluit dat uw gemeente aangaat is gepubliceerd"),
        uitleg=_(
            "Een besluit over een voorziening waaraan uw gemeente deelneemt of waarvoor zij om "
            "steun is gevraagd, of een besluit dat voor alle gemeenten bindend is."
        ),
        aanleidingen=_pairs(("besluiten.besluit", "aanmaken")),
        berichten=_besluit,
        order=30,
    )
)
VRAAG_BEANTWOORD = register(
    Meldingsoort(
        key="vraag_beantwoord",
        label=_("Uw vraag aan een aanbieder is beantwoord"),
        uitleg=_("Een aanbieder beantwoordt uw vraag over een verantwoordingsdocument."),
        aanleidingen=_pairs(("aanbieders.antwoord", "aanmaken")),
        berichten=_vraag_beantwoord,
        order=40,
    )
)
ONDERSTEUNING_AFGEROND = register(
    Meldingsoort(
        key="ondersteuning_afgerond",
        label=_("Uw vraag om ondersteuning is afgerond"),
        uitleg=_("Het programmabureau rondt de ondersteuning af waar uw gemeente om vroeg."),
        aanleidingen=_pairs(("deelnames.ondersteuningsverzoek", "wijzigen")),
        berichten=_ondersteuning_afgerond,
        order=50,
    )
)
FACTUUR = register(
    Meldingsoort(
        key="factuur_uitgegeven",
        label=_("Een factuur voor uw gemeente is uitgegeven"),
        uitleg=_("Een factuur, creditnota of aanvullende factuur voor uw gemeente."),
        aanleidingen=_pairs(
            ("abonnementen.factuurrun", "aanmaken"), ("abonnementen.factuur", "aanmaken")
        ),
        berichten=_facturen,
        formeel=True,
        reden_formeel=_(
            "Een factuur is formele post: de betaaltermijn loopt vanaf de factuurdatum."
        ),
        order=60,
    )
)
HERINNERING = register(
    Meldingsoort(
        key="herinnering",
        label=_("Een betalingsherinnering voor uw gemeente"),
        uitleg=_("Een herinnering aan een factuur die na de vervaldatum nog open staat."),
        aanleidingen=_pairs(("inning.herinnering", "aanmaken")),
        berichten=_herinnering,
        formeel=True,
        reden_formeel=_(
            "Een herinnering is een formele brief over een openstaand bedrag; die kunt u niet "
            "uitzetten."
        ),
        order=70,
    )
)
STEM_GEVRAAGD = register(
    Meldingsoort(
        key="stem_gevraagd",
        label=_("U bent aangewezen om te stemmen in de ledenvergadering"),
        uitleg=_(
            "De gemeentesecretaris wijst u aan om namens uw gemeente te stemmen; het bericht "
            "noemt de vergadering en tot wanneer u kunt stemmen."
        ),
        aanleidingen=_pairs(
            ("ledenvergadering.stemgerechtigde", "aanmaken"),
            ("ledenvergadering.stemgerechtigde", "wijzigen"),
        ),
        berichten=_stem_gevraagd,
        order=25,
    )
)
