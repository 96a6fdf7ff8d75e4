"""The collective fund (first part): compartments, activities, versioned budget lines, stated
totals that are reconciled, and yearly contributions per municipality."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Fonds(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    naam = models.CharField(max_length=200, unique=True)
    toelichting = models.TextField(blank=True)

    class Meta:
        verbose_name = _("fonds")
        verbose_name_plural = _("fondsen")

    def __str__(self) -> str:
        return self.naam


class Compartiment(models.Model):
    class Code(models.TextChoices):
        BEHEER = "beheer", _("beheer (standaarden en processen)")
        STRUCTUREEL = "structureel", _("structureel (monitors, programma's, ondersteuning)")
        INNOVATIE = "innovatie", _("innovatie (nieuwe toepassingen en programma's)")

    fonds = models.ForeignKey(Fonds, on_delete=models.CASCADE, related_name="compartimenten")
    code = models.CharField(max_length=20, choices=Code.choices)
    naam = models.CharField(max_length=200)

    class Meta:
        ordering = ["fonds", "code"]
        constraints = [models.UniqueConstraint(fields=["fonds", "code"], name="compartiment_uniek")]

    def __str__(self) -> str:
        return self.naam


class Activiteit(models.Model):
    class Soort(models.TextChoices):
        STRUCTUREEL = "structureel", _("structureel")
        INCIDENTEEL = "incidenteel", _("incidenteel/tijdelijk")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    compartiment = models.ForeignKey(
        Compartiment, on_delete=models.PROTECT, related_name="activiteiten"
    )
    naam = models.CharField(max_length=200)
    soort = models.CharField(max_length=20, choices=Soort.choices)
    voorziening = models.ForeignKey(
        "portfolio.Voorziening",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activiteiten",
    )
    verplichting_vereist = models.BooleanField(
        default=False, help_text=_("Uitgaven alleen tegen een aangegane verplichting.")
    )

    class Meta:
        ordering = ["compartiment", "soort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["compartiment", "naam"], name="activiteit_uniek")
        ]

    def __str__(self) -> str:
        return self.naam


class Begrotingsregel(models.Model):
    """The budget of an activity for one year; a revision is a new version, history stays."""

    activiteit = models.ForeignKey(Activiteit, on_delete=models.PROTECT, related_name="begroting")
    jaar = models.PositiveSmallIntegerField()
    versie = models.PositiveSmallIntegerField()
    bedrag = models.DecimalField(max_digits=14, decimal_places=2)
    toelichting = models.CharField(max_length=300, blank=True)
    ingevoerd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ingevoerd_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["activiteit", "jaar", "versie"]
        constraints = [
            models.UniqueConstraint(
                fields=["activiteit", "jaar", "versie"], name="begrotingsregel_versie"
            ),
            models.CheckConstraint(condition=Q(bedrag__gte=0), name="begroting_niet_negatief"),
        ]

    def __str__(self) -> str:
        return f"{self.activiteit} {self.jaar} v{self.versie}: {self.bedrag}"


class GenoemdTotaal(models.Model):
    """A total as stated in a document, reconciled against the sum of its lines."""

    fonds = models.ForeignKey(Fonds, on_delete=models.CASCADE, related_name="genoemde_totalen")
    jaar = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=200)
    soort = models.CharField(
        max_length=20,
        choices=Activiteit.Soort.choices,
        blank=True,
        help_text=_("Leeg: alle activiteiten van het jaar."),
    )
    bedrag = models.DecimalField(max_digits=14, decimal_places=2)
    bron = models.CharField(max_length=300)

    class Meta:
        ordering = ["fonds", "jaar", "id"]

    def __str__(self) -> str:
        return f"{self.label}: {self.bedrag}"


class Bijdrageregeling(models.Model):
    """The yearly contribution: a total or an amount per inhabitant, on the population rule."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fonds = models.ForeignKey(Fonds, on_delete=models.PROTECT, related_name="bijdrageregelingen")
    jaar = models.PositiveSmallIntegerField()
    totaal = models.DecimalField(max_digits=14, decimal_places=2)
    per_inwoner = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    bronjaar = models.PositiveSmallIntegerField(_("inwoners op 1 januari van"))
    sleutel = models.CharField(
        _("verdeelsleutel"),
        max_length=20,
        default="inwoners",
        help_text=_("inwoners (de bevolkingsregel) of ingevoerd (een sleutel per gemeente)"),
    )
    toelichting = models.TextField(blank=True)
    vastgesteld_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fonds", "-jaar"]
        constraints = [
            models.UniqueConstraint(fields=["fonds", "jaar"], name="een_bijdrage_per_jaar")
        ]

    def __str__(self) -> str:
        return f"{self.fonds} {self.jaar}: {self.totaal}"


class Bijdrage(models.Model):
    regeling = models.ForeignKey(
        Bijdrageregeling, on_delete=models.CASCADE, related_name="aandelen"
    )
    gemeente = models.ForeignKey("gemeenten.Gemeente", on_delete=models.PROTECT, related_name="+")
    inwoners = models.PositiveIntegerField()
    bedrag = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["regeling", "gemeente__naam"]
        constraints = [
            models.UniqueConstraint(fields=["regeling", "gemeente"], name="bijdrage_uniek")
        ]

    def __str__(self) -> str:
        return f"{self.gemeente}: {self.bedrag}"

    @property
    def gemeente_code(self) -> str:
        return self.gemeente.code


class Autorisatie(models.Model):
    """The yearly authorisation of an activity: proposed by the College, decided by the board
    (the decision is a `Besluit` of kind autorisatie). Spending beyond it is refused."""

    class Status(models.TextChoices):
        VOORGESTELD = "voorgesteld", _("voorgesteld door het College")
        VASTGESTELD = "vastgesteld", _("vastgesteld door het bestuur")
        AFGEWEZEN = "afgewezen", _("afgewezen")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    activiteit = models.ForeignKey(
        Activiteit, on_delete=models.PROTECT, related_name="autorisaties"
    )
    jaar = models.PositiveSmallIntegerField()
    bedrag = models.DecimalField(max_digits=14, decimal_places=2)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.VOORGESTELD)
    voorgesteld_door = models.CharField(max_length=200, blank=True)
    besluit = models.ForeignKey(
        "besluiten.Besluit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["jaar", "activiteit"]
        constraints = [
            models.CheckConstraint(condition=Q(bedrag__gte=0), name="autorisatie_niet_negatief")
        ]

    def __str__(self) -> str:
        return f"{self.activiteit} {self.jaar}: {self.bedrag} ({self.status})"


class Verplichting(models.Model):
    """A commitment with its schedule per year; incentives and prefinancing are commitments too."""

    class Soort(models.TextChoices):
        GEWOON = "gewoon", _("verplichting")
        STIMULERING = "stimulering", _("financiële prikkel")
        VOORFINANCIERING = "voorfinanciering", _("voorfinanciering")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    activiteit = models.ForeignKey(
        Activiteit, on_delete=models.PROTECT, related_name="verplichtingen"
    )
    soort = models.CharField(max_length=20, choices=Soort.choices, default=Soort.GEWOON)
    referentie = models.CharField(max_length=100)
    omschrijving = models.CharField(max_length=300)
    datum = models.DateField()

    class Meta:
        ordering = ["datum", "id"]

    def __str__(self) -> str:
        return f"{self.referentie}: {self.omschrijving}"


class Termijn(models.Model):
    verplichting = models.ForeignKey(
        Verplichting, on_delete=models.CASCADE, related_name="termijnen"
    )
    jaar = models.PositiveSmallIntegerField()
    bedrag = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["verplichting", "jaar"]
        constraints = [
            models.UniqueConstraint(fields=["verplichting", "jaar"], name="termijn_uniek"),
            models.CheckConstraint(condition=Q(bedrag__gte=0), name="termijn_niet_negatief"),
        ]

    def __str__(self) -> str:
        return f"{self.verplichting} {self.jaar}: {self.bedrag}"


class Realisatie(models.Model):
    """Spending on an activity, consuming the commitment it is booked against."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    activiteit = models.ForeignKey(Activiteit, on_delete=models.PROTECT, related_name="realisaties")
    verplichting = models.ForeignKey(
        Verplichting, null=True, blank=True, on_delete=models.PROTECT, related_name="realisaties"
    )
    datum = models.DateField()
    bedrag = models.DecimalField(max_digits=14, decimal_places=2)
    referentie = models.CharField(max_length=100)
    toelichting = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["datum", "id"]

    def __str__(self) -> str:
        return f"{self.referentie}: {self.bedrag}"


class Toelichting(models.Model):
    """A note explaining an activity's difference in the accountability report of a year."""

    activiteit = models.ForeignKey(
        Activiteit, on_delete=models.CASCADE, related_name="toelichtingen"
    )
    jaar = models.PositiveSmallIntegerField()
    tekst = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activiteit", "jaar"], name="toelichting_uniek")
        ]

    def __str__(self) -> str:
        return f"{self.activiteit} {self.jaar}"


class Ontvanger(models.Model):
    """A municipality that receives a financial incentive (part of an incentive commitment)."""

    verplichting = models.ForeignKey(
        Verplichting, on_delete=models.CASCADE, related_name="ontvangers"
    )
    gemeente = models.ForeignKey("gemeenten.Gemeente", on_delete=models.PROTECT, related_name="+")
    bedrag = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["verplichting", "gemeente"], name="ontvanger_uniek")
        ]

    def __str__(self) -> str:
        return f"{self.gemeente}: {self.bedrag}"


class Terugbetaling(models.Model):
    """The repayment schedule of a prefinancing commitment, and what was repaid."""

    verplichting = models.ForeignKey(
        Verplichting, on_delete=models.CASCADE, related_name="terugbetalingen"
    )
    jaar = models.PositiveSmallIntegerField()
    bedrag = models.DecimalField(max_digits=14, decimal_places=2)
    ontvangen = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        ordering = ["verplichting", "jaar"]
        constraints = [
            models.UniqueConstraint(fields=["verplichting", "jaar"], name="terugbetaling_uniek")
        ]

    def __str__(self) -> str:
        return f"{self.verplichting} {self.jaar}: {self.bedrag}"
