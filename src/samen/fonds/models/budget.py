"""The fund's structure and budget: funds, compartments, activities, their budget lines per
year (versioned) and the totals stated in documents (for the reconciliation)."""

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
