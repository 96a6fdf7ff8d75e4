"""The other financing forms of item C beside the per-inhabitant subscription:

- ``Verdeelsleutel``: a yearly budget divided over the municipalities by a key of their
  population plus a weight per municipality (``Sleutelgewicht``, e.g. for institutions that
  attract users), invoiced through the abonnementen invoicing;
- ``Compensatie``: what a centre municipality (Leeuwarden, Tilburg) receives from the
  gemeentefonds for the special shelters, with its basis and circular: recorded and published,
  not invoiced, never a per-use figure;
- ``Regio``: a region's contribution to the Veilig Thuis number, divided over its member
  municipalities by population, invoiced through the abonnementen invoicing.

Every figure carries its source (``bron``); invented figures are marked ``voorbeeld``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Verdeelsleutel(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    arrangement = models.ForeignKey(
        "abonnementen.Arrangement", on_delete=models.PROTECT, related_name="verdeelsleutels"
    )
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2)
    toelichting = models.TextField(_("toelichting op de sleutel"), blank=True)
    bron = models.CharField(_("bron"), max_length=300)
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)
    vastgelegd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vastgelegd_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("verdeelsleutel")
        verbose_name_plural = _("verdeelsleutels")
        ordering = ["-jaar", "arrangement__naam"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "jaar"], name="verdeelsleutel_per_jaar"),
            models.CheckConstraint(condition=Q(budget__gt=0), name="verdeelsleutel_budget"),
        ]

    def __str__(self) -> str:
        return f"{self.arrangement} {self.jaar}"


class Sleutelgewicht(models.Model):
    """An extra weight for one municipality in a key, in inhabitant equivalents (e.g. the
    places of an institution that draws users from elsewhere), with its reason and source."""

    verdeelsleutel = models.ForeignKey(
        Verdeelsleutel, on_delete=models.CASCADE, related_name="gewichten"
    )
    gemeente = models.ForeignKey("gemeenten.Gemeente", on_delete=models.PROTECT, related_name="+")
    gewicht = models.PositiveIntegerField(_("extra gewicht (inwonerequivalenten)"))
    reden = models.CharField(_("reden"), max_length=300)
    bron = models.CharField(_("bron"), max_length=300)

    class Meta:
        verbose_name = _("sleutelgewicht")
        verbose_name_plural = _("sleutelgewichten")
        ordering = ["verdeelsleutel", "gemeente__naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["verdeelsleutel", "gemeente"], name="sleutelgewicht_per_gemeente"
            )
        ]

    def __str__(self) -> str:
        return f"{self.gemeente}: +{self.gewicht}"


class Compensatie(models.Model):
    """A yearly decentralisation payment from the gemeentefonds to a centre municipality."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    gemeente = models.ForeignKey("gemeenten.Gemeente", on_delete=models.PROTECT, related_name="+")
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    bedrag = models.DecimalField(_("bedrag"), max_digits=14, decimal_places=2)
    grondslag = models.CharField(_("grondslag"), max_length=300)
    circulaire = models.CharField(_("circulaire gemeentefonds"), max_length=200)
    bron = models.CharField(_("bron"), max_length=300)
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)
    vastgelegd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vastgelegd_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("compensatie centrumgemeente")
        verbose_name_plural = _("compensaties centrumgemeenten")
        ordering = ["-jaar", "gemeente__naam"]
        constraints = [
            models.UniqueConstraint(fields=["gemeente", "jaar"], name="compensatie_per_jaar"),
            models.CheckConstraint(condition=Q(bedrag__gt=0), name="compensatie_bedrag"),
        ]

    def __str__(self) -> str:
        return f"{self.gemeente} {self.jaar}"


class Regio(models.Model):
    """A region's yearly contribution to the national Veilig Thuis number, divided over its
    member municipalities by population."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    arrangement = models.ForeignKey(
        "abonnementen.Arrangement", on_delete=models.PROTECT, related_name="regios"
    )
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    naam = models.CharField(_("naam"), max_length=200)
    bijdrage = models.DecimalField(_("bijdrage"), max_digits=14, decimal_places=2)
    leden = models.ManyToManyField("gemeenten.Gemeente", related_name="+")
    bron = models.CharField(_("bron"), max_length=300)
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)
    vastgelegd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vastgelegd_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("regio")
        verbose_name_plural = _("regio's")
        ordering = ["-jaar", "naam"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "jaar", "naam"], name="regio_per_jaar"),
            models.CheckConstraint(condition=Q(bijdrage__gt=0), name="regio_bijdrage"),
        ]

    def __str__(self) -> str:
        return f"{self.naam} {self.jaar}"
