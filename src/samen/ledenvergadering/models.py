"""The members' meeting: meetings (ALV, BALV, written ledenraadpleging), proposals, amendments,
the vote-weight table per year, the weights frozen when the agenda is published, the voter a
municipality's secretary designates, and the ballots. A ballot's choice is secret until the
proposal is closed: at the application level (queries, pages, API, admin and the audit trail
never show it before); the database itself holds it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samen.ledenvergadering import tally


class Stemgewichttabel(models.Model):
    """The classes of population and their votes, versioned per year (the table in force for a
    meeting is the latest one of its year or before)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    jaar = models.PositiveIntegerField(_("vanaf jaar"), unique=True)
    toelichting = models.TextField(_("toelichting"), blank=True)
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)

    class Meta:
        ordering = ["-jaar"]
        verbose_name = _("stemgewichttabel")
        verbose_name_plural = _("stemgewichttabellen")

    def __str__(self) -> str:
        return f"Stemgewichttabel {self.jaar}"

    def klassen(self) -> list[tally.Klasse]:
        return [tally.Klasse(k.vanaf, k.stemmen) for k in self.klassen_set.all()]


class StemgewichtKlasse(models.Model):
    tabel = models.ForeignKey(Stemgewichttabel, models.CASCADE, related_name="klassen_set")
    vanaf = models.PositiveIntegerField(_("vanaf inwoners"))
    stemmen = models.PositiveIntegerField(_("stemmen"))

    class Meta:
        ordering = ["vanaf"]
        constraints = [
            models.UniqueConstraint(fields=["tabel", "vanaf"], name="lv_klasse_uniek"),
        ]

    def __str__(self) -> str:
        return f"vanaf {self.vanaf}: {self.stemmen}"


class Ledenvergadering(models.Model):
    class Soort(models.TextChoices):
        ALV = "alv", _("algemene ledenvergadering")
        BALV = "balv", _("buitengewone algemene ledenvergadering")
        LEDENRAADPLEGING = "ledenraadpleging", _("ledenraadpleging (schriftelijk)")

    class Status(models.TextChoices):
        CONCEPT = "concept", _("in voorbereiding")
        AGENDA = "agenda", _("agenda gepubliceerd")
        GESLOTEN = "gesloten", _("stemming gesloten")
        GEPUBLICEERD = "gepubliceerd", _("uitslag gepubliceerd")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    soort = models.CharField(_("soort"), max_length=20, choices=Soort.choices)
    titel = models.CharField(_("titel"), max_length=200)
    datum = models.DateField(_("datum"))
    amendementen_tot = models.DateTimeField(_("amendementen tot"), null=True, blank=True)
    stemmen_tot = models.DateTimeField(_("stemmen tot"))
    min_medeondertekenaars = models.PositiveIntegerField(_("minimum medeondertekenaars"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CONCEPT
    )
    gewichttabel = models.ForeignKey(
        Stemgewichttabel, models.PROTECT, null=True, blank=True, related_name="+"
    )
    bronjaar = models.PositiveIntegerField(_("inwoners van 1 januari"), null=True, blank=True)
    gewichten_bevroren_op = models.DateTimeField(null=True, blank=True)
    gesloten_op = models.DateTimeField(null=True, blank=True)
    gepubliceerd_op = models.DateTimeField(null=True, blank=True)
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)
    #: The meeting as held by the members' body (issue 18's meetings), when it is recorded there.
    gremium_vergadering = models.OneToOneField(
        "gremia.Vergadering",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="ledenvergadering",
    )

    class Meta:
        ordering = ["-datum", "titel"]
        verbose_name = _("ledenvergadering")
        verbose_name_plural = _("ledenvergaderingen")

    def __str__(self) -> str:
        return self.titel

    @property
    def uitslag_openbaar(self) -> bool:
        return self.status == self.Status.GEPUBLICEERD

    @property
    def gesloten(self) -> bool:
        return self.status in (self.Status.GESLOTEN, self.Status.GEPUBLICEERD)


class Stemgewicht(models.Model):
    """A municipality's votes in one meeting, frozen when the agenda is published."""

    vergadering = models.ForeignKey(Ledenvergadering, models.CASCADE, related_name="gewichten")
    gemeente = models.ForeignKey("gemeenten.Gemeente", models.PROTECT, related_name="+")
    inwoners = models.PositiveIntegerField()
    stemmen = models.PositiveIntegerField()

    class Meta:
        ordering = ["gemeente__naam"]
        constraints = [
            models.UniqueConstraint(fields=["vergadering", "gemeente"], name="lv_gewicht_uniek"),
        ]

    def __str__(self) -> str:
        return f"{self.gemeente}: {self.stemmen}"


class Uitslagvelden(models.Model):
    """The published count of one vote (a proposal or an amendment), set when closing."""

    uitkomst = models.CharField(_("uitkomst"), max_length=20, blank=True)
    winnaar = models.CharField(max_length=40, blank=True)
    uitslag = models.JSONField(null=True, blank=True)

    class Meta:
        abstract = True


class Voorstel(Uitslagvelden):
    class Soort(models.TextChoices):
        ALGEMEEN = "algemeen", _("algemeen")
        FONDS = "fonds", _("fondsplan en bijdrage per inwoner")
        ARRANGEMENT = "arrangement", _("abonnementsarrangement of verlenging")
        STATUTEN = "statuten", _("statuten of reglement")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    vergadering = models.ForeignKey(Ledenvergadering, models.CASCADE, related_name="voorstellen")
    volgnummer = models.PositiveIntegerField()
    code = models.CharField(_("agendapunt"), max_length=10)
    soort = models.CharField(_("soort"), max_length=20, choices=Soort.choices)
    titel = models.CharField(_("titel"), max_length=200)
    tekst = models.TextField(_("tekst"), blank=True)
    documenten = models.TextField(_("documenten (één link per regel)"), blank=True)
    opties = models.JSONField(default=list)  # empty: voor/tegen/onthouding
    quorum = models.DecimalField(max_digits=5, decimal_places=4, default=0)
    meerderheid = models.DecimalField(max_digits=5, decimal_places=4, default="0.5")
    strikt = models.BooleanField(default=True)
    # what it decides on
    fonds = models.ForeignKey("fonds.Fonds", models.PROTECT, null=True, blank=True)
    jaar = models.PositiveIntegerField(null=True, blank=True)
    per_inwoner = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    arrangement = models.ForeignKey(
        "abonnementen.Arrangement", models.PROTECT, null=True, blank=True
    )
    nieuw_laatste_jaar = models.PositiveIntegerField(null=True, blank=True)
    #: A proposal at an ALV that ratifies (bekrachtigt) a written consultation: its own vote.
    bekrachtigt = models.ForeignKey(
        Ledenvergadering, models.PROTECT, null=True, blank=True, related_name="bekrachtigingen"
    )
    # its effect, with the link back to this vote
    bijdrageregeling = models.ForeignKey(
        "fonds.Bijdrageregeling", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verlenging = models.ForeignKey(
        "aanbieders.Verlenging", models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["vergadering", "volgnummer"]
        constraints = [
            models.UniqueConstraint(fields=["vergadering", "code"], name="lv_voorstel_code"),
        ]
        verbose_name = _("voorstel")
        verbose_name_plural = _("voorstellen")

    def __str__(self) -> str:
        return f"{self.code}. {self.titel}"

    def keuzes(self) -> tuple[str, ...]:
        return tuple(self.opties) if self.opties else tally.JA_NEE


class Amendement(Uitslagvelden):
    class Preadvies(models.TextChoices):
        GEEN = "", _("nog geen preadvies")
        OVERNEMEN = "overnemen", _("overnemen")
        ONTRADEN = "ontraden", _("ontraden")
        NEUTRAAL = "neutraal", _("oordeel aan de leden")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    voorstel = models.ForeignKey(Voorstel, models.CASCADE, related_name="amendementen")
    nummer = models.PositiveIntegerField()
    gemeente = models.ForeignKey("gemeenten.Gemeente", models.PROTECT, related_name="+")
    ingediend_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ingediend_op = models.DateTimeField(auto_now_add=True)
    tekst = models.TextField(_("tekst"))
    per_inwoner = models.DecimalField(
        _("bijdrage per inwoner volgens het amendement"),
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
    )
    preadvies = models.CharField(max_length=20, choices=Preadvies.choices, blank=True)
    preadvies_tekst = models.TextField(blank=True)

    class Meta:
        ordering = ["voorstel", "nummer"]
        constraints = [
            models.UniqueConstraint(fields=["voorstel", "nummer"], name="lv_amendement_nummer"),
        ]

    def __str__(self) -> str:
        return f"Amendement {self.nummer} op {self.voorstel.code}"


class Medeondertekening(models.Model):
    amendement = models.ForeignKey(Amendement, models.CASCADE, related_name="medeondertekeningen")
    gemeente = models.ForeignKey("gemeenten.Gemeente", models.PROTECT, related_name="+")
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tijdstip = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["amendement", "gemeente"], name="lv_mede_uniek"),
        ]

    def __str__(self) -> str:
        return f"{self.gemeente} ondertekent {self.amendement}"


class Stemgerechtigde(models.Model):
    """Who votes for a municipality in a meeting, designated by its gemeentesecretaris."""

    vergadering = models.ForeignKey(
        Ledenvergadering, models.CASCADE, related_name="stemgerechtigden"
    )
    gemeente = models.ForeignKey("gemeenten.Gemeente", models.PROTECT, related_name="+")
    gebruiker = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    aangewezen_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    aangewezen_op = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["vergadering", "gemeente"], name="lv_stemgerechtigde_uniek"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gemeente}: {self.gebruiker}"


class Stem(models.Model):
    """One ballot per municipality per proposal (``amendement`` empty) or per amendment."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    voorstel = models.ForeignKey(Voorstel, models.CASCADE, related_name="stemmen")
    amendement = models.ForeignKey(
        Amendement, models.CASCADE, null=True, blank=True, related_name="stemmen"
    )
    gemeente = models.ForeignKey("gemeenten.Gemeente", models.PROTECT, related_name="+")
    keuze = models.CharField(max_length=40)
    uitgebracht_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uitgebracht_op = models.DateTimeField(auto_now_add=True)
    gewijzigd_op = models.DateTimeField(auto_now=True)
    versie = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["voorstel", "gemeente"],
                condition=Q(amendement__isnull=True),
                name="lv_stem_voorstel_uniek",
            ),
            models.UniqueConstraint(
                fields=["amendement", "gemeente"],
                condition=Q(amendement__isnull=False),
                name="lv_stem_amendement_uniek",
            ),
        ]

    def __str__(self) -> str:  # never the choice: this text reaches the audit trail
        return f"Stem {self.gemeente} op {self.amendement or self.voorstel}"
