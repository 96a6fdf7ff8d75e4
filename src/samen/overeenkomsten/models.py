"""Agreements that municipalities sign by a deadline, and each municipality's signing steps.

``Overeenkomst`` is one version of a document (``vervangt`` points to the version it replaces);
``Ondertekening`` is one municipality's signing of one agreement, with its current step kept
beside the history; ``Stap`` rows are that history, appended and never changed (a correction is
a new row marked as such). ``Herinnering`` records a reminder sent to those not signed."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NIET_GESTART = "niet_gestart", _("niet gestart")
    IN_COLLEGE = "in_college", _("in het college")
    IN_RAAD = "in_raad", _("in de raad")
    GETEKEND = "getekend", _("getekend")
    AFGEWEZEN = "afgewezen", _("afgewezen")


class Drempel(models.TextChoices):
    GEEN = "geen", _("geen drempel")
    AANTAL = "aantal", _("aandeel van de gemeenten")
    INWONERS = "inwoners", _("aandeel van de inwoners")
    BUDGET = "budget", _("aandeel van het gedekte budget")


class Overeenkomst(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    titel = models.CharField(_("titel"), max_length=200)
    versie = models.PositiveSmallIntegerField(_("versie"), default=1)
    vervangt = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vervangen_door",
        verbose_name=_("vervangt versie"),
    )
    omschrijving = models.TextField(_("omschrijving"), blank=True)
    partijen = models.TextField(_("partijen"), help_text=_("Eén partij per regel."))
    bestandsnaam = models.CharField(_("bestandsnaam"), max_length=200, blank=True)
    inhoud = models.BinaryField(_("document (PDF)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    arrangement = models.ForeignKey(
        "abonnementen.Arrangement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="overeenkomsten",
        verbose_name=_("arrangement"),
    )
    voorziening = models.ForeignKey(
        "portfolio.Voorziening",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="overeenkomsten",
        verbose_name=_("voorziening"),
    )
    besluit = models.ForeignKey(
        "besluiten.Besluit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="overeenkomsten",
        verbose_name=_("besluit"),
    )
    start = models.DateField(_("campagne vanaf"))
    deadline = models.DateField(_("tekenen vóór"))
    drempel_soort = models.CharField(
        _("drempel"), max_length=10, choices=Drempel.choices, default=Drempel.GEEN
    )
    drempel_waarde = models.DecimalField(
        _("drempel (procent)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    facturering_volgt = models.BooleanField(
        _("facturering volgt de ondertekening"),
        default=False,
        help_text=_(
            "Een afwijzing beëindigt het abonnement; een uitgegeven factuur wordt gecrediteerd."
        ),
    )
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)
    aangemaakt_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("overeenkomst")
        verbose_name_plural = _("overeenkomsten")
        ordering = ["-deadline", "titel", "-versie"]
        constraints = [
            models.CheckConstraint(
                condition=Q(arrangement__isnull=True) | Q(voorziening__isnull=True),
                name="overeenkomst_een_onderwerp",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("start")), name="overeenkomst_periode"
            ),
            models.CheckConstraint(
                condition=Q(drempel_soort="geen")
                | (Q(drempel_waarde__gt=0) & Q(drempel_waarde__lte=100)),
                name="overeenkomst_drempel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.titel} (versie {self.versie})"


class Ondertekening(models.Model):
    """One municipality's signing of one agreement: the current step (the last ``Stap``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    overeenkomst = models.ForeignKey(
        Overeenkomst, on_delete=models.PROTECT, related_name="ondertekeningen"
    )
    gemeente = models.ForeignKey(
        "gemeenten.Gemeente", on_delete=models.PROTECT, related_name="ondertekeningen"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NIET_GESTART
    )
    sinds = models.DateField(_("sinds"))
    te_bevestigen = models.BooleanField(
        _("te bevestigen"),
        default=False,
        help_text=_(
            "Overgenomen van de voorgangers bij een herindeling; de contactpersoon "
            "bevestigt of wijzigt de stap."
        ),
    )
    herindeling = models.ForeignKey(
        "gemeenten.Herindeling", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("ondertekening")
        verbose_name_plural = _("ondertekeningen")
        ordering = ["overeenkomst", "gemeente__naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["overeenkomst", "gemeente"], name="ondertekening_per_gemeente"
            )
        ]
        indexes = [models.Index(fields=["overeenkomst", "status"])]

    def __str__(self) -> str:
        return f"{self.gemeente} – {self.overeenkomst}"


class StapQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("signing steps are appended, never changed")

    def delete(self):
        raise PermissionError("signing steps are appended, never deleted")


class Stap(models.Model):
    """One step of a signing, on a date: appended, never changed."""

    ondertekening = models.ForeignKey(
        Ondertekening, on_delete=models.PROTECT, related_name="stappen"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    datum = models.DateField(_("datum"))
    getekend_door = models.CharField(_("getekend door"), max_length=200, blank=True)
    besluitreferentie = models.CharField(_("kenmerk lokaal besluit"), max_length=200, blank=True)
    bestandsnaam = models.CharField(_("bestandsnaam getekende PDF"), max_length=200, blank=True)
    inhoud = models.BinaryField(_("getekende PDF"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    reden = models.CharField(_("reden"), max_length=500, blank=True)
    correctie = models.BooleanField(_("correctie"), default=False)
    namens = models.BooleanField(
        _("vastgelegd door het programmabureau namens de gemeente"), default=False
    )
    overgenomen = models.BooleanField(_("overgenomen bij herindeling"), default=False)
    vastgelegd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)
    aangemaakt_op = models.DateTimeField(auto_now_add=True)

    objects = StapQuerySet.as_manager()

    class Meta:
        verbose_name = _("stap")
        verbose_name_plural = _("stappen")
        ordering = ["ondertekening", "datum", "id"]
        indexes = [models.Index(fields=["ondertekening", "datum"])]

    def __str__(self) -> str:
        return f"{self.get_status_display()} op {self.datum:%d-%m-%Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("signing steps are appended, never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("signing steps are appended, never deleted")

    @property
    def gemeente_code(self) -> str:
        return self.ondertekening.gemeente.code


class Herinnering(models.Model):
    """A reminder to the contacts of the municipalities that had not signed (sent through
    samen.meldingen, whose ``Verzending`` rows record each e-mail)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    overeenkomst = models.ForeignKey(
        Overeenkomst, on_delete=models.PROTECT, related_name="herinneringen"
    )
    tekst = models.TextField(_("tekst"))
    gemeenten = models.ManyToManyField("gemeenten.Gemeente", related_name="+")
    verstuurd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    aangemaakt_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("herinnering om te tekenen")
        verbose_name_plural = _("herinneringen om te tekenen")
        ordering = ["-aangemaakt_op"]

    def __str__(self) -> str:
        return f"{self.overeenkomst} – {self.aangemaakt_op:%d-%m-%Y}"
