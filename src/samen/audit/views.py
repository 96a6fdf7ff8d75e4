"""/audit: the programme office searches the whole trail and exports what it found."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from samen.accounts.decorators import requires
from samen.audit import queries
from samen.audit.filters import FILTERS, AuditFilter, trail
from samen.audit.models import Actie, Kanaal
from samen.core import exports


@requires("audit.bekijken")
def zoeken(request):
    # the form sends every field; an empty one is no filter (the API refuses an empty value)
    given = {name: request.GET[name] for name in FILTERS if request.GET.get(name, "").strip()}
    search = AuditFilter(given, queryset=trail())
    fout = None
    if search.is_valid():
        qs = search.qs
    else:
        fout = "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in search.errors.items()
        )
        qs = trail().none()
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
            "filters": {name: request.GET.get(name, "") for name in FILTERS},
            "kanalen": Kanaal.choices,
            "acties": Actie.choices,
            "zoek": zoek.urlencode(),
        },
        status=400 if fout else 200,
    )
