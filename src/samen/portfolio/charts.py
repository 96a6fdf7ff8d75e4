"""Server-rendered SVG geometry for the portfolio plot and the roadmap timeline (no JS)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

# Colour per phase (checked for contrast against white in the legend).
FASE_KLEUR = {
    "initiatief": "#8a5a00",
    "ontwikkeling": "#7a2e8e",
    "opschaling": "#154273",
    "implementatie": "#0b6e4f",
    "beheer": "#3d3d3d",
    "beeindigd": "#9b1c1c",
}


# One distinct letter per phase for the roadmap marks (explained in the figure caption).
FASE_LETTER = {
    "initiatief": "N",
    "ontwikkeling": "O",
    "opschaling": "S",
    "implementatie": "I",
    "beheer": "B",
    "beeindigd": "X",
}


def _fase_label(fase: str) -> str:
    from samen.portfolio.models import Fase

    try:
        return str(Fase(fase).label)
    except ValueError:
        return fase


@dataclass
class Dot:
    cx: float
    cy: float
    r: float
    kleur: str
    label: str
    titel: str
    uuid: str


def portfolio_plot(ranking, x: str, y: str, criteria, width: int = 560, height: int = 420):
    """Voorzieningen placed by two criteria, sized by national benefit, coloured by phase."""
    pad = 50
    crit = {c.code: c for c in criteria}
    cx, cy = crit[x], crit[y]
    dots = []
    benefits = {}
    for row in ranking.rows:
        case = getattr(row.voorziening, "businesscase", None)
        if case is not None:
            mid = (case.tijdwinst_uren_min + case.tijdwinst_uren_max) / 2
            benefits[row.voorziening.pk] = Decimal(case.volume_per_jaar) * mid * case.uurtarief
    top = max(benefits.values(), default=Decimal(0))
    # Jitter identical positions deterministically so every dot stays visible.
    seen: dict[tuple, int] = {}
    for row in ranking.rows:
        vx, vy = row.scores[x].waarde, row.scores[y].waarde
        fx = float((vx - cx.schaal_min) / (cx.schaal_max - cx.schaal_min))
        fy = float((vy - cy.schaal_min) / (cy.schaal_max - cy.schaal_min))
        key = (vx, vy)
        n = seen.get(key, 0)
        seen[key] = n + 1
        angle = n * 2.4
        shift = 22 * math.sqrt(n)  # a spiral wide enough that equal scores do not hide each other
        benefit = benefits.get(row.voorziening.pk)
        r = 6 + (14 * float(benefit / top) if benefit and top else 0)
        dots.append(
            Dot(
                cx=pad + fx * (width - 2 * pad) + shift * math.cos(angle),
                cy=height - pad - fy * (height - 2 * pad) + shift * math.sin(angle),
                r=r,
                kleur=FASE_KLEUR.get(row.voorziening.fase, "#154273"),
                label=str(row.rang),
                titel=f"{row.voorziening.naam}: {cx.naam} {vx}, {cy.naam} {vy}",
                uuid=str(row.voorziening.uuid),
            )
        )
    ticks_x = [
        (pad + i / (cx.schaal_max - cx.schaal_min) * (width - 2 * pad), cx.schaal_min + i)
        for i in range(cx.schaal_max - cx.schaal_min + 1)
    ]
    ticks_y = [
        (height - pad - i / (cy.schaal_max - cy.schaal_min) * (height - 2 * pad), cy.schaal_min + i)
        for i in range(cy.schaal_max - cy.schaal_min + 1)
    ]
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "dots": dots,
        "x": cx,
        "y": cy,
        "ticks_x": ticks_x,
        "ticks_y": ticks_y,
        "bottom": height - pad,
        "mid_x": width / 2,
        "mid_y": height / 2,
        "right": width - pad,
        # (phase, its Dutch label, colour): the legend names phases, not their codes
        "legenda": [(f, _fase_label(f), k) for f, k in FASE_KLEUR.items()],
    }


@dataclass
class Bar:
    x: float
    y: float
    width: float
    label: str
    titel: str
    kleur: str


def roadmap_timeline(mijlpalen, width: int = 900, row_h: int = 26):
    """Milestones per voorziening per quarter: one row per voorziening, one column per quarter."""
    if not mijlpalen:
        return None
    quarters = sorted({(m.jaar, m.kwartaal) for m in mijlpalen})  # rows keep the given order
    first, last = quarters[0], quarters[-1]
    span = []
    year, q = first
    while (year, q) <= last:
        span.append((year, q))
        q += 1
        if q == 5:
            year, q = year + 1, 1
    names = []
    for m in mijlpalen:
        if m.voorziening.naam not in names:
            names.append(m.voorziening.naam)
    label_w = 220
    col_w = max(24.0, (width - label_w - 10) / len(span))
    index = {quarter: i for i, quarter in enumerate(span)}
    marks = []
    for m in mijlpalen:
        row = names.index(m.voorziening.naam)
        marks.append(
            Bar(
                x=label_w + index[(m.jaar, m.kwartaal)] * col_w + col_w / 2,
                y=30 + row * row_h + row_h / 2,
                width=col_w,
                label=FASE_LETTER.get(m.naar_fase, "•"),
                titel=f"{m.voorziening.naam}: {m.omschrijving} ({m.jaar} K{m.kwartaal})",
                kleur=FASE_KLEUR.get(m.naar_fase, "#154273"),
            )
        )
    columns = [
        {"x": label_w + i * col_w, "label": f"{y}" if q == 1 else f"K{q}", "jaar": q == 1}
        for i, (y, q) in enumerate(span)
    ]
    rows = [
        {"y": 30 + i * row_h, "naam": n, "ty": 30 + i * row_h + row_h / 2 + 4}
        for i, n in enumerate(names)
    ]
    return {
        "width": label_w + len(span) * col_w + 10,
        "height": 40 + len(names) * row_h,
        "marks": marks,
        "columns": columns,
        "rows": rows,
        "label_w": label_w,
        "col_w": col_w,
    }
