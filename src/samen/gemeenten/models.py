"""The municipality register: municipalities valid over time, population, herindelingen."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Provincie(models.Model):
    code = models.CharField(_("code"), max_length=4, unique=True)  # PV27
    naam = models.CharField(_("naam"), max_length=50)

    class Meta:
        verbose_name = _("provincie")
        verbose_name_plural = _("provincies")
        ordering = ["naam"]

    def __str__(self) -> str:
        return self.naam


class GemeenteQuerySet(models.QuerySet):
    def op(self, peildatum: dt.date) -> GemeenteQuerySet:
        """The municipalities that exist on ``peildatum``."""
        return self.filter(
            Q(geldig_van__isnull=True) | Q(geldig_van__lte=peildatum),
            Q(geldig_tot__isnull=True) | Q(geldig_tot__gt=peildatum),
        )


class Gemeente(models.Model):
    """A municipality, identified by its CBS code, valid from/until a date.

    ``geldig_van`` is empty for municipalities that existed before the register starts (2012);
    ``geldig_tot`` is the date its herindeling took effect (the first day it no longer exists).
    """

    code = models.CharField(_("CBS-code"), max_length=6, unique=True)  # GM0363
    naam = models.CharField(_("naam"), max_length=100, db_index=True)
    provincie = models.ForeignKey(
        Provincie, on_delete=models.PROTECT, related_name="gemeenten", verbose_name=_("provincie")
    )
    geldig_van = models.DateField(_("geldig van"), null=True, blank=True)
    geldig_tot = models.DateField(_("geldig tot"), null=True, blank=True)

    objects = GemeenteQuerySet.as_manager()

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["naam", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(geldig_tot__isnull=True)
                | Q(geldig_van__isnull=True)
                | Q(geldig_tot__gt=models.F("geldig_van")),
                name="gemeente_geldigheid_oplopend",
            ),
        ]
        indexes = [models.Index(fields=["geldig_van", "geldig_tot"])]

    def __str__(self) -> str:
        return f"{self.naam} ({self.code})"

    @property
    def audit_id(self) -> str:
        return self.code

    def bestaat_op(self, peildatum: dt.date) -> bool:
        return (self.geldig_van is None or self.geldig_van <= peildatum) and (
            self.geldig_tot is None or self.geldig_tot > peildatum
        )


class Inwonertal(models.Model):
    """Population on 1 January of ``jaar``, in the boundaries of that date."""

    gemeente = models.ForeignKey(
        Gemeente, on_delete=models.PROTECT, related_name="inwonertallen", verbose_name=_("gemeente")
    )
    jaar = models.PositiveSmallIntegerField(_("jaar (1 januari)"))
    aantal = models.PositiveIntegerField(_("inwoners"))
    bron = models.CharField(_("bron"), max_length=200)

    class Meta:
        verbose_name = _("inwonertal")
        verbose_name_plural = _("inwonertallen")
        ordering = ["gemeente", "jaar"]
        constraints = [
            models.UniqueConstraint(fields=["gemeente", "jaar"], name="inwonertal_uniek_per_jaar")
        ]
        indexes = [models.Index(fields=["jaar"])]

    def __str__(self) -> str:
        return f"{self.gemeente.code} 1-1-{self.jaar}: {self.aantal}"


class Herindeling(models.Model):
    """One municipal reorganisation on one date: its predecessors and successors."""

    class Soort(models.TextChoices):
        SAMENVOEGING = "samenvoeging", _("samenvoeging tot een nieuwe gemeente")
        TOEVOEGING = "toevoeging", _("toevoeging aan een bestaande gemeente")
        SPLITSING = "splitsing", _("splitsing")
        NAAMSWIJZIGING = "naamswijziging", _("naamswijziging met nieuwe code")

    datum = models.DateField(_("ingangsdatum"), db_index=True)
    soort = models.CharField(_("soort"), max_length=20, choices=Soort.choices)
    omschrijving = models.CharField(_("omschrijving"), max_length=300)

    class Meta:
        verbose_name = _("herindeling")
        verbose_name_plural = _("herindelingen")
        ordering = ["datum", "omschrijving"]

    def __str__(self) -> str:
        return f"{self.datum:%d-%m-%Y}: {self.omschrijving}"


class Overgang(models.Model):
    """One predecessor → successor link of a herindeling; for a part, the inhabitants moved."""

    class Deel(models.TextChoices):
        GEHEEL = "geheel", _("geheel")
        DEEL = "deel", _("deel")

    herindeling = models.ForeignKey(
        Herindeling, on_delete=models.CASCADE, related_name="overgangen"
    )
    voorganger = models.ForeignKey(
        Gemeente, on_delete=models.PROTECT, related_name="overgangen_als_voorganger"
    )
    opvolger = models.ForeignKey(
        Gemeente, on_delete=models.PROTECT, related_name="overgangen_als_opvolger"
    )
    deel = models.CharField(_("geheel of deel"), max_length=10, choices=Deel.choices)
    inwoners_overgegaan = models.PositiveIntegerField(_("inwoners overgegaan"))
    toelichting = models.CharField(_("toelichting"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("overgang")
        verbose_name_plural = _("overgangen")
        ordering = ["herindeling__datum", "voorganger__code", "opvolger__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["herindeling", "voorganger", "opvolger"], name="overgang_uniek"
            ),
            models.CheckConstraint(
                condition=~Q(voorganger=models.F("opvolger")), name="overgang_niet_naar_zelf"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voorganger.code} → {self.opvolger.code}"


class CbsImport(models.Model):
    """A CBS file that was imported, known by its content hash (re-importing changes nothing)."""

    sha256 = models.CharField(max_length=64, unique=True)
    bestandsnaam = models.CharField(max_length=255)
    formaat = models.CharField(max_length=30)
    jaren = models.JSONField(default=list)
    regels = models.PositiveIntegerField(default=0)
    aangemaakt = models.PositiveIntegerField(default=0)
    gewijzigd = models.PositiveIntegerField(default=0)
    geimporteerd_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("CBS-import")
        verbose_name_plural = _("CBS-imports")
        ordering = ["-geimporteerd_op"]

    def __str__(self) -> str:
        return f"{self.bestandsnaam} ({self.geimporteerd_op:%Y-%m-%d})"
