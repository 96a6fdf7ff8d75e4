"""E-invoices (SI-UBL 2.0 / NLCIUS): a fixed set of documents (an ordinary invoice, one for a
municipality exempt from Luisterend Oor, one for a successor after a herindeling, a credit note,
a supplementary invoice) validated with the official SI-UBL 2.0 XSLT (saxonche, SVRL) with no
fatal finding; the validator itself is checked on the known-good examples and on a broken
document; the API and page representations; documents that cannot be valid are refused."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from samen.abonnementen import services, ubl
from samen.abonnementen.demo_ubl import load_voorbeelden
from samen.abonnementen.models import Afzendergegevens, Factuur, Factuurgegevens
from samen.accounts.models import Rol
from samen.audit.models import AuditRegel

SI_UBL = Path(__file__).resolve().parents[3] / "shared" / "specs" / "si-ubl"
XSL = SI_UBL / "xsl" / "si-ubl-2.0.xsl"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
NS = {
    "cac": ubl.NS_CAC,
    "cbc": ubl.NS_CBC,
    "inv": ubl.NS_INVOICE,
    "cn": ubl.NS_CREDITNOTE,
}


@dataclass
class Finding:
    id: str
    flag: str
    text: str

    def __str__(self) -> str:
        return f"{self.flag} {self.id}: {self.text}"


class Validator:
    """The SI-UBL 2.0 XSLT compiled once; validate(xml) returns the failed asserts (SVRL)."""

    def __init__(self):
        from saxonche import PySaxonProcessor

        self.processor = PySaxonProcessor(license=False)
        self.executable = self.processor.new_xslt30_processor().compile_stylesheet(
            stylesheet_file=str(XSL)
        )

    def validate(self, xml: bytes) -> list[Finding]:
        node = self.processor.parse_xml(xml_text=xml.decode("utf-8"))
        svrl = ET.fromstring(self.executable.transform_to_string(xdm_node=node))
        assert svrl.tag == f"{SVRL}schematron-output"
        assert svrl.findall(f".//{SVRL}fired-rule"), "the validator ran no rule at all"
        return [
            Finding(
                a.get("id", ""),
                a.get("flag", ""),
                " ".join((a.findtext(f"{SVRL}text") or "").split()),
            )
            for a in svrl.iter(f"{SVRL}failed-assert")
        ]

    def fatal(self, xml: bytes) -> list[Finding]:
        return [f for f in self.validate(xml) if f.flag == "fatal"]


@pytest.fixture(scope="session")
def validator():
    return Validator()


@pytest.mark.parametrize("example", sorted(SI_UBL.glob("examples/*_ok*.xml")), ids=lambda p: p.name)
def test_known_good_examples_pass_the_validator(validator, example):
    assert validator.fatal(example.read_bytes()) == []


def test_the_validator_finds_fatal_errors_in_a_broken_document(validator):
    good = (SI_UBL / "examples" / "SI-UBL-2.0_ok_minimal.xml").read_bytes()
    root = ET.fromstring(good)
    supplier = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    supplier.remove(supplier.find("cac:PartyLegalEntity", NS))  # no KvK or OIN: BR-NL-1
    root.find("cac:OrderReference", NS).find("cbc:ID", NS).text = ""
    root.remove(root.find("cac:OrderReference", NS))  # no buyer or order reference: BR-NL-2
    fatal = {f.id for f in validator.fatal(ET.tostring(root))}
    assert {"BR-NL-1", "BR-NL-2"} <= fatal


# ---------------------------------------------------------------- our documents


@pytest.fixture
def documenten(arrangement):
    """The fixed set: invoices 2018 and 2019 for everyone, then corrections."""
    load_voorbeelden()
    services.billing_run(arrangement, 2018, factuurdatum=dt.date(2017, 12, 1))
    services.billing_run(arrangement, 2019, factuurdatum=dt.date(2018, 12, 1))
    f = Factuur.objects.filter(arrangement=arrangement, soort=Factuur.Soort.FACTUUR)
    gewoon = f.get(jaar=2018, gemeente__code="GM0014")
    vrijgesteld = f.get(jaar=2018, gemeente__code="GM0363")
    # Haren (GM0017), Ten Boer and Groningen merged into Groningen on 2019-01-01
    opvolger = f.get(jaar=2019, gemeente__code="GM0014")
    haren = f.get(jaar=2018, gemeente__code="GM0017")
    credit = services.correct_invoice(
        gewoon, "CBS-correctie", inwoners=gewoon.inwoners - 250, factuurdatum=dt.date(2018, 3, 1)
    )
    aanvullend = services.correct_invoice(
        vrijgesteld,
        "CBS-correctie",
        inwoners=vrijgesteld.inwoners + 1000,
        factuurdatum=dt.date(2018, 3, 1),
    )
    credit_opvolger = services.correct_invoice(
        haren, "Dubbel gefactureerd", volledig=True, factuurdatum=dt.date(2019, 3, 1)
    )
    return {
        "factuur": gewoon,
        "vrijgesteld": vrijgesteld,
        "opvolger": opvolger,
        "creditnota": credit,
        "aanvullend": aanvullend,
        "creditnota-opvolger": credit_opvolger,
    }


def _xml(factuur):
    return ET.fromstring(ubl.render(factuur))


@pytest.mark.django_db
@pytest.mark.sqlite
def test_every_document_is_valid_si_ubl(validator, documenten):
    report = {}
    for naam, factuur in documenten.items():
        findings = validator.validate(ubl.render(factuur))
        report[naam] = [str(f) for f in findings if f.flag == "fatal"]
        # nothing but the warnings we accept: none at all
        assert [str(f) for f in findings] == [], (naam, findings)
    assert report == {naam: [] for naam in documenten}
    # and the validator does find what is wrong in one of ours once it is broken
    root = _xml(documenten["creditnota"])
    root.find("cac:CreditNoteLine/cbc:LineExtensionAmount", NS).text = "1.00"
    root.remove(root.find("cbc:BuyerReference", NS))
    fatal = {f.id for f in validator.fatal(ET.tostring(root))}
    assert {"BR-CO-10", "BR-NL-2"} <= fatal, fatal


def _amounts(root, path):
    return [Decimal(e.text) for e in root.findall(path, NS)]


@pytest.mark.django_db
@pytest.mark.sqlite
def test_document_contents(documenten):
    # an ordinary invoice: Invoice 380, NLCIUS, four lines of category O adding up to the total
    f = documenten["factuur"]
    root = _xml(f)
    assert root.tag == f"{{{ubl.NS_INVOICE}}}Invoice"
    assert root.findtext("cbc:CustomizationID", namespaces=NS) == ubl.CUSTOMIZATION_ID
    assert root.findtext("cbc:InvoiceTypeCode", namespaces=NS) == "380"
    assert root.findtext("cbc:ID", namespaces=NS) == f.nummer
    assert root.findtext("cbc:DueDate", namespaces=NS) == f.vervaldatum.isoformat()
    assert root.find("cac:BillingReference", NS) is None
    lines = _amounts(root, "cac:InvoiceLine/cbc:LineExtensionAmount")
    assert len(lines) == 4 and sum(lines) == f.totaal
    total = root.find("cac:LegalMonetaryTotal", NS)
    for name in ("LineExtensionAmount", "TaxExclusiveAmount", "TaxInclusiveAmount"):
        assert Decimal(total.findtext(f"cbc:{name}", namespaces=NS)) == f.totaal
    assert Decimal(total.findtext("cbc:PayableAmount", namespaces=NS)) == f.totaal
    assert root.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS) == "0.00"
    subtotals = root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)
    assert [s.findtext("cac:TaxCategory/cbc:ID", namespaces=NS) for s in subtotals] == ["O"]
    assert subtotals[0].findtext("cac:TaxCategory/cbc:TaxExemptionReason", namespaces=NS)
    assert {e.text for e in root.findall(".//cac:ClassifiedTaxCategory/cbc:ID", NS)} == {"O"}
    assert root.find(".//cac:PartyTaxScheme", NS) is None  # BR-O-02: no VAT identifiers
    # buyer: legal name, address, OIN (0190), buyer reference; seller: KvK (0106), IBAN
    buyer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    gegevens = Factuurgegevens.objects.get(gemeente__code="GM0014")
    assert buyer.findtext("cac:PartyLegalEntity/cbc:RegistrationName", namespaces=NS) == (
        "Gemeente Groningen"
    )
    company = buyer.find("cac:PartyLegalEntity/cbc:CompanyID", NS)
    assert (company.text, company.get("schemeID")) == (gegevens.oin, "0190")
    assert len(gegevens.oin) == 20
    assert buyer.findtext("cac:PostalAddress/cbc:PostalZone", namespaces=NS) == "1000 AA"
    assert root.findtext("cbc:BuyerReference", namespaces=NS) == "VOORBEELD-GM0014"
    seller = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    assert seller.find("cac:PartyLegalEntity/cbc:CompanyID", NS).get("schemeID") == "0106"
    means = root.find("cac:PaymentMeans", NS)
    assert means.findtext("cbc:PaymentMeansCode", namespaces=NS) in {"30", "58"}
    assert means.findtext("cbc:PaymentID", namespaces=NS) == f.betalingskenmerk
    assert len(f.betalingskenmerk) == 16
    assert means.findtext("cac:PayeeFinancialAccount/cbc:ID", namespaces=NS) == (
        Afzendergegevens.objects.get().iban
    )
    assert "voorbeeldgegevens" in root.findtext("cbc:Note", namespaces=NS)

    # exempt from Luisterend Oor: three lines
    root = _xml(documenten["vrijgesteld"])
    names = [e.text for e in root.findall("cac:InvoiceLine/cac:Item/cbc:Name", NS)]
    assert "Luisterend Oor" not in names and len(names) == 3

    # a credit note: CreditNote 381, BillingReference, positive amounts
    c = documenten["creditnota"]
    assert c.totaal < 0
    root = _xml(c)
    assert root.tag == f"{{{ubl.NS_CREDITNOTE}}}CreditNote"
    assert root.findtext("cbc:CreditNoteTypeCode", namespaces=NS) == "381"
    ref = "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"
    assert root.findtext(ref, namespaces=NS) == f.nummer
    lines = _amounts(root, "cac:CreditNoteLine/cbc:LineExtensionAmount")
    assert all(a >= 0 for a in lines) and sum(lines) == -c.totaal
    payable = root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS)
    assert Decimal(payable) == -c.totaal > 0
    assert root.find("cac:InvoiceLine", NS) is None

    # a supplementary invoice: an Invoice 380 with a BillingReference to the original
    a = documenten["aanvullend"]
    assert a.soort == Factuur.Soort.AANVULLEND and a.totaal > 0
    root = _xml(a)
    assert root.tag == f"{{{ubl.NS_INVOICE}}}Invoice"
    assert root.findtext("cbc:InvoiceTypeCode", namespaces=NS) == "380"
    assert root.findtext(ref, namespaces=NS) == documenten["vrijgesteld"].nummer
    lines = _amounts(root, "cac:InvoiceLine/cbc:LineExtensionAmount")
    assert sum(lines) == a.totaal

    # after the herindeling: the successor's own invoice, and the credit note on Haren's
    # invoice addressed to the successor
    root = _xml(documenten["opvolger"])
    assert (
        root.findtext(
            ".//cac:AccountingCustomerParty//cac:PartyIdentification/cbc:ID", namespaces=NS
        )
        == "GM0014"
    )
    cn = documenten["creditnota-opvolger"]
    assert cn.gemeente.code == "GM0014" and cn.verwijst_naar.gemeente.code == "GM0017"
    root = _xml(cn)
    assert root.findtext(ref, namespaces=NS) == cn.verwijst_naar.nummer
    assert (
        root.findtext(".//cac:AccountingCustomerParty//cbc:RegistrationName", namespaces=NS)
        == "Gemeente Groningen"
    )


@pytest.fixture
def billed(arrangement):
    load_voorbeelden()
    services.billing_run(arrangement, 2018, factuurdatum=dt.date(2017, 12, 1))
    return arrangement


@pytest.mark.django_db
@pytest.mark.sqlite
def test_vat_categories_per_service(validator, billed):
    """The VAT categories as they are when a document is issued (each step issues a new
    supplementary invoice: an issued document keeps the categories it was issued with)."""
    f = Factuur.objects.get(arrangement=billed, jaar=2018, gemeente__code="GM0014")
    diensten = billed.diensten.all()
    afzender = Afzendergegevens.objects.get(organisatie=billed.administratiekantoor)
    afzender.btw_nummer = "NL999999999B01"
    afzender.save()
    extra = {"n": 0}

    def issue():
        extra["n"] += 1
        return services.correct_invoice(
            f, "test", inwoners=f.inwoners + extra["n"], factuurdatum=dt.date(2018, 3, 1)
        )

    # with category O the office's VAT number is left out (BR-O-02)
    doc = issue()
    root = _xml(doc)
    assert root.find(".//cac:PartyTaxScheme", NS) is None
    assert validator.fatal(ubl.render(doc)) == []
    # exempt (E): rate 0, a reason, and the office's VAT number
    diensten.update(btw_categorie="E")
    doc = issue()
    xml = ubl.render(doc)
    assert validator.fatal(xml) == []
    root = ET.fromstring(xml)
    assert (
        root.findtext(
            "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID", namespaces=NS
        )
        == "NL999999999B01"
    )
    assert root.findtext(".//cac:TaxSubtotal/cac:TaxCategory/cbc:Percent", namespaces=NS) == "0"
    # the documents issued before keep category O
    assert _xml(f).find(".//cac:PartyTaxScheme", NS) is None
    # E next to Z: two subtotals, still valid
    diensten.filter(code="beheer").update(btw_categorie="Z")
    doc = issue()
    xml = ubl.render(doc)
    assert validator.fatal(xml) == []
    assert len(ET.fromstring(xml).findall("cac:TaxTotal/cac:TaxSubtotal", NS)) == 2
    # O may not be mixed with another category; S (with VAT) is not supported; E needs the
    # office's VAT number: refused with the reason rather than an invalid document
    diensten.filter(code="beheer").update(btw_categorie="O")
    with pytest.raises(ubl.UblError) as error:
        ubl.render(issue())
    assert "BR-O-11" in str(error.value)
    diensten.update(btw_categorie="S")
    with pytest.raises(ubl.UblError, match="niet ondersteund"):
        ubl.render(issue())
    diensten.update(btw_categorie="E")
    afzender.btw_nummer = ""
    afzender.save()
    with pytest.raises(ubl.UblError, match="btw-identificatienummer"):
        ubl.render(issue())


@pytest.mark.django_db
@pytest.mark.sqlite
def test_api_returns_the_e_invoice_and_records_the_reading(billed, make_user):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(make_user(Rol.GEMEENTE, gemeente="GM0014"))
    own = Factuur.objects.get(arrangement=billed, gemeente__code="GM0014")
    r = api.get(f"/api/v1/facturen/{own.uuid}", HTTP_ACCEPT="application/xml")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/xml")
    assert r.content == ubl.render(own)
    own_xml = r.content
    assert ET.fromstring(r.content).findtext("cbc:ID", namespaces=NS) == own.nummer
    assert AuditRegel.objects.filter(
        object_type="abonnementen.factuur",
        object_id=str(own.pk),
        actie="lezen",
        toelichting__contains="UBL",
    ).exists()
    # JSON stays the default
    assert api.get(f"/api/v1/facturen/{own.uuid}").json()["nummer"] == own.nummer
    other = Factuur.objects.get(arrangement=billed, gemeente__code="GM0363")
    r = api.get(f"/api/v1/facturen/{other.uuid}", HTTP_ACCEPT="application/xml")
    assert r.status_code == 404 and r["Content-Type"] == "application/problem+json"
    # without the municipality's details there is no valid e-invoice: 409, nothing recorded
    # (a document issued after they were removed; an issued one keeps the details it carries)
    Factuurgegevens.objects.filter(gemeente__code="GM0014").delete()
    later = services.correct_invoice(
        own, "CBS-correctie", inwoners=own.inwoners + 1, factuurdatum=dt.date(2018, 3, 1)
    )
    kept = api.get(f"/api/v1/facturen/{own.uuid}", HTTP_ACCEPT="application/xml")
    assert kept.status_code == 200 and kept.content == own_xml
    before = AuditRegel.objects.count()
    r = api.get(f"/api/v1/facturen/{later.uuid}", HTTP_ACCEPT="application/xml")
    assert r.status_code == 409 and r["Content-Type"] == "application/problem+json"
    assert "factuurgegevens" in r.content.decode()
    assert AuditRegel.objects.count() == before


@pytest.mark.django_db
@pytest.mark.sqlite
def test_invoice_page_links_the_e_invoice_download(client, billed, make_user, validator):
    client.force_login(make_user(Rol.GEMEENTE, gemeente="GM0014"))
    own = Factuur.objects.get(arrangement=billed, gemeente__code="GM0014")
    other = Factuur.objects.get(arrangement=billed, gemeente__code="GM0363")
    page = client.get(f"/facturen/{own.uuid}").content.decode()
    assert f'href="/facturen/{own.uuid}.xml"' in page and "e-factuur (UBL)" in page
    r = client.get(f"/facturen/{own.uuid}.xml")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/xml")
    assert r["Content-Disposition"] == f'attachment; filename="factuur-{own.nummer}.xml"'
    assert validator.fatal(r.content) == []
    assert AuditRegel.objects.filter(
        object_id=str(own.pk), actie="lezen", toelichting="factuur gelezen (e-factuur, UBL)"
    ).exists()
    assert client.get(f"/facturen/{other.uuid}.xml").status_code == 404
    # a document issued while the office has no sender details has no e-invoice
    Afzendergegevens.objects.all().delete()
    later = services.correct_invoice(
        own, "CBS-correctie", inwoners=own.inwoners + 1, factuurdatum=dt.date(2018, 3, 1)
    )
    assert client.get(f"/facturen/{own.uuid}.xml").status_code == 200  # issued before: kept
    r = client.get(f"/facturen/{later.uuid}.xml", follow=True)
    assert r.redirect_chain[-1][0] == f"/facturen/{later.uuid}"
    assert "Geen e-factuur mogelijk" in r.content.decode()
    assert "afzendergegevens" in r.content.decode()
