"""The fund's execution: authorisations, commitments with their yearly terms, realisation,
the accountability notes, and the recipients and repayments of incentives and prefinancing."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .budget import Activiteit


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
