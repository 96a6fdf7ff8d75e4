"""The interpreter service (Tolkvoorziening): clients with their entitlements, interpreters,
requests, offers, assignments and the tariff table that prices them.

What is kept of a client is only what the service needs (GDPR art. 9): a pseudonymous client
number (never a BSN), the municipality of residence, the interpreter types needed and the
entitlements. ``samen tolk-opschonen`` deletes what has passed its retention period.

No interpreter is booked twice for overlapping times: an exclusion constraint on PostgreSQL and
triggers on SQLite (migration 0002) refuse an overlapping active assignment, whatever the
application does."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samen.gemeenten.models import Gemeente


class Tolktype(models.TextChoices):
    NGT = "ngt", _("Nederlandse Gebarentaal (NGT)")
    NMG = "nmg", _("Nederlands met Gebaren (NmG)")
    SCHRIJFTOLK = "schrijftolk", _("schrijftolk")
    TACTIEL = "tactiel", _("tactiel tolken (doofblind)")


class Domein(models.TextChoices):
    WERK = "werk", _("werk en inkomen")
    LEEF = "leef", _("leefdomein (Wmo)")
    ONDERWIJS = "onderwijs", _("onderwijs")


class Betaler(models.TextChoices):
    GEMEENTE = "gemeente", _("gemeente")
    UWV = "uwv", _("UWV")
    OCW = "ocw", _("OCW (onderwijs)")


class Urgentie(models.TextChoices):
    GEPLAND = "gepland", _("gepland")
    BINNEN_24_UUR = "24uur", _("binnen 24 uur")
    SPOED = "spoed", _("spoed")


class Client(models.Model):
    """A registered user of the service, known only by a pseudonymous client number."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    nummer = models.CharField(_("cliëntnummer"), max_length=20, unique=True)
    gemeente = models.ForeignKey(
        Gemeente,
        on_delete=models.PROTECT,
        related_name="tolkclienten",
        verbose_name=_("woongemeente (bij inschrijving)"),
    )
    tolktypen = models.JSONField(_("nodige tolktypen"), default=list)
    ingeschreven_op = models.DateField(_("ingeschreven op"))
    uitgeschreven_op = models.DateField(_("uitgeschreven op"), null=True, blank=True)
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)

    class Meta:
        verbose_name = _("cliënt")
        verbose_name_plural = _("cliënten")
        ordering = ["nummer"]

    def __str__(self) -> str:
        return self.nummer

    @property
    def gemeente_code(self) -> str:
        """The current municipality of residence (the successor after a herindeling): the
        scope of ``.eigen`` permissions."""
        from samen.tolk.queries import woongemeente_code

        return woongemeente_code(self)


class Indicatie(models.Model):
    """An entitlement of a client for one domain and year, with its payer and hours."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="indicaties", verbose_name=_("cliënt")
    )
    domein = models.CharField(_("domein"), max_length=12, choices=Domein.choices)
    participatiewet = models.BooleanField(
        _("Participatiewet"),
        default=False,
        help_text=_("Werk en inkomen onder de Participatiewet: de gemeente betaalt."),
    )
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    betaler = models.CharField(_("betaler"), max_length=10, choices=Betaler.choices)
    uren_toegekend = models.DecimalField(_("uren toegekend"), max_digits=7, decimal_places=2)
    uren_gebruikt = models.DecimalField(
        _("uren gebruikt"), max_digits=7, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = _("indicatie")
        verbose_name_plural = _("indicaties")
        ordering = ["client", "jaar", "domein"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "domein", "jaar"], name="tolk_indicatie_een_per_domein_jaar"
            ),
            models.CheckConstraint(
                condition=Q(uren_toegekend__gte=0) & Q(uren_gebruikt__gte=0),
                name="tolk_indicatie_uren_niet_negatief",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.get_domein_display()} {self.jaar}"

    @property
    def gemeente_code(self) -> str:
        return self.client.gemeente_code

    @property
    def uren_over(self):
        return self.uren_toegekend - self.uren_gebruikt


class Meeruurverzoek(models.Model):
    """A request for extra hours on an entitlement, decided by its payer."""

    class Status(models.TextChoices):
        INGEDIEND = "ingediend", _("ingediend")
        TOEGEKEND = "toegekend", _("toegekend")
        AFGEWEZEN = "afgewezen", _("afgewezen")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    indicatie = models.ForeignKey(
        Indicatie, on_delete=models.CASCADE, related_name="meeruurverzoeken"
    )
    uren = models.DecimalField(_("extra uren"), max_digits=6, decimal_places=2)
    motivering = models.TextField(_("motivering"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INGEDIEND
    )
    ingediend_op = models.DateField(_("ingediend op"))
    besloten_op = models.DateField(_("besloten op"), null=True, blank=True)
    besloten_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    toelichting = models.TextField(_("toelichting bij het besluit"), blank=True)

    class Meta:
        verbose_name = _("verzoek om meer uren")
        verbose_name_plural = _("verzoeken om meer uren")
        ordering = ["ingediend_op", "id"]

    def __str__(self) -> str:
        return f"{self.indicatie}: {self.uren} uur"

    @property
    def gemeente_code(self) -> str:
        return self.indicatie.gemeente_code


class Tolk(models.Model):
    """An interpreter: qualifications and home municipality (its centroid places them)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    gebruiker = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tolk",
    )
    naam = models.CharField(_("naam"), max_length=120)
    kwalificaties = models.JSONField(_("kwalificaties"), default=list)
    woongemeente = models.ForeignKey(
        Gemeente, on_delete=models.PROTECT, related_name="+", verbose_name=_("woongemeente")
    )
    achterwacht = models.BooleanField(_("achterwacht"), default=False)
    actief = models.BooleanField(_("actief"), default=True)
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)

    class Meta:
        verbose_name = _("tolk")
        verbose_name_plural = _("tolken")
        ordering = ["naam", "id"]

    def __str__(self) -> str:
        return self.naam


class Aanvraag(models.Model):
    """A request for an interpreter: when, where (or remote), which type, how urgent."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        AANGEBODEN = "aangeboden", _("aangeboden")
        TOEGEWEZEN = "toegewezen", _("toegewezen")
        UITGEVOERD = "uitgevoerd", _("uitgevoerd")
        GEANNULEERD = "geannuleerd", _("geannuleerd")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    nummer = models.CharField(_("referentie"), max_length=20, unique=True)
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="aanvragen"
    )
    indicatie = models.ForeignKey(
        Indicatie, on_delete=models.SET_NULL, null=True, blank=True, related_name="aanvragen"
    )
    domein = models.CharField(_("domein"), max_length=12, choices=Domein.choices)
    betaler = models.CharField(_("betaler"), max_length=10, choices=Betaler.choices)
    # The paying municipality at the time of the request (kept after the client is deleted).
    betaler_gemeente = models.ForeignKey(
        Gemeente, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tolktype = models.CharField(_("tolktype"), max_length=12, choices=Tolktype.choices)
    begin = models.DateTimeField(_("begin"))
    duur_minuten = models.PositiveIntegerField(_("duur (minuten)"))
    op_afstand = models.BooleanField(_("op afstand (beeldtolken)"), default=False)
    plaats = models.ForeignKey(
        Gemeente,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plaats (gemeente)"),
    )
    urgentie = models.CharField(
        _("urgentie"), max_length=10, choices=Urgentie.choices, default=Urgentie.GEPLAND
    )
    voorkeur_tolken = models.ManyToManyField(Tolk, blank=True, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    ingediend_op = models.DateTimeField(_("ingediend op"))
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)

    class Meta:
        verbose_name = _("aanvraag")
        verbose_name_plural = _("aanvragen")
        ordering = ["begin", "id"]
        indexes = [models.Index(fields=["status", "begin"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(op_afstand=True) | Q(plaats__isnull=False),
                name="tolk_aanvraag_plaats_of_op_afstand",
            ),
            models.CheckConstraint(condition=Q(duur_minuten__gt=0), name="tolk_aanvraag_duur"),
        ]

    def __str__(self) -> str:
        return self.nummer


class Aanbod(models.Model):
    """An offer of a request to one interpreter; the first acceptance wins."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        GEACCEPTEERD = "geaccepteerd", _("geaccepteerd")
        VERVALLEN = "vervallen", _("vervallen")
        AFGEWEZEN = "afgewezen", _("afgewezen")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    aanvraag = models.ForeignKey(Aanvraag, on_delete=models.CASCADE, related_name="aanbiedingen")
    tolk = models.ForeignKey(Tolk, on_delete=models.CASCADE, related_name="aanbiedingen")
    verstuurd_op = models.DateTimeField(_("verstuurd op"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )

    class Meta:
        verbose_name = _("aanbod")
        verbose_name_plural = _("aanbiedingen")
        ordering = ["verstuurd_op", "id"]
        constraints = [
            models.UniqueConstraint(fields=["aanvraag", "tolk"], name="tolk_aanbod_een_per_tolk")
        ]

    def __str__(self) -> str:
        return f"{self.aanvraag} → {self.tolk}"


class Tarieftabel(models.Model):
    """The tariffs of a year, versioned: the latest version of a year prices its assignments.
    Public (the service's prices are no secret)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    versie = models.PositiveSmallIntegerField(_("versie"))
    uurtarief = models.DecimalField(_("uurtarief"), max_digits=8, decimal_places=2)
    reisuurtarief = models.DecimalField(_("tarief per reisuur"), max_digits=8, decimal_places=2)
    kilometertarief = models.DecimalField(_("tarief per km"), max_digits=6, decimal_places=3)
    vastgesteld_op = models.DateField(_("vastgesteld op"))

    class Meta:
        verbose_name = _("tarieftabel")
        verbose_name_plural = _("tarieftabellen")
        ordering = ["-jaar", "-versie"]
        constraints = [
            models.UniqueConstraint(fields=["jaar", "versie"], name="tolk_tarief_jaar_versie")
        ]

    def __str__(self) -> str:
        return f"{self.jaar} v{self.versie}"


class Opdracht(models.Model):
    """An assignment: an accepted request for one interpreter. Completed, it carries the hours,
    travel time and distance, and its price under the tariff table of its year."""

    class Status(models.TextChoices):
        GEPLAND = "gepland", _("gepland")
        UITGEVOERD = "uitgevoerd", _("uitgevoerd")
        GEANNULEERD = "geannuleerd", _("geannuleerd")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    aanvraag = models.ForeignKey(Aanvraag, on_delete=models.PROTECT, related_name="opdrachten")
    tolk = models.ForeignKey(Tolk, on_delete=models.PROTECT, related_name="opdrachten")
    begin = models.DateTimeField(_("begin"))
    eind = models.DateTimeField(_("eind"))
    # False once cancelled: only active assignments take the interpreter's time.
    actief = models.BooleanField(default=True)
    # The booked length (end - begin), kept for the monthly load the matcher orders by.
    minuten = models.PositiveIntegerField(_("geboekte minuten"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.GEPLAND
    )
    uren = models.DecimalField(_("uren"), max_digits=6, decimal_places=2, null=True, blank=True)
    reistijd_minuten = models.PositiveIntegerField(_("reistijd (minuten)"), default=0)
    reisafstand_km = models.DecimalField(
        _("reisafstand (km)"), max_digits=7, decimal_places=1, default=0
    )
    tarief = models.ForeignKey(
        Tarieftabel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bedrag = models.DecimalField(
        _("bedrag"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    afgerond_op = models.DateField(_("afgerond op"), null=True, blank=True)

    class Meta:
        verbose_name = _("opdracht")
        verbose_name_plural = _("opdrachten")
        ordering = ["begin", "id"]
        indexes = [
            models.Index(fields=["tolk", "begin"]),
            models.Index(fields=["status", "begin"]),
            models.Index(fields=["begin", "tolk"], name="tolk_opdracht_begin_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(eind__gt=models.F("begin")), name="tolk_opdracht_tijd"
            ),
            models.UniqueConstraint(
                fields=["aanvraag"],
                condition=Q(actief=True),
                name="tolk_opdracht_een_actieve_per_aanvraag",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.aanvraag.nummer} ({self.tolk})"
