"""Demo accountability for the seed's arrangement: per provider an example annual plan for 2018
(a small generated PDF marked as example data) adopted by the committee; one question from a
municipality with the provider's answer; and the members' 2020 decision on continuation after
2021, recorded as NOT extended (example), so that the arrangement keeps its term 2018-2021 that
the other demo content and tests rely on."""

from __future__ import annotations

import datetime as dt
import io

from samen.aanbieders import services
from samen.aanbieders.models import Verantwoordingsdocument, Verlenging
from samen.abonnementen.demo import NAAM
from samen.abonnementen.models import Arrangement, Dienst
from samen.accounts.models import Organisatie
from samen.core.demo import loader
from samen.gemeenten.models import Gemeente


def example_pdf(titel: str, regels: list[str]) -> bytes:
    """A one-page PDF with a title and a few lines, marked as example data (deterministic
    enough for a demo: reportlab, no compression of content that matters)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(titel)
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(72, 770, titel)
    pdf.setFont("Helvetica", 11)
    y = 740
    for regel in ["VOORBEELDGEGEVENS: fictief document voor de demo van Samen", "", *regels]:
        pdf.drawString(72, y, regel)
        y -= 16
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@loader(95, "aanbieders")
def load_aanbieders() -> str:
    if Verantwoordingsdocument.objects.filter(voorbeeld=True).exists():
        return "al aanwezig"
    arrangement = Arrangement.objects.filter(naam=NAAM).first()
    if arrangement is None:
        return "geen arrangement"
    providers = Organisatie.objects.filter(
        pk__in=Dienst.objects.filter(arrangement=arrangement).values("aanbieder"),
        soort=Organisatie.Soort.AANBIEDER,
    ).order_by("naam")
    documenten = []
    for org in providers:
        diensten = ", ".join(
            Dienst.objects.filter(arrangement=arrangement, aanbieder=org).values_list(
                "naam", flat=True
            )
        )
        inhoud = example_pdf(
            f"Jaarplan 2018 {org.naam}",
            [f"Arrangement: {arrangement.naam}", f"Diensten: {diensten}", "Doelen 2018: ..."],
        )
        document = services.submit_document(
            arrangement,
            2018,
            Verantwoordingsdocument.Soort.JAARPLAN,
            f"jaarplan-2018-{org.afkorting or org.pk}-voorbeeld.pdf",
            inhoud,
            aanbieder=org,
            voorbeeld=True,
        )
        document = services.decide_document(
            document, True, dt.date(2018, 2, 15), "Vastgesteld (voorbeeldgegevens)."
        )
        documenten.append(document)
    vragen = 0
    gemeente = Gemeente.objects.filter(code="GM0014").first() or Gemeente.objects.first()
    if documenten and gemeente is not None:
        vraag = services.ask_question(
            documenten[0],
            "Hoeveel kinderen en jongeren verwacht u in 2018 te bereiken, en hoe meet u dat? "
            "(voorbeeldgegevens)",
            gemeente=gemeente,
            voorbeeld=True,
        )
        services.answer_question(
            vraag,
            "Wij rapporteren elk kwartaal het aantal contacten per provincie; het jaarverslag "
            "geeft de totalen. (voorbeeldgegevens)",
        )
        vragen = 1
    verlenging = ""
    if not Verlenging.objects.filter(arrangement=arrangement).exists():
        v = services.record_renewal(
            arrangement,
            dt.date(2020, 11, 25),
            False,
            toelichting="Voorbeeld: de ledenvergadering besluit het arrangement na 2021 niet "
            "te verlengen (voorbeeldgegevens).",
            voorbeeld=True,
        )
        verlenging = f"; verlenging: nee (besluit {v.besluit.nummer}, voorbeeld)"
    return f"{len(documenten)} jaarplannen 2018 vastgesteld, {vragen} vraag beantwoord{verlenging}"
