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
from samen.core.money import format_euro, format_number

TITELS = {
    Factuur.Soort.FACTUUR: "Factuur",
    Factuur.Soort.CREDITNOTA: "Creditnota",
    Factuur.Soort.AANVULLEND: "Aanvullende factuur",
}


def _date(value) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(text), style)


def betaaltekst(factuur: Factuur, afzender) -> str:
    """What the document asks: a credit note is set off against the invoice it corrects (or paid
    back), never paid with its own reference; an invoice is paid to the office's account."""
    if factuur.soort == Factuur.Soort.CREDITNOTA:
        return (
            f"Deze creditnota wordt verrekend met factuur {factuur.verwijst_naar.nummer}: het "
            "bedrag gaat af van wat op die factuur openstaat. Is die factuur al betaald, dan "
            "betalen wij het bedrag terug. U hoeft niets te betalen."
        )
    rekening = ""
    if afzender is not None:
        rekening = f" op IBAN {afzender.iban} ten name van {afzender.juridische_naam}"
    return (
        f"Betaal {format_euro(factuur.totaal)} uiterlijk {_date(factuur.vervaldatum)}{rekening} "
        f"onder vermelding van betalingskenmerk {factuur.betalingskenmerk}."
    )


def render(factuur: Factuur) -> bytes:
    """The document as PDF: the same bytes every time (reportlab's invariant mode: no creation
    date or random document id; the parties as fixed at issue)."""
    from samen.abonnementen import ubl, vastlegging

    koper, afzender = vastlegging.partijen(factuur)
    buffer = io.BytesIO()
    titel = TITELS[factuur.soort]
    kantoor = factuur.arrangement.administratiekantoor
    naam_kantoor = afzender.get("naam", kantoor.naam) if afzender is not None else kantoor.naam
    arrangement = (
        afzender.get("arrangement", factuur.arrangement.naam)
        if afzender is not None
        else factuur.arrangement.naam
    )
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{titel} {factuur.nummer}",
        author=str(naam_kantoor),
        subject=str(arrangement),
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        invariant=1,
    )
    styles = getSampleStyleSheet()
    normal = styles["Normal"]
    story = [_p(afzender.juridische_naam if afzender else naam_kantoor, styles["Heading2"])]
    if afzender is not None:
        regels = [afzender.straatnaam, f"{afzender.postcode} {afzender.plaats}"]
        if afzender.land != "NL":
            regels.append(afzender.land)
        if afzender.kvk:
            regels.append(f"KvK-nummer {afzender.kvk}")
        if afzender.oin:
            regels.append(f"OIN {afzender.oin}")
        if afzender.btw_nummer:
            regels.append(f"Btw-identificatienummer {afzender.btw_nummer}")
        bic = f" (BIC {afzender.bic})" if afzender.bic else ""
        regels.append(f"IBAN {afzender.iban}{bic}")
        story.append(Paragraph("<br/>".join(escape(r) for r in regels), normal))
    story += [
        Spacer(1, 4 * mm),
        Paragraph(f"{titel} {escape(factuur.nummer)}", styles["Title"]),
        Spacer(1, 4 * mm),
    ]
    if koper is not None:
        aan = [koper.juridische_naam, koper.straatnaam, f"{koper.postcode} {koper.plaats}"]
        if koper.land != "NL":
            aan.append(koper.land)
        if koper.btw_nummer:
            aan.append(f"Btw-identificatienummer {koper.btw_nummer}")
    else:
        aan = [f"Gemeente {factuur.gemeente.naam}"]
    kop = [
        ["Aan", "\n".join(aan)],
        ["Gemeentecode", factuur.gemeente.code],
    ]
    if koper is not None:
        kop.append(["Uw referentie", koper.inkoopreferentie or factuur.gemeente.code])
    kop += [
        ["Nummer", factuur.nummer],
        ["Factuurdatum", _date(factuur.factuurdatum)],
        ["Omschrijving", f"{arrangement}, jaar {factuur.jaar}"],
        ["Periode", f"01-01-{factuur.jaar} t/m 31-12-{factuur.jaar}"],
    ]
    if factuur.soort != Factuur.Soort.CREDITNOTA:
        kop += [
            ["Vervaldatum", _date(factuur.vervaldatum)],
            ["Betalingskenmerk", factuur.betalingskenmerk],
        ]
    if factuur.verwijst_naar_id:
        kop.append(["Correctie op", f"factuur {factuur.verwijst_naar.nummer}"])
        kop.append(["Reden", factuur.reden])
    kop += [
        [
            "Inwoners",
            f"{format_number(factuur.inwoners)} (CBS, 1 januari {factuur.bronjaar})",
        ],
        ["Prijs per inwoner", format_euro(factuur.prijs)],
    ]
    if factuur.vrijgesteld:
        kop.append(["Vrijgesteld van", factuur.vrijgesteld])
    table = Table(
        [[_p(a, normal), Paragraph(escape(b).replace("\n", "<br/>"), normal)] for a, b in kop],
        colWidths=[45 * mm, 125 * mm],
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [table, Spacer(1, 6 * mm)]
    rows = [["Dienst", "Aanbieder", "Btw", "Bedrag"]]
    categorieen = []
    for regel in factuur.regels.select_related("dienst__aanbieder").order_by("dienst__volgorde"):
        dienst = ubl._dienst(regel, afzender)
        cat = ubl.CATEGORIEEN.get(dienst["btw_categorie"])
        if cat is not None and cat not in categorieen:
            categorieen.append(cat)
        tarief = "" if cat is None or cat.percent is None else f"{format_number(cat.percent)}%"
        rows.append(
            [
                dienst["naam"],
                dienst["aanbieder"],
                f"{dienst['btw_categorie']} {tarief}".strip(),
                format_euro(regel.bedrag),
            ]
        )
    rows.append(["Totaal", "", "", format_euro(factuur.totaal)])
    lines = Table(rows, colWidths=[60 * mm, 55 * mm, 20 * mm, 35 * mm], repeatRows=1)
    lines.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
                ("ALIGN", (3, 0), (3, -1), "RIGHT"),
            ]
        )
    )
    btw = "; ".join(
        f"{c.code}: {c.reden or 'nultarief'}" + ("" if c.percent is None else " (0%)")
        for c in categorieen
    )
    story += [
        lines,
        Spacer(1, 6 * mm),
        _p(
            "Het totaal is inwoners × prijs per inwoner; de regels verdelen het totaal naar de "
            "budgetten van de diensten (de delen tellen exact op tot het totaal). Vrijgestelde "
            "diensten staan niet op de factuur. Btw-bedrag € 0,00" + (f"; {btw}." if btw else "."),
            normal,
        ),
        Spacer(1, 3 * mm),
        _p(betaaltekst(factuur, afzender), normal),
    ]
    if (koper is not None and koper.voorbeeld) or (afzender is not None and afzender.voorbeeld):
        story += [Spacer(1, 3 * mm), _p("Let op: bevat voorbeeldgegevens.", normal)]
    doc.build(story)
    return buffer.getvalue()


def filename(factuur: Factuur) -> str:
    return f"{factuur.soort}-{factuur.nummer}.pdf"
