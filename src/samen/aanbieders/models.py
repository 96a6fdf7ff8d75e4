"""Providers' accountability per arrangement and year (annual plan, budget, annual accounts),
adopted by the VNG committee with a published decision and then published to the
municipalities, who may ask the provider questions; and the members' decisions on renewing an
arrangement."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_GROOTTE = 5 * 1024 * 1024  # 5 MB


class Verantwoordingsdocument(models.Model):
    """One version of a provider's document. A new version of a document that is not yet adopted
    is a new row; the previous one stays (``actueel`` false) as history."""

    class Soort(models.TextChoices):
        JAARPLAN = "jaarplan", _("jaarplan")
        BEGROTING = "begroting", _("begroting")
        JAARREKENING = "jaarrekening", _("jaarrekening")

    class Status(models.TextChoices):
        INGEDIEND = "ingediend", _("ingediend")
        VASTGESTELD = "vastgesteld", _("vastgesteld")
        AFGEWEZEN = "afgewezen", _("afgewezen")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    arrangement = models.ForeignKey(
        "abonnementen.Arrangement",
        on_delete=models.PROTECT,
        related_name="verantwoordingsdocumenten",
    )
    aanbieder = models.ForeignKey(
        "accounts.Organisatie", on_delete=models.PROTECT, related_name="verantwoordingsdocumenten"
    )
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    soort = models.CharField(_("soort"), max_length=20, choices=Soort.choices)
    versie = models.PositiveSmallIntegerField(_("versie"), default=1)
    actueel = models.BooleanField(_("actuele versie"), default=True)
    bestandsnaam = models.CharField(_("bestandsnaam"), max_length=200)
    inhoud = models.BinaryField(_("inhoud (PDF)"))
    grootte = models.PositiveIntegerField(_("grootte in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INGEDIEND
    )
    ingediend_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ingediend_door_naam = models.CharField(_("ingediend door"), max_length=200, blank=True)
    ingediend_op = models.DateTimeField(_("ingediend op"))
    besluit = models.ForeignKey(
        "besluiten.Besluit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verantwoordingsdocumenten",
    )
    vergadering = models.ForeignKey(
        "gremia.Vergadering",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verantwoordingsdocumenten",
        verbose_name=_("vastgesteld in vergadering"),
    )
    gepubliceerd_op = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)

    class Meta:
        verbose_name = _("verantwoordingsdocument")
        verbose_name_plural = _("verantwoordingsdocumenten")
        ordering = ["arrangement", "-jaar", "aanbieder__naam", "soort", "-versie"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "aanbieder", "jaar", "soort"],
                condition=Q(actueel=True),
                name="verantwoordingsdocument_actueel_uniek",
            ),
            models.UniqueConstraint(
                fields=["arrangement", "aanbieder", "jaar", "soort", "versie"],
                name="verantwoordingsdocument_versie_uniek",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_soort_display()} {self.jaar} {self.aanbieder} (versie {self.versie})"

    @property
    def audit_id(self) -> str:
        return str(self.uuid)

    @property
    def gepubliceerd(self) -> bool:
        return self.status == self.Status.VASTGESTELD and self.gepubliceerd_op is not None


class Vraag(models.Model):
    """A municipality's question to the provider about an adopted (published) document."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document = models.ForeignKey(
        Verantwoordingsdocument, on_delete=models.PROTECT, related_name="vragen"
    )
    gemeente = models.ForeignKey(
        "gemeenten.Gemeente", on_delete=models.PROTECT, related_name="vragen_aan_aanbieders"
    )
    tekst = models.TextField(_("vraag"))
    gesteld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    gesteld_door_naam = models.CharField(_("gesteld door"), max_length=200, blank=True)
    gesteld_op = models.DateTimeField(_("gesteld op"))
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)

    class Meta:
        verbose_name = _("vraag")
        verbose_name_plural = _("vragen")
        ordering = ["-gesteld_op", "-id"]

    def __str__(self) -> str:
        return f"Vraag van {self.gemeente} over {self.document}"

    @property
    def audit_id(self) -> str:
        return str(self.uuid)


class Antwoord(models.Model):
    """The provider's answer to a question."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    vraag = models.ForeignKey(Vraag, on_delete=models.PROTECT, related_name="antwoorden")
    tekst = models.TextField(_("antwoord"))
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    door_naam = models.CharField(_("beantwoord door"), max_length=200, blank=True)
    op = models.DateTimeField(_("beantwoord op"))

    class Meta:
        verbose_name = _("antwoord")
        verbose_name_plural = _("antwoorden")
        ordering = ["op", "id"]

    def __str__(self) -> str:
        return f"Antwoord op {self.vraag}"

    @property
    def audit_id(self) -> str:
        return str(self.uuid)


class Verlenging(models.Model):
    """The members' decision on continuing an arrangement after its last year, recorded by the
    programme office with a published decision (soort verlenging)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    arrangement = models.ForeignKey(
        "abonnementen.Arrangement", on_delete=models.PROTECT, related_name="verlengingen"
    )
    besluit = models.OneToOneField(
        "besluiten.Besluit", on_delete=models.PROTECT, related_name="verlenging"
    )
    datum = models.DateField(_("besluitdatum"))
    verlengd = models.BooleanField(_("verlengd"))
    oud_laatste_jaar = models.PositiveSmallIntegerField(_("laatste jaar vóór het besluit"))
    nieuw_laatste_jaar = models.PositiveSmallIntegerField(
        _("nieuw laatste jaar"), null=True, blank=True
    )
    toelichting = models.TextField(_("toelichting"), blank=True)
    vastgelegd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)

    class Meta:
        verbose_name = _("verlengingsbesluit")
        verbose_name_plural = _("verlengingsbesluiten")
        ordering = ["-datum", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(verlengd=False, nieuw_laatste_jaar__isnull=True)
                | Q(verlengd=True, nieuw_laatste_jaar__gt=models.F("oud_laatste_jaar")),
                name="verlenging_nieuw_laatste_jaar",
            )
        ]

    def __str__(self) -> str:
        if self.verlengd:
            return f"{self.arrangement}: verlengd tot en met {self.nieuw_laatste_jaar}"
        return f"{self.arrangement}: niet verlengd (eindigt na {self.oud_laatste_jaar})"

    @property
    def audit_id(self) -> str:
        return str(self.uuid)
