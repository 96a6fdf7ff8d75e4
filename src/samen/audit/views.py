"""/audit: the programme office searches the whole trail and exports what it found."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from samen.accounts.permissions import allowed
from samen.audit import queries
from samen.audit.models import Actie, Kanaal
from samen.core import exports


def zoeken(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not allowed(request.user, "audit.bekijken"):
        raise PermissionDenied
    fout = None
    try:
        qs = queries.search(request.GET)
    except queries.FilterError as error:
        fout = f"{error.field}: {error.reason}"
        qs = queries.AuditRegel.objects.none()
    fmt = request.GET.get("formaat")
    if fmt in ("csv", "csv-nl", "xlsx") and fout is None:
        return exports.response(
            fmt, "audittrail", "Audittrail", queries.EXPORT_HEADERS, queries.export_rows(qs)
        )
    pagina = Paginator(qs, 50).get_page(request.GET.get("pagina"))
    regels = [(r, queries.changes(r)) for r in pagina]
    zoek = request.GET.copy()
    zoek.pop("pagina", None)
    zoek.pop("formaat", None)
    return render(
        request,
        "audit/zoeken.html",
        {
            "pagina": pagina,
            "regels": regels,
            "fout": fout,
            "filters": {name: request.GET.get(name, "") for name in queries.FILTERS},
            "kanalen": Kanaal.choices,
            "acties": Actie.choices,
            "zoek": zoek.urlencode(),
        },
        status=400 if fout else 200,
    )
