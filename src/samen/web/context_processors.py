from __future__ import annotations

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
]


def navigation(request):
    return {"nav_sections": SECTIONS}
