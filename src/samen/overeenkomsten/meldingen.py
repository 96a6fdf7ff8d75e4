"""The notification of this app: a reminder to sign (formal), sent through samen.meldingen."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samen.meldingen import queries
from samen.meldingen.soorten import Bericht, Meldingsoort, link, register


def _herinnering(regel, obj) -> list[Bericht]:
    from samen.overeenkomsten.models import Herinnering

    if not isinstance(obj, Herinnering):
        return []
    herinnering = Herinnering.objects.select_related("overeenkomst").get(pk=obj.pk)
    overeenkomst = herinnering.overeenkomst
    contacts = queries.contacts_by_gemeente(herinnering.gemeenten.values_list("id", flat=True))
    names = dict(herinnering.gemeenten.values_list("id", "code"))
    return [
        Bericht(
            users,
            {
                "onderwerp": _("Herinnering: %(titel)s tekenen vóór %(deadline)s")
                % {"titel": overeenkomst.titel, "deadline": f"{overeenkomst.deadline:%d-%m-%Y}"},
                "herinnering": herinnering,
                "overeenkomst": overeenkomst,
                "url": link("overeenkomsten:gemeente", overeenkomst.uuid, names[gemeente_id]),
            },
            herinnering,
        )
        for gemeente_id, users in sorted(contacts.items())
    ]


HERINNERING = register(
    Meldingsoort(
        key="ondertekening_herinnering",
        label=_("Herinnering om een overeenkomst te tekenen"),
        uitleg=_(
            "Het programmabureau herinnert de contactpersonen van de gemeenten die een "
            "overeenkomst nog niet hebben getekend aan de deadline."
        ),
        aanleidingen=frozenset({("overeenkomsten.herinnering", "aanmaken")}),
        berichten=_herinnering,
        formeel=True,
        reden_formeel=_(
            "Een herinnering aan de deadline van een overeenkomst is een formeel bericht aan de "
            "gemeente."
        ),
        order=75,
    )
)
