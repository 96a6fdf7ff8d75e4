"""Collection and distribution (issue 7): bank statements, payments matched on the invoice's
payment reference and divided over its lines, reminders for overdue invoices, and the
distribution of what was collected to each service's provider per period.

Money flows through three ledgers that add up to the cent:
- the receivables ledger (``abonnementen.Vordering``): a matched payment adds an entry of soort
  *betaling* (negative) for the municipality that holds the receivable; a reversal or refund adds
  one of soort *terugboeking* (positive);
- ``Betalingsregel``: what a payment (or its reversal/refund) brought in per invoice line, hence
  per service and provider;
- ``Afdracht``: per period per service, the sum of the payment lines passed on in that period.
Collected (all payment lines) = distributed (all afdrachten) + held (lines not yet passed on).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samen.core.money import format_euro


class Bankafschrift(models.Model):
    """One imported bank statement; the same statement (identification + account) or the same
    file (sha256) is read once."""

    class Formaat(models.TextChoices):
        CAMT053 = "camt053", "CAMT.053"
        CSV = "csv", "CSV"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    identificatie = models.CharField(_("afschriftnummer"), max_length=100)
    rekening = models.CharField(_("rekening (IBAN)"), max_length=34)
    formaat = models.CharField(max_length=10, choices=Formaat.choices)
    bestandsnaam = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    datum = models.DateField(_("afschriftdatum"), null=True, blank=True)
    posten = models.PositiveIntegerField(_("transacties"), default=0)
    gekoppeld = models.PositiveIntegerField(default=0)
    ongematcht = models.PositiveIntegerField(default=0)
    teruggeboekt = models.PositiveIntegerField(default=0)
    overgeslagen = models.PositiveIntegerField(default=0)
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)
    ingelezen_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ingelezen_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bankafschrift")
        verbose_name_plural = _("bankafschriften")
        ordering = ["-ingelezen_op", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["identificatie", "rekening"], name="bankafschrift_eenmaal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rekening} afschrift {self.identificatie}"


class Betaling(models.Model):
    """A credit on the office's account (imported or registered by hand), a bank reversal of an
    earlier credit, or a refund the office pays back. ``bankreferentie`` is unique: one bank
    transaction is booked once, whatever file it arrives in."""

    class Soort(models.TextChoices):
        BETALING = "betaling", _("betaling")
        TERUGBOEKING = "terugboeking", _("terugboeking door de bank")
        TERUGBETALING = "terugbetaling", _("terugbetaling (creditnota)")

    class Status(models.TextChoices):
        GEKOPPELD = "gekoppeld", _("gekoppeld aan een factuur")
        ONGEMATCHT = "ongematcht", _("niet gekoppeld: ter beoordeling")
        TERUGBETALEN = "terugbetalen", _("terug te betalen")
        TERUGGEBOEKT = "teruggeboekt", _("teruggeboekt")
        VERWERKT = "verwerkt", _("verwerkt")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    soort = models.CharField(max_length=14, choices=Soort.choices, default=Soort.BETALING)
    status = models.CharField(max_length=14, choices=Status.choices)
    bankafschrift = models.ForeignKey(
        Bankafschrift, null=True, blank=True, on_delete=models.PROTECT, related_name="betalingen"
    )
    positie = models.CharField(_("plaats in het bestand"), max_length=100, blank=True)
    bankreferentie = models.CharField(_("bankreferentie"), max_length=120, unique=True)
    eind_tot_eind = models.CharField(_("end-to-end-id"), max_length=120, blank=True)
    boekdatum = models.DateField(_("boekdatum"))
    bedrag = models.DecimalField(max_digits=14, decimal_places=2)
    kenmerk = models.CharField(_("omschrijving/kenmerk"), max_length=500, blank=True)
    tegenrekening = models.CharField(max_length=34, blank=True)
    naam = models.CharField(_("naam tegenpartij"), max_length=200, blank=True)
    factuur = models.ForeignKey(
        "abonnementen.Factuur",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="betalingen",
    )
    gemeente = models.ForeignKey(
        "gemeenten.Gemeente", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    origineel = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correcties"
    )
    reden = models.CharField(_("toelichting"), max_length=300, blank=True)
    # The ledger entries this payment booked: municipality id -> amount (one holder, or the
    # successors of a split); a reversal books the opposite.
    verdeling = models.JSONField(default=dict, blank=True)
    handmatig = models.BooleanField(default=False)
    # A registration by hand carries the key of its request (the form's own, or the API
    # client's Idempotency-Key): a repeated submit finds the first payment instead of booking
    # a second. ``verzoek_sha256`` is the hash of what was asked, to refuse the same key with a
    # different request.
    idempotentiesleutel = models.CharField(max_length=200, blank=True, default="")
    verzoek_sha256 = models.CharField(max_length=64, blank=True, default="")
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)
    geregistreerd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    aangemaakt_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("betaling")
        verbose_name_plural = _("betalingen")
        ordering = ["-boekdatum", "-id"]
        indexes = [models.Index(fields=["status", "boekdatum"], name="betaling_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="gekoppeld", factuur__isnull=False) | ~Q(status="gekoppeld"),
                name="gekoppeld_heeft_factuur",
            ),
            models.CheckConstraint(
                condition=Q(soort="betaling") | Q(origineel__isnull=False),
                name="terugboeking_verwijst",
            ),
            models.UniqueConstraint(
                fields=["idempotentiesleutel"],
                condition=~Q(idempotentiesleutel=""),
                name="betaling_idempotent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_soort_display()} {self.bankreferentie} {format_euro(self.bedrag)}"


class Betalingsregel(models.Model):
    """What one payment (negative: a reversal or refund) brought in on one invoice line. The
    lines of one payment add up to its amount exactly (total-preserving allocation)."""

    betaling = models.ForeignKey(Betaling, on_delete=models.PROTECT, related_name="regels")
    factuurregel = models.ForeignKey(
        "abonnementen.Factuurregel", on_delete=models.PROTECT, related_name="+"
    )
    dienst = models.ForeignKey("abonnementen.Dienst", on_delete=models.PROTECT, related_name="+")
    bedrag = models.DecimalField(max_digits=14, decimal_places=2)
    boekdatum = models.DateField()

    class Meta:
        verbose_name = _("betalingsregel")
        verbose_name_plural = _("betalingsregels")
        ordering = ["betaling", "dienst__volgorde", "id"]
        indexes = [models.Index(fields=["boekdatum"], name="regel_boekdatum")]
        constraints = [
            models.UniqueConstraint(
                fields=["betaling", "factuurregel"], name="betalingsregel_eenmaal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.betaling_id}: {self.dienst_id} {format_euro(self.bedrag)}"


class Herinnering(models.Model):
    class Kanaal(models.TextChoices):
        BRIEF = "brief", _("brief")
        EMAIL = "email", _("e-mail")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    factuur = models.ForeignKey(
        "abonnementen.Factuur", on_delete=models.PROTECT, related_name="herinneringen"
    )
    volgnummer = models.PositiveSmallIntegerField(_("herinnering nr."))
    datum = models.DateField()
    kanaal = models.CharField(max_length=10, choices=Kanaal.choices)
    open_bedrag = models.DecimalField(max_digits=14, decimal_places=2)
    tekst = models.TextField()
    verstuurd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    aangemaakt_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("herinnering")
        verbose_name_plural = _("herinneringen")
        ordering = ["factuur", "volgnummer"]
        constraints = [
            models.UniqueConstraint(fields=["factuur", "volgnummer"], name="herinnering_eenmaal")
        ]

    def __str__(self) -> str:
        return f"{self.factuur} herinnering {self.volgnummer}"


class Afdrachtperiode(models.Model):
    """A distribution run for a period: passes on every payment line booked up to its end that
    was not passed on before. Periods do not overlap and run in order; a period ends before the
    day it is run.

    A mistaken run is reversed by a *reversal period* (``terugdraaiing_van`` the original, with
    a reason): its afdrachten are the originals' negated, and the payment lines get a new link
    to them, so that they are held again (the original links stay). A reversed period no longer
    counts as "the last one"."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    start = models.DateField()
    eind = models.DateField(_("eind (tot en met)"))
    terugdraaiing_van = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="terugdraaiingen",
        verbose_name=_("terugdraaiing van"),
    )
    reden = models.CharField(_("reden"), max_length=300, blank=True, default="")
    uitgevoerd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uitgevoerd_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("afdrachtperiode")
        verbose_name_plural = _("afdrachtperiodes")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(eind__gte=models.F("start")), name="afdrachtperiode_volgorde"
            ),
            models.UniqueConstraint(
                fields=["terugdraaiing_van"],
                condition=Q(terugdraaiing_van__isnull=False),
                name="afdrachtperiode_eenmaal_teruggedraaid",
            ),
        ]

    def __str__(self) -> str:
        text = f"{self.start:%d-%m-%Y} t/m {self.eind:%d-%m-%Y}"
        return f"terugdraaiing van {text}" if self.terugdraaiing_van_id else text

    @property
    def is_terugdraaiing(self) -> bool:
        return self.terugdraaiing_van_id is not None


class Afdracht(models.Model):
    """What is passed on to a service's provider in a period (negative after a late credit note
    or reversal)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    periode = models.ForeignKey(
        Afdrachtperiode, on_delete=models.PROTECT, related_name="afdrachten"
    )
    dienst = models.ForeignKey("abonnementen.Dienst", on_delete=models.PROTECT, related_name="+")
    aanbieder = models.ForeignKey(
        "accounts.Organisatie", on_delete=models.PROTECT, related_name="afdrachten"
    )
    bedrag = models.DecimalField(max_digits=14, decimal_places=2)
    aantal = models.PositiveIntegerField(_("betalingsregels"), default=0)
    # Of a reversal: the afdracht it reverses (its amount negated).
    origineel = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="terugdraaiingen"
    )
    # What was already paid out on reversed afdrachten of this service and is settled here
    # (zero or negative): the provider is paid ``bedrag + verrekend``.
    verrekend = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("afdracht")
        verbose_name_plural = _("afdrachten")
        ordering = ["periode__start", "periode_id", "dienst__volgorde", "id"]
        constraints = [
            models.UniqueConstraint(fields=["periode", "dienst"], name="afdracht_per_dienst")
        ]

    def __str__(self) -> str:
        return f"{self.periode}: {self.dienst} {format_euro(self.bedrag)}"

    @property
    def te_betalen(self):
        """What the provider is paid for this afdracht: nothing for a reversal (it is settled
        in the next afdracht), else the amount less what was settled."""
        return Decimal("0.00") if self.origineel_id else self.bedrag + self.verrekend


class Afdrachtkoppeling(models.Model):
    """Append-only: a payment line passed on in an afdracht (or, linked to a reversal's
    afdracht, held again). A line is held while it has no link or its latest link is to a
    reversal."""

    betalingsregel = models.ForeignKey(
        Betalingsregel, on_delete=models.PROTECT, related_name="koppelingen"
    )
    afdracht = models.ForeignKey(Afdracht, on_delete=models.PROTECT, related_name="koppelingen")
    aangemaakt_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("afdrachtkoppeling")
        verbose_name_plural = _("afdrachtkoppelingen")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["betalingsregel", "id"], name="koppeling_regel"),
            models.Index(fields=["afdracht"], name="koppeling_afdracht"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["betalingsregel", "afdracht"], name="koppeling_eenmaal")
        ]

    def __str__(self) -> str:
        return f"{self.betalingsregel_id} -> {self.afdracht_id}"


class Creditverrekening(models.Model):
    """A credit note is settled once: against the same invoice's open amount (nothing to do) or,
    when its invoice was paid already, by a refund (a ``Betaling`` of soort terugbetaling)."""

    creditnota = models.OneToOneField(
        "abonnementen.Factuur", on_delete=models.PROTECT, related_name="+"
    )
    terugbetaling = models.OneToOneField(
        Betaling, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    datum = models.DateField()
    aangemaakt_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("creditverrekening")
        verbose_name_plural = _("creditverrekeningen")

    def __str__(self) -> str:
        return f"{self.creditnota}"
