"""The coverage map: a server-rendered SVG choropleth from the CBS boundaries, coloured by
implementation status, with the same data in a table (no JavaScript)."""

from __future__ import annotations

import datetime as dt
import json
import math
from functools import lru_cache
from importlib import resources

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from samen.deelnames import queries
from samen.deelnames.models import Status
from samen.gemeenten import rules
from samen.gemeenten.models import Gemeente
from samen.gemeenten.queries import links
from samen.portfolio.models import Voorziening

DATA = resources.files("samen.deelnames") / "data"
YEARS = (2017, 2018, 2019, 2022, 2023, 2024)
WIDTH = 560
KLEUR = {
    "in_gebruik": "#0b6e4f",
    "gepland": "#5b9bd5",
    "geinteresseerd": "#f2c14e",
    "niet": "#e6e6e6",
}


def boundary_year(peildatum: dt.date) -> int | None:
    """The latest boundary file not after the date."""
    candidates = [y for y in YEARS if dt.date(y, 1, 1) <= peildatum]
    return max(candidates) if candidates else None


@lru_cache(maxsize=len(YEARS))
def shapes(year: int) -> tuple[tuple[tuple[str, str, str], ...], int]:
    """(code, name, SVG path) per municipality of a boundary file, and the SVG height.
    Equirectangular projection scaled by cos(52°); deterministic, computed once per process."""
    data = json.loads((DATA / f"gemeenten_{year}_wgs84.geojson").read_text(encoding="utf-8"))
    k = math.cos(math.radians(52.2))
    xs, ys = [], []
    for feature in data["features"]:
        for polygon in _polygons(feature["geometry"]):
            for ring in polygon:
                for lon, lat in ring:
                    xs.append(lon * k)
                    ys.append(lat)
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    scale = WIDTH / (x1 - x0)
    height = round((y1 - y0) * scale)
    result = []
    for feature in data["features"]:
        parts = []
        for polygon in _polygons(feature["geometry"]):
            for ring in polygon:
                points = [
                    f"{(lon * k - x0) * scale:.1f} {(y1 - lat) * scale:.1f}" for lon, lat in ring
                ]
                parts.append("M" + " L".join(points) + "Z")
        props = feature["properties"]
        result.append((props["gemeentecode"], props["gemeentenaam"], "".join(parts)))
    return tuple(sorted(result)), height


def _polygons(geometry: dict):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]


def kaart(request, uuid):
    from samen.deelnames.views import _fout, _peildatum

    voorziening = get_object_or_404(Voorziening, uuid=uuid)
    problems: list = []
    peildatum = _peildatum(request, problems)
    if problems:
        return render(
            request,
            "deelnames/kaart.html",
            {
                "v": voorziening,
                "peildatum": request.GET.get("peildatum", ""),
                "fout": _fout(problems),
            },
            status=400,
        )
    dekking = queries.coverage(voorziening, peildatum)
    names = dict(Gemeente.objects.values_list("code", "naam"))
    year = boundary_year(peildatum)
    areas, height, reden, gesplitst = [], 0, "", []
    all_links = links()
    if year is None:
        reden = _("Er is geen grenzenbestand van vóór deze datum; alleen de tabel is beschikbaar.")
    else:
        shapes_, height = shapes(year)
        for code, naam, path in shapes_:
            successors = rules.successors(code, all_links, peildatum)
            if len(successors) == 1:
                now = successors[0]
                status = dekking.per_gemeente.get(now)
                cat = queries.category(status)
                label = names.get(now, naam)
                areas.append(
                    {
                        "d": path,
                        "kleur": KLEUR[cat],
                        "gearceerd": False,
                        "tekst": f"{label}: {_status_label(status)}",
                    }
                )
            else:
                opvolgers = ", ".join(names.get(c, c) for c in successors)
                gesplitst.append({"naam": naam, "opvolgers": opvolgers})
                areas.append(
                    {
                        "d": path,
                        "kleur": "#ffffff",
                        "gearceerd": True,
                        "tekst": _("%(naam)s is gesplitst over %(opvolgers)s")
                        % {"naam": naam, "opvolgers": opvolgers},
                    }
                )
    rows = [
        {
            "code": code,
            "naam": names.get(code, code),
            "status": _status_label(status),
            "categorie": queries.category(status),
        }
        for code, status in sorted(dekking.per_gemeente.items(), key=lambda i: names.get(i[0], ""))
    ]
    return render(
        request,
        "deelnames/kaart.html",
        {
            "v": voorziening,
            "peildatum": peildatum,
            "areas": areas,
            "width": WIDTH,
            "height": height,
            "jaar": year,
            "reden": reden,
            "rows": rows,
            "legenda": [(KLEUR[c], queries_label(c)) for c in queries.CATEGORIES],
            "dekking": dekking,
            "gesplitst": gesplitst,
        },
    )


def _status_label(status: str | None) -> str:
    return str(Status(status).label) if status else _("neemt niet deel")


def queries_label(cat: str) -> str:
    from samen.deelnames.views import LABELS

    return str(LABELS[cat])
