"""The duidingsmethodiek: criteria, versions of the weighting with their weights, and the
Task Force's scores."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .register import Voorziening


class Criterium(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    naam = models.CharField(_("naam"), max_length=200)
    omschrijving = models.TextField(_("omschrijving"), blank=True)
    schaal_min = models.PositiveSmallIntegerField(_("schaal van"), default=1)
    schaal_max = models.PositiveSmallIntegerField(_("schaal tot"), default=5)
    volgorde = models.PositiveSmallIntegerField(default=0)
    bron = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("criterium")
        verbose_name_plural = _("criteria")
        ordering = ["volgorde", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(schaal_max__gt=models.F("schaal_min")), name="criterium_schaal"
            )
        ]

    def __str__(self) -> str:
        return self.naam


class WegingVersie(models.Model):
    """A weighting of the criteria; published versions never change."""

    class Status(models.TextChoices):
        CONCEPT = "concept", _("concept")
        GEPUBLICEERD = "gepubliceerd", _("gepubliceerd")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    nummer = models.PositiveIntegerField(_("versie"), unique=True)
    naam = models.CharField(_("naam"), max_length=200)
    toelichting = models.TextField(_("toelichting"), blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONCEPT)
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    gepubliceerd_op = models.DateTimeField(null=True, blank=True)
    gepubliceerd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("wegingsversie")
        verbose_name_plural = _("wegingsversies")
        ordering = ["-nummer"]

    def __str__(self) -> str:
        return f"Weging {self.nummer}: {self.naam}"


class Gewicht(models.Model):
    versie = models.ForeignKey(WegingVersie, on_delete=models.CASCADE, related_name="gewichten")
    criterium = models.ForeignKey(Criterium, on_delete=models.PROTECT, related_name="gewichten")
    gewicht = models.DecimalField(max_digits=8, decimal_places=4)

    class Meta:
        ordering = ["criterium__volgorde", "criterium__code"]
        constraints = [
            models.UniqueConstraint(fields=["versie", "criterium"], name="gewicht_uniek"),
            models.CheckConstraint(condition=Q(gewicht__gte=0), name="gewicht_niet_negatief"),
        ]

    def __str__(self) -> str:
        return f"{self.criterium}: {self.gewicht}"


class Score(models.Model):
    """A score of a voorziening on a criterion. Append-only: a new score replaces the
    previous one from its moment on, so rankings of published versions stay reproducible."""

    voorziening = models.ForeignKey(Voorziening, on_delete=models.CASCADE, related_name="scores")
    criterium = models.ForeignKey(Criterium, on_delete=models.PROTECT, related_name="scores")
    waarde = models.DecimalField(max_digits=6, decimal_places=2)
    onderbouwing = models.TextField(_("onderbouwing"))
    gegeven_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    door = models.CharField(_("door"), max_length=200, blank=True)
    gegeven_op = models.DateTimeField(_("gegeven op"), db_index=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["voorziening", "criterium", "-gegeven_op", "-id"]
        indexes = [models.Index(fields=["voorziening", "criterium", "gegeven_op"])]

    def __str__(self) -> str:
        return f"{self.voorziening} / {self.criterium}: {self.waarde}"
