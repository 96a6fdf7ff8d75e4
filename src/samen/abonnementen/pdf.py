"""An invoice, credit note or supplementary invoice as PDF (reportlab), rendered on request from
the stored, immutable document: the same figures as the page and the API."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from samen.abonnementen.models import Factuur
from samen.core.money import format_euro

TITELS = {
    Factuur.Soort.FACTUUR: "Factuur",
    Factuur.Soort.CREDITNOTA: "Creditnota",
    Factuur.Soort.AANVULLEND: "Aanvullende factuur",
}


def _nl_int(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _date(value) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def render(factuur: Factuur) -> bytes:
    buffer = io.BytesIO()
    titel = TITELS[factuur.soort]
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{titel} {factuur.nummer}",
        author=str(factuur.arrangement.administratiekantoor.naam),
        subject=str(factuur.arrangement),
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
    )
    styles = getSampleStyleSheet()
    kantoor = factuur.arrangement.administratiekantoor
    story = [
        Paragraph(escape(kantoor.naam), styles["Heading2"]),
        Paragraph(f"{titel} {escape(factuur.nummer)}", styles["Title"]),
        Spacer(1, 4 * mm),
    ]
    kop = [
        ["Aan", f"Gemeente {factuur.gemeente.naam} ({factuur.gemeente.code})"],
        ["Arrangement", str(factuur.arrangement)],
        ["Jaar", str(factuur.jaar)],
        ["Factuurdatum", _date(factuur.factuurdatum)],
        ["Vervaldatum", _date(factuur.vervaldatum)],
        ["Betalingskenmerk", factuur.betalingskenmerk],
    ]
    if factuur.verwijst_naar_id:
        kop.append(["Correctie op", factuur.verwijst_naar.nummer])
        kop.append(["Reden", factuur.reden])
    kop += [
        [
            "Inwoners",
            f"{_nl_int(factuur.inwoners)} (CBS, 1 januari {factuur.bronjaar})",
        ],
        ["Prijs per inwoner", format_euro(factuur.prijs)],
    ]
    if factuur.vrijgesteld:
        kop.append(["Vrijgesteld van", factuur.vrijgesteld])
    table = Table(
        [
            [Paragraph(escape(a), styles["Normal"]), Paragraph(escape(b), styles["Normal"])]
            for a, b in kop
        ],
        colWidths=[45 * mm, 125 * mm],
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [table, Spacer(1, 6 * mm)]
    rows = [["Dienst", "Aanbieder", "Bedrag"]]
    for regel in factuur.regels.select_related("dienst__aanbieder").order_by("dienst__volgorde"):
        rows.append([regel.dienst.naam, str(regel.dienst.aanbieder), format_euro(regel.bedrag)])
    rows.append(["Totaal", "", format_euro(factuur.totaal)])
    lines = Table(rows, colWidths=[70 * mm, 60 * mm, 40 * mm], repeatRows=1)
    lines.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
                ("ALIGN", (2, 0), (2, -1), "RIGHT"),
            ]
        )
    )
    story += [
        lines,
        Spacer(1, 6 * mm),
        Paragraph(
            "Het totaal is inwoners × prijs per inwoner; de regels verdelen het totaal naar de "
            "budgetten van de diensten (de delen tellen exact op tot het totaal). Vrijgestelde "
            "diensten staan niet op de factuur. Btw: buiten de heffing.",
            styles["Normal"],
        ),
        Spacer(1, 3 * mm),
        Paragraph(
            f"Vermeld bij betaling het betalingskenmerk {factuur.betalingskenmerk}.",
            styles["Normal"],
        ),
    ]
    doc.build(story)
    return buffer.getvalue()


def filename(factuur: Factuur) -> str:
    return f"{factuur.soort}-{factuur.nummer}.pdf"
