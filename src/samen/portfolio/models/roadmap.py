"""The versioned roadmap: versions and their milestones (a quarter per voorziening)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .register import Fase, Voorziening
from .weging import WegingVersie


class RoutekaartVersie(models.Model):
    class Status(models.TextChoices):
        CONCEPT = "concept", _("concept")
        GEPUBLICEERD = "gepubliceerd", _("gepubliceerd")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    nummer = models.PositiveIntegerField(_("versie"), unique=True)
    naam = models.CharField(_("naam"), max_length=200)
    toelichting = models.TextField(_("toelichting"), blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONCEPT)
    weging = models.ForeignKey(
        WegingVersie, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    gepubliceerd_op = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("routekaartversie")
        verbose_name_plural = _("routekaartversies")
        ordering = ["-nummer"]

    def __str__(self) -> str:
        return f"Routekaart {self.nummer}: {self.naam}"


class Mijlpaal(models.Model):
    versie = models.ForeignKey(RoutekaartVersie, on_delete=models.CASCADE, related_name="mijlpalen")
    voorziening = models.ForeignKey(Voorziening, on_delete=models.PROTECT, related_name="mijlpalen")
    jaar = models.PositiveSmallIntegerField()
    kwartaal = models.PositiveSmallIntegerField()
    naar_fase = models.CharField(max_length=20, choices=Fase.choices, blank=True)
    omschrijving = models.CharField(max_length=300)

    class Meta:
        verbose_name = _("mijlpaal")
        verbose_name_plural = _("mijlpalen")
        ordering = ["jaar", "kwartaal", "voorziening__naam", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kwartaal__gte=1) & Q(kwartaal__lte=4), name="mijlpaal_kwartaal"
            ),
            models.UniqueConstraint(
                fields=["versie", "voorziening", "omschrijving"], name="mijlpaal_uniek"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jaar}-K{self.kwartaal} {self.voorziening}: {self.omschrijving}"

    @property
    def label(self) -> str:
        return f"{self.jaar} K{self.kwartaal}"
