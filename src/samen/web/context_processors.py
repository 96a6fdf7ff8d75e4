from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The sections of the portal; later issues add theirs (url name or None while not built yet).
SECTIONS = [
    ("web:home", _("Home")),
    ("portfolio:catalogus", _("Voorzieningen")),
    ("portfolio:prioritering", _("Prioritering")),
    ("portfolio:routekaart", _("Routekaart")),
    ("besluiten:lijst", _("Besluiten")),
    ("fonds:overzicht", _("Fonds")),
    ("abonnementen:overzicht", _("Abonnementen")),
    ("web:gemeenten", _("Gemeenten")),
    ("gremia:lijst", _("Gremia")),
    ("ledenvergadering:overzicht", _("Ledenvergaderingen")),
    ("overeenkomsten:lijst", _("Overeenkomsten")),
    ("financiering:overzicht", _("Financieringsvormen")),
]


def _rol(*roles):
    def check(user):
        return user.is_superuser or getattr(user, "rol", "") in roles

    return check


def _perm(name):
    """Holds the permission; a scoped one (``.eigen``) for its own objects, which is what the
    section then shows."""

    def check(user):
        from samen.accounts.permissions import PERMISSIONS, allowed, roles_of

        if name.endswith(".eigen"):
            return user.is_superuser or bool(roles_of(user) & PERMISSIONS[name])
        return allowed(user, name)

    return check


# The signed-in sections, each shown to the roles that may use it (the same rule the view
# applies: a section in the menu never answers 403). The start page comes first.
WORK_SECTIONS = [
    ("web:mijn-werk", _("Mijn werk"), lambda user: True),
    ("portfolio:nieuw", _("Nieuwe voorziening"), _perm("portfolio.beheren")),
    ("deelnames:ondersteuning", _("Ondersteuning"), _rol("programmabureau")),
    ("deelnames:upload", _("Deelnames uploaden"), _rol("programmabureau")),
    ("fonds:beheer", _("Fondsbeheer"), _rol("financien", "college", "bestuur")),
    ("abonnementen:facturen", _("Facturen"), _perm("facturen.bekijken.eigen")),
    (
        "abonnementen:factuurgegevens-overzicht",
        _("Factuurgegevens"),
        _perm("factuurgegevens.bekijken.eigen"),
    ),
    ("inning:inning", _("Inning"), _perm("inning.beheren")),
    ("inning:afdrachten", _("Afdrachten"), _perm("inning.afdrachten.bekijken")),
    (
        "aanbieders:overzicht",
        _("Verantwoording aanbieders"),
        _rol("commissie", "aanbieder", "gemeente", "programmabureau"),
    ),
    ("gremia:beheer", _("Gremia beheren"), _perm("gremia.beheren")),
    ("gremia:secretariaat", _("Secretariaat"), _perm("gremia.secretariaat")),
    ("tolk:dag", _("Tolkbemiddeling"), _perm("tolk.bemiddelen")),
    ("tolk:agenda", _("Mijn tolkagenda"), _perm("tolk.agenda")),
    ("tolk:clienten", _("Tolkvoorziening: cliënten"), _perm("tolk.clienten.bekijken.eigen")),
    (
        "tolk:afrekening",
        _("Tolkvoorziening: maandoverzichten"),
        _perm("tolk.afrekening.bekijken.eigen"),
    ),
    ("audit:zoeken", _("Audittrail"), _perm("audit.bekijken")),
]


def work_sections(user) -> list[tuple[str, str]]:
    """(url, label) of every signed-in section this user may use."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [(reverse(name), label) for name, label, check in WORK_SECTIONS if check(user)]


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "nav_sections": SECTIONS,
        "nav_work": work_sections(user) if user is not None else [],
    }
