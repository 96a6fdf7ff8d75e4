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
register(
    Werksoort(
        key="fonds.autorisaties",
        label=_("Autorisatievoorstellen om over te besluiten"),
        permission="fonds.besluiten",
        roles=frozenset({Rol.BESTUUR}),
        count=_autorisaties,
        url="/fonds/beheer",
        order=20,
    )
)
register(
    Werksoort(
        key="aanbieders.vaststellen",
        label=_("Verantwoordingsdocumenten om vast te stellen"),
        permission="aanbieders.vaststellen",
        roles=frozenset({Rol.COMMISSIE}),
        count=_documenten,
        url="/verantwoording-aanbieders",
        order=30,
        items=_documenten_items,
    )
)
register(
    Werksoort(
        key="aanbieders.vragen",
        label=_("Vragen van gemeenten om te beantwoorden"),
        permission="aanbieders.vragen.beantwoorden",
        roles=frozenset({Rol.AANBIEDER}),
        count=_vragen,
        url="/verantwoording-aanbieders",
        order=31,
    )
)
register(
    Werksoort(
        key="inning.ongematcht",
        label=_("Betalingen die niet gekoppeld zijn"),
        permission="inning.beheren",
        count=_ongematcht,
        url="/inning",
        order=40,
    )
)
register(
    Werksoort(
        key="inning.achterstallig",
        label=_("Facturen over de vervaldatum"),
        permission="inning.beheren",
        count=_achterstallig,
        url="/inning",
        order=41,
    )
)
register(
    Werksoort(
        key="deelnames.ondersteuning",
        label=_("Ondersteuningsverzoeken die nog open staan"),
        permission="deelnames.beheren.eigen",
        roles=frozenset({Rol.PROGRAMMABUREAU}),
        count=_ondersteuning,
        url="/ondersteuning",
        order=50,
    )
)
register(
    Werksoort(
        key="gemeente.ondersteuning",
        label=_("Eigen ondersteuningsverzoeken in behandeling"),
        permission="deelnames.beheren.eigen",
        roles=frozenset({Rol.GEMEENTE}),
        count=_eigen_ondersteuning,
        url=_gemeente_url,
        order=60,
    )
)
register(
    Werksoort(
        key="gemeente.achterstallig",
        label=_("Eigen facturen over de vervaldatum"),
        permission="facturen.bekijken.eigen",
        roles=frozenset({Rol.GEMEENTE}),
        count=_eigen_achterstallig,
        url="/facturen",
        order=61,
    )
)
