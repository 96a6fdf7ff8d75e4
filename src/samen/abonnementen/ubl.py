"""An invoice, credit note or supplementary invoice as an e-invoice: SI-UBL 2.0 (UBL 2.1 with the
NLCIUS CustomizationID), rendered on request from the stored, immutable document, the same
figures as the page, the PDF and the API.

- A yearly invoice and a supplementary invoice are a UBL ``Invoice`` (type 380); a
  supplementary invoice carries a ``BillingReference`` to the invoice it corrects.
- A credit note is a UBL ``CreditNote`` (type 381) with a ``BillingReference``; its negative
  amounts become positive amounts, as UBL expects of a credit note.
- The buyer is the municipality's :class:`Factuurgegevens` (legal name, address, OIN with scheme
  0190 or KvK with scheme 0106, buyer reference); the seller the administration office's
  :class:`Afzendergegevens` (KvK or OIN, VAT number where allowed, IBAN), both as they were when
  the document was issued (``vastlegging``: later edits reach new documents only, so an issued
  document is the same bytes every time). Payment means 58
  (SEPA credit transfer) with the IBAN, PaymentID = the 16-digit payment reference.
- Every line has the VAT category of its service (``Dienst.btw_categorie``). Invoices are billed
  without VAT, so only categories with no VAT amount are supported: O (not subject to VAT: no
  rate, an exemption reason, and no VAT identifiers at all, as EN 16931 BR-O-02 demands), E
  (exempt, 0%, with a reason) and Z (zero rated, 0%); E and Z need the sender's VAT number. A
  document that cannot be valid is refused with :class:`UblError` (409) that says why.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import OrderedDict
from decimal import ROUND_HALF_UP, Decimal

from samen.abonnementen.models import Factuur
from samen.core.errors import Conflict, Problem
from samen.core.money import format_euro, format_number

MEDIA_TYPE = "application/xml"
CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDITNOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
SCHEME_OIN = "0190"
SCHEME_KVK = "0106"
SEPA_OVERMAKING = "58"
CENT = Decimal("0.01")

ET.register_namespace("cac", NS_CAC)
ET.register_namespace("cbc", NS_CBC)


class Categorie:
    """A supported VAT category: its rate (None: no rate allowed) and exemption reason."""

    def __init__(self, code: str, percent: Decimal | None, reden: str, btw_afzender: bool):
        self.code, self.percent, self.reden, self.btw_afzender = code, percent, reden, btw_afzender


CATEGORIEEN = {
    "O": Categorie("O", None, "Niet onderworpen aan btw (buiten de heffing)", False),
    "E": Categorie("E", Decimal("0"), "Vrijgesteld van btw", True),
    "Z": Categorie("Z", Decimal("0"), "", True),
}


class UblError(Conflict):
    """The document cannot be a valid e-invoice with the details on file."""


def _amount(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


class _Builder:
    def __init__(self, root_ns: str, root_name: str):
        # The root is written unprefixed in the document's default namespace (ElementTree's
        # default_namespace option refuses the unprefixed attributes UBL uses).
        self.root = ET.Element(root_name, {"xmlns": root_ns})

    @staticmethod
    def cbc(parent, name: str, text, **attrs):
        el = ET.SubElement(parent, f"{{{NS_CBC}}}{name}", {k: str(v) for k, v in attrs.items()})
        el.text = str(text)
        return el

    @staticmethod
    def cac(parent, name: str):
        return ET.SubElement(parent, f"{{{NS_CAC}}}{name}")

    def euro(self, parent, name: str, value: Decimal):
        return self.cbc(parent, name, _amount(value), currencyID="EUR")


def _legal_id(gegevens, prefer_oin: bool) -> tuple[str, str]:
    order = [(gegevens.oin, SCHEME_OIN), (gegevens.kvk, SCHEME_KVK)]
    if not prefer_oin:
        order.reverse()
    return next((value, scheme) for value, scheme in order if value)


def problems(factuur: Factuur) -> list[Problem]:
    """Why this document cannot be a valid e-invoice (empty: it can)."""
    found = []
    gegevens, afzender = _partijen(factuur)
    if gegevens is None:
        found.append(
            Problem(
                "factuurgegevens",
                f"gemeente {factuur.gemeente.naam} ({factuur.gemeente.code}) heeft nog geen "
                "factuurgegevens (juridische naam, adres, OIN of KvK)",
                "conflict",
            )
        )
    if afzender is None:
        found.append(
            Problem(
                "afzendergegevens",
                f"het administratiekantoor {factuur.arrangement.administratiekantoor.naam} heeft "
                "nog geen afzendergegevens (juridische naam, adres, KvK of OIN, IBAN)",
                "conflict",
            )
        )
    if not factuur.uitgegeven:
        found.append(Problem("status", "alleen een uitgegeven document heeft een e-factuur"))
    codes = {_dienst(regel, afzender)["btw_categorie"] for regel in _regels(factuur)}
    onbekend = sorted(codes - CATEGORIEEN.keys())
    if onbekend:
        found.append(
            Problem(
                "btw_categorie",
                f"btw-categorie {', '.join(onbekend)} wordt niet ondersteund: facturen zijn "
                "zonder btw; gebruik O (buiten de heffing), E (vrijgesteld) of Z (nultarief)",
                "conflict",
            )
        )
    if "O" in codes and len(codes) > 1:
        found.append(
            Problem(
                "btw_categorie",
                "een document met categorie O (buiten de heffing) mag geen andere btw-categorieën "
                "bevatten (EN 16931 BR-O-11/BR-O-12)",
                "conflict",
            )
        )
    if afzender is not None and not afzender.btw_nummer:
        nodig = sorted(c for c in codes & CATEGORIEEN.keys() if CATEGORIEEN[c].btw_afzender)
        if nodig:
            found.append(
                Problem(
                    "btw_nummer",
                    f"btw-categorie {', '.join(nodig)} vraagt het btw-identificatienummer van "
                    "het administratiekantoor",
                    "conflict",
                )
            )
    regels = _regels(factuur)
    if sum((r.bedrag for r in regels), Decimal("0")) != factuur.totaal:
        found.append(Problem("regels", "de regels tellen niet op tot het totaal", "conflict"))
    return found


def _partijen(factuur: Factuur):
    """Buyer and seller as the issued document carries them (``vastlegging``)."""
    from samen.abonnementen import vastlegging

    return vastlegging.partijen(factuur)


def _dienst(regel, afzender) -> dict:
    """A line's service as the document carries it: name, provider and VAT category as they
    were at issue (the current service for a document without fixed details)."""
    fixed = afzender.dienst(regel.dienst.code) if afzender is not None else {}
    return {
        "naam": fixed.get("naam", regel.dienst.naam),
        "aanbieder": fixed.get("aanbieder", regel.dienst.aanbieder.naam),
        "btw_categorie": fixed.get("btw_categorie", regel.dienst.btw_categorie.strip().upper()),
    }


def _regels(factuur: Factuur):
    cache = getattr(factuur, "_ubl_regels", None)
    if cache is None:
        cache = list(
            factuur.regels.select_related("dienst__aanbieder").order_by("dienst__volgorde", "id")
        )
        factuur._ubl_regels = cache
    return cache


def _address(b: _Builder, party, gegevens) -> None:
    adres = b.cac(party, "PostalAddress")
    b.cbc(adres, "StreetName", gegevens.straatnaam)
    b.cbc(adres, "CityName", gegevens.plaats)
    b.cbc(adres, "PostalZone", gegevens.postcode)
    b.cbc(b.cac(adres, "Country"), "IdentificationCode", gegevens.land)


def _party(b: _Builder, parent_name: str, gegevens, prefer_oin: bool, btw: bool, extra=None):
    party = b.cac(b.cac(b.root, parent_name), "Party")
    legal_id, scheme = _legal_id(gegevens, prefer_oin)
    b.cbc(party, "EndpointID", legal_id, schemeID=scheme)
    if extra and extra.get("id"):
        b.cbc(b.cac(party, "PartyIdentification"), "ID", extra["id"])
    if extra and extra.get("naam"):
        b.cbc(b.cac(party, "PartyName"), "Name", extra["naam"])
    _address(b, party, gegevens)
    if btw and gegevens.btw_nummer:
        scheme_el = b.cac(party, "PartyTaxScheme")
        b.cbc(scheme_el, "CompanyID", gegevens.btw_nummer)
        b.cbc(b.cac(scheme_el, "TaxScheme"), "ID", "VAT")
    entity = b.cac(party, "PartyLegalEntity")
    b.cbc(entity, "RegistrationName", gegevens.juridische_naam)
    b.cbc(entity, "CompanyID", legal_id, schemeID=scheme)
    if extra and extra.get("email"):
        b.cbc(b.cac(party, "Contact"), "ElectronicMail", extra["email"])
    return party


def _tax_category(b: _Builder, parent, name: str, cat: Categorie, reason: bool):
    el = b.cac(parent, name)
    b.cbc(el, "ID", cat.code)
    if cat.percent is not None:
        b.cbc(el, "Percent", f"{cat.percent:.0f}")
    if reason and cat.reden:
        b.cbc(el, "TaxExemptionReason", cat.reden)
    b.cbc(b.cac(el, "TaxScheme"), "ID", "VAT")
    return el


def _notes(factuur: Factuur, gegevens, afzender) -> str:
    lines = [f"{afzender.get('arrangement', factuur.arrangement.naam)}, jaar {factuur.jaar}."]
    if factuur.soort == Factuur.Soort.FACTUUR:
        lines.append(
            f"{format_number(factuur.inwoners)} inwoners (CBS, 1 januari {factuur.bronjaar}) × "
            f"{format_euro(factuur.prijs)} per inwoner."
        )
    else:
        lines.append(
            f"Correctie op factuur {factuur.verwijst_naar.nummer}: {factuur.reden} "
            f"(verschil {format_number(factuur.inwoners)} inwoners × {format_euro(factuur.prijs)})."
        )
    if factuur.vrijgesteld:
        lines.append(f"Vrijgesteld van: {factuur.vrijgesteld}.")
    if gegevens.voorbeeld or afzender.voorbeeld:
        lines.append("Let op: bevat voorbeeldgegevens, geen echte factuur.")
    return " ".join(lines)


def document(factuur: Factuur) -> ET.Element:
    """The UBL element tree; raises :class:`UblError` when the document cannot be valid."""
    found = problems(factuur)
    if found:
        raise UblError(f"{factuur.nummer or factuur}: geen geldige e-factuur mogelijk", found)
    gegevens, afzender = _partijen(factuur)
    credit = factuur.soort == Factuur.Soort.CREDITNOTA
    sign = Decimal("-1") if credit else Decimal("1")
    b = _Builder(NS_CREDITNOTE if credit else NS_INVOICE, "CreditNote" if credit else "Invoice")
    root = b.root
    regels = _regels(factuur)
    categories = OrderedDict()
    for regel in regels:
        code = _dienst(regel, afzender)["btw_categorie"]
        categories[code] = categories.get(code, Decimal("0")) + regel.bedrag * sign
    vat_ids = "O" not in categories  # BR-O-02: no VAT identifiers next to category O
    totaal = factuur.totaal * sign

    b.cbc(root, "UBLVersionID", "2.1")
    b.cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    b.cbc(root, "ProfileID", PROFILE_ID)
    b.cbc(root, "ID", factuur.nummer)
    b.cbc(root, "IssueDate", factuur.factuurdatum.isoformat())
    if not credit and factuur.vervaldatum:
        b.cbc(root, "DueDate", factuur.vervaldatum.isoformat())
    b.cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", "381" if credit else "380")
    b.cbc(root, "Note", _notes(factuur, gegevens, afzender))
    b.cbc(root, "DocumentCurrencyCode", "EUR")
    b.cbc(root, "BuyerReference", gegevens.inkoopreferentie or factuur.gemeente.code)
    periode = b.cac(root, "InvoicePeriod")
    b.cbc(periode, "StartDate", f"{factuur.jaar}-01-01")
    b.cbc(periode, "EndDate", f"{factuur.jaar}-12-31")
    if factuur.verwijst_naar_id:
        ref = b.cac(b.cac(root, "BillingReference"), "InvoiceDocumentReference")
        b.cbc(ref, "ID", factuur.verwijst_naar.nummer)

    _party(
        b,
        "AccountingSupplierParty",
        afzender,
        prefer_oin=False,
        btw=vat_ids,
        extra={"naam": afzender.get("naam", factuur.arrangement.administratiekantoor.naam)},
    )
    _party(
        b,
        "AccountingCustomerParty",
        gegevens,
        prefer_oin=True,
        btw=vat_ids,
        extra={"id": factuur.gemeente.code, "email": gegevens.email},
    )

    means = b.cac(root, "PaymentMeans")
    b.cbc(means, "PaymentMeansCode", SEPA_OVERMAKING)
    b.cbc(means, "PaymentID", factuur.betalingskenmerk)
    b.cbc(b.cac(means, "PayeeFinancialAccount"), "ID", afzender.iban)
    terms = b.cac(root, "PaymentTerms")
    if credit:
        b.cbc(
            terms,
            "Note",
            f"Wordt verrekend met de vordering op factuur {factuur.verwijst_naar.nummer}.",
        )
    else:
        b.cbc(
            terms,
            "Note",
            f"Betalen vóór {factuur.vervaldatum:%d-%m-%Y} onder vermelding van "
            f"betalingskenmerk {factuur.betalingskenmerk}.",
        )

    tax_total = b.cac(root, "TaxTotal")
    b.euro(tax_total, "TaxAmount", Decimal("0"))
    for code, taxable in categories.items():
        sub = b.cac(tax_total, "TaxSubtotal")
        b.euro(sub, "TaxableAmount", taxable)
        b.euro(sub, "TaxAmount", Decimal("0"))
        _tax_category(b, sub, "TaxCategory", CATEGORIEEN[code], reason=True)

    monetary = b.cac(root, "LegalMonetaryTotal")
    for name in ("LineExtensionAmount", "TaxExclusiveAmount", "TaxInclusiveAmount"):
        b.euro(monetary, name, totaal)
    b.euro(monetary, "PayableAmount", totaal)

    for n, regel in enumerate(regels, start=1):
        bedrag = regel.bedrag * sign
        line = b.cac(root, "CreditNoteLine" if credit else "InvoiceLine")
        b.cbc(line, "ID", n)
        # A price is never negative (BR-27): a negative line amount is a quantity of -1.
        b.cbc(
            line,
            "CreditedQuantity" if credit else "InvoicedQuantity",
            "-1" if bedrag < 0 else "1",
            unitCode="C62",
        )
        b.euro(line, "LineExtensionAmount", bedrag)
        dienst = _dienst(regel, afzender)
        item = b.cac(line, "Item")
        b.cbc(item, "Description", f"Aanbieder: {dienst['aanbieder']}")
        b.cbc(item, "Name", dienst["naam"])
        b.cbc(b.cac(item, "SellersItemIdentification"), "ID", regel.dienst.code)
        cat = CATEGORIEEN[dienst["btw_categorie"]]
        _tax_category(b, item, "ClassifiedTaxCategory", cat, reason=False)
        b.euro(b.cac(line, "Price"), "PriceAmount", abs(bedrag))
    return root


def render(factuur: Factuur) -> bytes:
    """The e-invoice as UTF-8 XML; raises :class:`UblError` when it cannot be valid."""
    body = ET.tostring(document(factuur), encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def filename(factuur: Factuur) -> str:
    return f"{factuur.soort}-{factuur.nummer}.xml"
