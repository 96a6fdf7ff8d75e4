"""Participation of municipalities in voorzieningen and their implementation status history."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    GEINTERESSEERD = "geinteresseerd", _("geïnteresseerd")
    GEPLAND = "gepland", _("gepland")
    IN_IMPLEMENTATIE = "in_implementatie", _("in implementatie")
    IN_GEBRUIK = "in_gebruik", _("in gebruik")
    GESTOPT = "gestopt", _("gestopt")


# How far a status is (for "the most advanced status counts").
VOORTGANG: dict[str, int] = {
    Status.GESTOPT: 0,
    Status.GEINTERESSEERD: 1,
    Status.GEPLAND: 2,
    Status.IN_IMPLEMENTATIE: 3,
    Status.IN_GEBRUIK: 4,
}


class Deelname(models.Model):
    """A municipality takes part in a voorziening, on the conditions of one decision version."""

    #: Set by the status services: whether the call changed anything (not a database field).
    gewijzigd: bool = False

    class Herkomst(models.TextChoices):
        AANMELDING = "aanmelding", _("aanmelding door de gemeente")
        ALGEMEEN_BINDEND = "algemeen_bindend", _("algemeen bindend besluit")
        HERINDELING = "herindeling", _("overgegaan bij herindeling")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    gemeente = models.ForeignKey(
        "gemeenten.Gemeente", on_delete=models.PROTECT, related_name="deelnames"
    )
    voorziening = models.ForeignKey(
        "portfolio.Voorziening", on_delete=models.PROTECT, related_name="deelnames"
    )
    besluit = models.ForeignKey(
        "besluiten.Besluit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deelnames",
        verbose_name=_("geaccepteerde besluitversie"),
    )
    herkomst = models.CharField(max_length=20, choices=Herkomst.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    sinds = models.DateField(_("deelname sinds"))
    tot = models.DateField(_("deelname tot"), null=True, blank=True)
    gepland_op = models.DateField(_("geplande datum"), null=True, blank=True)
    live_op = models.DateField(_("in gebruik sinds"), null=True, blank=True)
    geaccepteerd_door = models.CharField(max_length=200, blank=True)
    # The role or organisation of whoever accepted ("contactpersoon Utrecht", "programmabureau"):
    # what the public sees; the person's name is for the municipality and the office only.
    geaccepteerd_als = models.CharField(max_length=200, blank=True)
    geaccepteerd_op = models.DateTimeField(null=True, blank=True)
    reden_niet_naleven = models.TextField(_("reden van niet naleven"), blank=True)
    voorganger = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="opvolgers"
    )
    namens = models.ForeignKey(
        "accounts.Organisatie",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deelnames_namens",
        verbose_name=_("aangemeld door samenwerkingsverband"),
    )

    class Meta:
        verbose_name = _("deelname")
        verbose_name_plural = _("deelnames")
        ordering = ["voorziening", "gemeente__naam"]
        indexes = [
            models.Index(fields=["voorziening", "status"]),
            models.Index(fields=["gemeente", "voorziening"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["gemeente", "voorziening"],
                condition=Q(tot__isnull=True),
                name="een_lopende_deelname_per_gemeente",
            )
        ]

    def __str__(self) -> str:
        return f"{self.gemeente} – {self.voorziening}"

    @property
    def audit_id(self) -> str:
        return str(self.uuid)

    @property
    def gemeente_code(self) -> str:
        return self.gemeente.code


class Statuswijziging(models.Model):
    deelname = models.ForeignKey(Deelname, on_delete=models.CASCADE, related_name="statussen")
    status = models.CharField(max_length=20, choices=Status.choices)
    datum = models.DateField()
    door = models.CharField(max_length=200, blank=True)
    # The role or organisation of whoever made the change: what the public sees.
    door_als = models.CharField(max_length=200, blank=True)
    toelichting = models.TextField(blank=True)
    geregistreerd_op = models.DateTimeField(auto_now_add=True)
    # A correction: this row undoes the one it points to (which stays as it was). It carries the
    # status from before that row, on that row's date, so every date after shows the old status.
    corrigeert = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correctie",
        verbose_name=_("corrigeert statuswijziging"),
    )

    class Meta:
        ordering = ["deelname", "datum", "id"]
        indexes = [models.Index(fields=["deelname", "datum"])]

    def __str__(self) -> str:
        return f"{self.deelname}: {self.status} ({self.datum})"


class DeelnameOvergang(models.Model):
    """A participation that passed to a successor at a herindeling (the original stays)."""

    van = models.ForeignKey(Deelname, on_delete=models.PROTECT, related_name="overgegaan_naar")
    naar = models.ForeignKey(Deelname, on_delete=models.PROTECT, related_name="overgenomen_van")
    overgang = models.ForeignKey(
        "gemeenten.Overgang", on_delete=models.PROTECT, related_name="deelname_overgangen"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["van", "naar"], name="deelname_overgang_uniek")
        ]

    def __str__(self) -> str:
        return f"{self.van} → {self.naar}"


class Doel(models.Model):
    """A target for a voorziening, e.g. national coverage of Govroam by the end of 2017."""

    class Weging(models.TextChoices):
        AANTAL = "aantal", _("aantal gemeenten")
        INWONERS = "inwoners", _("inwoners")

    voorziening = models.ForeignKey(
        "portfolio.Voorziening", on_delete=models.CASCADE, related_name="doelen"
    )
    omschrijving = models.CharField(max_length=300)
    datum = models.DateField(_("uiterlijk op"))
    weging = models.CharField(max_length=20, choices=Weging.choices, default=Weging.AANTAL)
    percentage = models.DecimalField(_("aandeel in gebruik (%)"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["voorziening", "datum"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percentage__gte=0) & Q(percentage__lte=100), name="doel_percentage"
            )
        ]

    def __str__(self) -> str:
        return self.omschrijving


class ImplementatieStap(models.Model):
    """A step of implementing a voorziening; every participation ticks them off."""

    voorziening = models.ForeignKey(
        "portfolio.Voorziening", on_delete=models.CASCADE, related_name="implementatiestappen"
    )
    volgorde = models.PositiveSmallIntegerField(default=0)
    omschrijving = models.CharField(max_length=300)

    class Meta:
        ordering = ["voorziening", "volgorde", "id"]

    def __str__(self) -> str:
        return self.omschrijving


class AfgevinkteStap(models.Model):
    deelname = models.ForeignKey(Deelname, on_delete=models.CASCADE, related_name="afgevinkt")
    stap = models.ForeignKey(ImplementatieStap, on_delete=models.CASCADE, related_name="+")
    datum = models.DateField()
    door = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deelname", "stap"], name="stap_eenmaal_afgevinkt")
        ]

    def __str__(self) -> str:
        return f"{self.deelname}: {self.stap}"


class Ondersteuningsverzoek(models.Model):
    """A municipality asks for help with implementing; the programme office assigns and closes."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        TOEGEWEZEN = "toegewezen", _("toegewezen")
        AFGEROND = "afgerond", _("afgerond")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    deelname = models.ForeignKey(
        Deelname, on_delete=models.PROTECT, related_name="ondersteuningsverzoeken"
    )
    vraag = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    ingediend_op = models.DateField()
    ingediend_door = models.CharField(max_length=200, blank=True)
    toegewezen_aan = models.CharField(max_length=200, blank=True)
    afgerond_op = models.DateField(null=True, blank=True)
    verslag = models.TextField(blank=True)

    class Meta:
        ordering = ["-ingediend_op", "-id"]

    def __str__(self) -> str:
        return f"Ondersteuning {self.deelname}"

    @property
    def audit_id(self) -> str:
        return str(self.uuid)

    @property
    def gemeente(self):
        return self.deelname.gemeente


class Volume(models.Model):
    """An entered volume per municipality for a voorziening (e.g. driving-licence applications
    per year), to weigh coverage as the seed does ("50% van het landelijke volume")."""

    voorziening = models.ForeignKey(
        "portfolio.Voorziening", on_delete=models.CASCADE, related_name="volumes"
    )
    gemeente = models.ForeignKey("gemeenten.Gemeente", on_delete=models.PROTECT, related_name="+")
    aantal = models.PositiveIntegerField()
    bron = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["voorziening", "gemeente"], name="volume_uniek")
        ]

    def __str__(self) -> str:
        return f"{self.voorziening} / {self.gemeente}: {self.aantal}"
