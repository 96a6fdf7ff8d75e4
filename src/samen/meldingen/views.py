"""The preferences page: a signed-in user switches informative notifications on or off."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from samen.accounts.decorators import requires
from samen.core.errors import DomainError
from samen.meldingen import queries, services, soorten

AAN, UIT = "aan", "uit"


def _rows(user, posted=None):
    stored = queries.preferences(user)
    rows = []
    for kind in soorten.alle():
        aan = True if kind.formeel else stored.get(kind.key, True)
        if posted is not None and posted.get(kind.key) in (AAN, UIT) and not kind.formeel:
            aan = posted[kind.key] == AAN
        rows.append({"soort": kind, "aan": aan})
    return rows


@requires()
def voorkeuren(request):
    """GET: every kind with its setting (formal ones as always on, with the reason). POST: one
    field per kind, ``aan`` or ``uit``; a kind not in the form keeps its setting."""
    if request.method == "POST":
        keuzes = {
            kind.key: request.POST[kind.key] == AAN
            for kind in soorten.alle()
            if request.POST.get(kind.key) in (AAN, UIT)
        }
        try:
            services.set_preferences(request.user, keuzes)
        except DomainError as error:
            return render(
                request,
                "meldingen/voorkeuren.html",
                {"rijen": _rows(request.user, request.POST), "fout": error},
                status=400,
            )
        messages.success(request, _("Uw voorkeuren voor meldingen zijn opgeslagen."))
        return redirect("meldingen:voorkeuren")
    return render(request, "meldingen/voorkeuren.html", {"rijen": _rows(request.user)})
