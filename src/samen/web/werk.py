"""The kinds of waiting work of the first capabilities (decisions, fund, providers'
accountability, collection, support). New apps register theirs in their own ``werk.py``.

Each count is one query, whatever the number of items; ``items`` (the first few, for the start
page) is one more."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samen.accounts.models import Rol
from samen.core.werk import Werksoort, register

LIMIT = 5


def _verzoeken(stap):
    def count(user):
        from samen.besluiten.models import Verzoek

        return Verzoek.objects.filter(stap=stap).count()

    return count


def verzoeken_items(stap, user, limit=LIMIT):
    from samen.besluiten.models import Verzoek

    return [
        (v.titel, reverse("besluiten:verzoek", args=[v.uuid]))
        for v in Verzoek.objects.filter(stap=stap).order_by("ingediend_op", "id")[:limit]
    ]


def _register_decisions():
    from samen.besluiten.models import Verzoek

    for key, label, permission, rol, stap, order in (
        (
            "verzoeken.beoordelen",
            _("Verzoeken om te beoordelen (Task Force)"),
            "besluiten.beoordelen",
            Rol.TASKFORCE,
            Verzoek.Stap.INGEDIEND,
            10,
        ),
        (
            "verzoeken.adviseren",
            _("Verzoeken om te adviseren (College)"),
            "besluiten.adviseren",
            Rol.COLLEGE,
            Verzoek.Stap.BEOORDEELD,
            11,
        ),
        (
            "verzoeken.besluiten",
            _("Verzoeken om over te besluiten (bestuur)"),
            "besluiten.besluiten",
            Rol.BESTUUR,
            Verzoek.Stap.GEADVISEERD,
            12,
        ),
    ):
        register(
            Werksoort(
                key=key,
                label=label,
                permission=permission,
                roles=frozenset({rol}),
                count=_verzoeken(stap),
                url=lambda user: reverse("besluiten:lijst"),
                order=order,
                items=lambda user, stap=stap: verzoeken_items(stap, user),
            )
        )


def _autorisaties(user):
    from samen.fonds.models import Autorisatie

    return Autorisatie.objects.filter(status=Autorisatie.Status.VOORGESTELD).count()


def _documenten(user):
    from samen.aanbieders.models import Verantwoordingsdocument

    return Verantwoordingsdocument.objects.filter(
        actueel=True, status=Verantwoordingsdocument.Status.INGEDIEND
    ).count()


def _documenten_items(user, limit=LIMIT):
    from samen.aanbieders.models import Verantwoordingsdocument

    qs = (
        Verantwoordingsdocument.objects.filter(
            actueel=True, status=Verantwoordingsdocument.Status.INGEDIEND
        )
        .defer("inhoud")
        .select_related("aanbieder")
        .order_by("ingediend_op", "id")[:limit]
    )
    return [
        (
            f"{d.get_soort_display()} {d.jaar} {d.aanbieder}",
            reverse("aanbieders:document", args=[d.uuid]),
        )
        for d in qs
    ]


def _vragen(user):
    from samen.aanbieders.models import Vraag

    return Vraag.objects.filter(
        document__aanbieder_id=user.organisatie_id, antwoorden__isnull=True
    ).count()


def _ongematcht(user):
    from samen.inning.models import Betaling

    return Betaling.objects.filter(status=Betaling.Status.ONGEMATCHT).count()


def _achterstallig(user):
    from samen.inning import queries

    return queries.overdue().count()


def _ondersteuning(user):
    from samen.deelnames.models import Ondersteuningsverzoek

    return Ondersteuningsverzoek.objects.filter(status=Ondersteuningsverzoek.Status.OPEN).count()


def _eigen_ondersteuning(user):
    from samen.deelnames.models import Ondersteuningsverzoek

    return (
        Ondersteuningsverzoek.objects.filter(deelname__gemeente_id=user.gemeente_id)
        .exclude(status=Ondersteuningsverzoek.Status.AFGEROND)
        .count()
    )


def _eigen_achterstallig(user):
    from samen.inning import queries

    return queries.overdue().filter(gemeente_id=user.gemeente_id).count()


def _gemeente_url(user):
    if user.gemeente_id is None:
        return reverse("web:gemeenten")
    return reverse("web:gemeente", args=[user.gemeente.code])


_register_decisions()

# (key, label, permission, roles, count, url, order, items): one row a kind.
KINDS = (
    ("fonds.autorisaties", _("Autorisatievoorstellen om over te besluiten"), "fonds.besluiten",
     {Rol.BESTUUR}, _autorisaties, "/fonds/beheer", 20, None),
    ("aanbieders.vaststellen", _("Verantwoordingsdocumenten om vast te stellen"),
     "aanbieders.vaststellen", {Rol.COMMISSIE}, _documenten, "/verantwoording-aanbieders", 30,
     _documenten_items),
    ("aanbieders.vragen", _("Vragen van gemeenten om te beantwoorden"),
     "aanbieders.vragen.beantwoorden", {Rol.AANBIEDER}, _vragen, "/verantwoording-aanbieders",
     31, None),
    ("inning.ongematcht", _("Betalingen die niet gekoppeld zijn"), "inning.beheren", (),
     _ongematcht, "/inning", 40, None),
    ("inning.achterstallig", _("Facturen over de vervaldatum"), "inning.beheren", (),
     _achterstallig, "/inning", 41, None),
    ("deelnames.ondersteuning", _("Ondersteuningsverzoeken die nog open staan"),
     "deelnames.beheren.eigen", {Rol.PROGRAMMABUREAU}, _ondersteuning, "/ondersteuning", 50,
     None),
    ("gemeente.ondersteuning", _("Eigen ondersteuningsverzoeken in behandeling"),
     "deelnames.beheren.eigen", {Rol.GEMEENTE}, _eigen_ondersteuning, _gemeente_url, 60, None),
    ("gemeente.achterstallig", _("Eigen facturen over de vervaldatum"),
     "facturen.bekijken.eigen", {Rol.GEMEENTE}, _eigen_achterstallig, "/facturen", 61, None),
)  # fmt: skip

for key, label, permission, roles, count, url, order, items in KINDS:
    register(
        Werksoort(
            key=key,
            label=label,
            permission=permission,
            roles=frozenset(roles),
            count=count,
            url=url,
            order=order,
            items=items,
        )
    )
