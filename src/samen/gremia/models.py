"""The bodies (gremia) of Samen Organiseren: who sits in them on which date, the rules they work
by (reglementen with a quorum rule as data), their meetings, agendas, attendance and the list of
decisions taken (besluitenlijst).

A membership is valid from ``van`` up to and including ``tot`` (empty: still a member). A
reglement version is in force from ``geldig_van`` until the next version of the same reglement.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Gremium(models.Model):
    """A body of the proposal: the VNG board, the College, the Task Force, the committee
    Dienstverlening en Informatiebeleid, its subcommittees and the members' meeting."""

    class Soort(models.TextChoices):
        VNG_BESTUUR = "vng-bestuur", _("VNG-bestuur")
        COLLEGE = "college", _("College voor Dienstverleningszaken")
        TASKFORCE = "taskforce", _("Task Force Samen Organiseren")
        COMMISSIE_DI = "commissie-di", _("VNG-commissie Dienstverlening en Informatiebeleid")
        SUBCOMMISSIE = "subcommissie", _("subcommissie")
        LEDENVERGADERING = "ledenvergadering", _("ledenvergadering")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    soort = models.CharField(_("soort"), max_length=20, choices=Soort.choices)
    naam = models.CharField(_("naam"), max_length=200, unique=True)
    afkorting = models.CharField(_("afkorting"), max_length=30, blank=True)
    omschrijving = models.TextField(_("omschrijving"), blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subcommissies",
        verbose_name=_("valt onder"),
    )
    ingesteld_op = models.DateField(_("ingesteld op"), null=True, blank=True)
    opgeheven_op = models.DateField(_("opgeheven op"), null=True, blank=True)
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)

    class Meta:
        verbose_name = _("gremium")
        verbose_name_plural = _("gremia")
        ordering = ["naam"]
        constraints = [
            # A subcommittee hangs under a body; no other body does.
            models.CheckConstraint(
                condition=(Q(soort="subcommissie") & Q(parent__isnull=False))
                | (~Q(soort="subcommissie") & Q(parent__isnull=True)),
                name="gremium_parent_alleen_subcommissie",
            ),
            models.CheckConstraint(
                condition=Q(opgeheven_op__isnull=True)
                | Q(ingesteld_op__isnull=True)
                | Q(opgeheven_op__gt=models.F("ingesteld_op")),
                name="gremium_opheffing_na_instelling",
            ),
        ]

    def __str__(self) -> str:
        return self.naam

    @property
    def audit_id(self) -> str:
        return str(self.uuid)


class Functie(models.TextChoices):
    """What a member is outside the body (the proposal composes bodies by function)."""

    BURGEMEESTER = "burgemeester", _("burgemeester")
    WETHOUDER = "wethouder", _("wethouder")
    GEMEENTESECRETARIS = "gemeentesecretaris", _("gemeentesecretaris")
    RAADSLID = "raadslid", _("raadslid")
    AMBTENAAR = "ambtenaar", _("ambtenaar")
    EXPERT = "expert", _("expert")
    KETENPARTNER = "ketenpartner", _("vertegenwoordiger ketenpartner")
    VNG = "vng", _("VNG")
    OVERIG = "overig", _("overig")


class Lidmaatschap(models.Model):
    """One person's seat in a body for a period. The body's secretary is the membership with
    ``rol`` secretaris linked to a user account."""

    class Rol(models.TextChoices):
        VOORZITTER = "voorzitter", _("voorzitter")
        LID = "lid", _("lid")
        ADVISEUR = "adviseur", _("adviseur")
        SECRETARIS = "secretaris", _("secretaris")

    # Members that count for the quorum (advisers and the secretary do not vote).
    STEMGERECHTIGD = (Rol.VOORZITTER, Rol.LID)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    gremium = models.ForeignKey(Gremium, on_delete=models.PROTECT, related_name="lidmaatschappen")
    naam = models.CharField(_("naam"), max_length=200)
    functie = models.CharField(_("functie"), max_length=30, choices=Functie.choices)
    gemeente = models.ForeignKey(
        "gemeenten.Gemeente",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="gremiumlidmaatschappen",
        verbose_name=_("gemeente"),
    )
    organisatie = models.ForeignKey(
        "accounts.Organisatie",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="gremiumlidmaatschappen",
        verbose_name=_("organisatie"),
    )
    rol = models.CharField(_("rol"), max_length=20, choices=Rol.choices, default=Rol.LID)
    van = models.DateField(_("lid van"))
    tot = models.DateField(_("lid tot en met"), null=True, blank=True)
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="gremiumlidmaatschappen",
        verbose_name=_("account"),
    )
    toelichting = models.CharField(_("toelichting"), max_length=300, blank=True)
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        ordering = ["gremium", "rol", "naam", "van"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tot__isnull=True) | Q(tot__gte=models.F("van")),
                name="lidmaatschap_periode_oplopend",
            ),
            models.CheckConstraint(
                condition=Q(gemeente__isnull=True) | Q(organisatie__isnull=True),
                name="lidmaatschap_gemeente_of_organisatie",
            ),
        ]
        indexes = [models.Index(fields=["gremium", "van", "tot"])]

    def __str__(self) -> str:
        return f"{self.naam} ({self.get_rol_display()}, {self.gremium})"

    @property
    def audit_id(self) -> str:
        return str(self.uuid)

    def actief_op(self, peildatum) -> bool:
        return self.van <= peildatum and (self.tot is None or self.tot >= peildatum)


class Reglement(models.Model):
    """The rules of a body (reglement van orde); its content lives in versions."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    gremium = models.ForeignKey(Gremium, on_delete=models.PROTECT, related_name="reglementen")
    titel = models.CharField(_("titel"), max_length=200)

    class Meta:
        verbose_name = _("reglement")
        verbose_name_plural = _("reglementen")
        ordering = ["gremium", "titel"]
        constraints = [
            models.UniqueConstraint(fields=["gremium", "titel"], name="reglement_titel_uniek")
        ]

    def __str__(self) -> str:
        return f"{self.titel} ({self.gremium})"

    @property
    def audit_id(self) -> str:
        return str(self.uuid)


class Quorumregel(models.TextChoices):
    """How the quorum is expressed in a reglement version."""

    GEEN = "geen", _("geen quorum")
    MEER_DAN_HELFT = "meer-dan-helft", _("meer dan de helft van de stemgerechtigde leden")
    AANDEEL = "aandeel", _("ten minste een aandeel van de stemgerechtigde leden")
    AANTAL = "aantal", _("ten minste een aantal stemgerechtigde leden")


class ReglementVersie(models.Model):
    """One adopted version of a reglement: text and/or PDF, the decision that adopted it, the
    date it is in force from, and the quorum rule as data."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reglement = models.ForeignKey(Reglement, on_delete=models.PROTECT, related_name="versies")
    versie = models.PositiveSmallIntegerField(_("versie"))
    tekst = models.TextField(_("tekst"), blank=True)
    bestandsnaam = models.CharField(_("bestandsnaam"), max_length=200, blank=True)
    inhoud = models.BinaryField(_("inhoud (PDF)"), null=True, blank=True)
    grootte = models.PositiveIntegerField(_("grootte in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    besluit = models.ForeignKey(
        "besluiten.Besluit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reglementversies",
        verbose_name=_("vastgesteld bij besluit"),
    )
    geldig_van = models.DateField(_("geldig vanaf"))
    quorumregel = models.CharField(
        _("quorumregel"), max_length=20, choices=Quorumregel.choices, default=Quorumregel.GEEN
    )
    # AANDEEL: a share in (0, 1] (0.5000 = at least half); AANTAL: a whole number of members.
    quorum_waarde = models.DecimalField(
        _("quorumwaarde"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    vastgelegd_op = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("reglementversie")
        verbose_name_plural = _("reglementversies")
        ordering = ["reglement", "-geldig_van", "-versie"]
        constraints = [
            models.UniqueConstraint(
                fields=["reglement", "versie"], name="reglementversie_versie_uniek"
            ),
            models.UniqueConstraint(
                fields=["reglement", "geldig_van"], name="reglementversie_datum_uniek"
            ),
            models.CheckConstraint(
                condition=(Q(quorumregel__in=["geen", "meer-dan-helft"]))
                | (Q(quorumregel="aandeel") & Q(quorum_waarde__gt=0) & Q(quorum_waarde__lte=1))
                | (Q(quorumregel="aantal") & Q(quorum_waarde__gte=1)),
                name="reglementversie_quorum_geldig",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reglement.titel} versie {self.versie} (vanaf {self.geldig_van:%d-%m-%Y})"

    @property
    def audit_id(self) -> str:
        return str(self.uuid)


class Vergadering(models.Model):
    """A meeting of a body."""

    class Soort(models.TextChoices):
        REGULIER = "regulier", _("reguliere vergadering")
        EXTRA = "extra", _("extra vergadering")
        SCHRIFTELIJK = "schriftelijk", _("schriftelijke ronde")

    class Status(models.TextChoices):
        GEPLAND = "gepland", _("gepland")
        GEHOUDEN = "gehouden", _("gehouden")
        GEANNULEERD = "geannuleerd", _("geannuleerd")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    gremium = models.ForeignKey(Gremium, on_delete=models.PROTECT, related_name="vergaderingen")
    datum = models.DateField(_("datum"))
    aanvang = models.TimeField(_("aanvang"), null=True, blank=True)
    locatie = models.CharField(_("locatie"), max_length=200, blank=True)
    soort = models.CharField(
        _("soort"), max_length=20, choices=Soort.choices, default=Soort.REGULIER
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.GEPLAND
    )
    besluitenlijst_vastgesteld_op = models.DateField(
        _("besluitenlijst vastgesteld op"), null=True, blank=True
    )
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)

    class Meta:
        verbose_name = _("vergadering")
        verbose_name_plural = _("vergaderingen")
        ordering = ["-datum", "gremium"]
        indexes = [models.Index(fields=["gremium", "datum"])]

    def __str__(self) -> str:
        return f"{self.gremium} {self.datum:%d-%m-%Y}"

    @property
    def audit_id(self) -> str:
        return str(self.uuid)


# The kinds of thing an agenda item can treat, with their field on Agendapunt.
ONDERWERPEN = (
    "verzoek",
    "beoordeling",
    "advies",
    "besluit",
    "autorisatie",
    "verantwoordingsdocument",
    "routekaartversie",
)


def _hoogstens_een(namen) -> Q:
    """Q: at most one of the foreign keys ``namen`` is set."""
    alle_leeg = Q(**{f"{n}__isnull": True for n in namen})
    condition = alle_leeg
    for n in namen:
        condition |= Q(**{f"{n}__isnull": False}) & Q(
            **{f"{m}__isnull": True for m in namen if m != n}
        )
    return condition


class Agendapunt(models.Model):
    """One item on a meeting's agenda. It may treat one object of the platform: one nullable
    foreign key per kind (at most one set), so the database keeps the reference intact."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    vergadering = models.ForeignKey(
        Vergadering, on_delete=models.CASCADE, related_name="agendapunten"
    )
    volgorde = models.PositiveSmallIntegerField(_("volgorde"))
    titel = models.CharField(_("titel"), max_length=300)
    toelichting = models.TextField(_("toelichting"), blank=True)
    verzoek = models.ForeignKey(
        "besluiten.Verzoek", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    beoordeling = models.ForeignKey(
        "besluiten.Beoordeling", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    advies = models.ForeignKey(
        "besluiten.Advies", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    besluit = models.ForeignKey(
        "besluiten.Besluit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    autorisatie = models.ForeignKey(
        "fonds.Autorisatie", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verantwoordingsdocument = models.ForeignKey(
        "aanbieders.Verantwoordingsdocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    routekaartversie = models.ForeignKey(
        "portfolio.RoutekaartVersie",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("agendapunt")
        verbose_name_plural = _("agendapunten")
        ordering = ["vergadering", "volgorde"]
        constraints = [
            models.UniqueConstraint(
                fields=["vergadering", "volgorde"], name="agendapunt_volgorde_uniek"
            ),
            # At most one reference: the sum of "is set" over the kinds is 0 or 1.
            models.CheckConstraint(
                condition=_hoogstens_een(ONDERWERPEN),
                name="agendapunt_hoogstens_een_onderwerp",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volgorde}. {self.titel}"

    @property
    def audit_id(self) -> str:
        return str(self.uuid)

    @property
    def onderwerp(self):
        """The object this item treats, or None."""
        for naam in ONDERWERPEN:
            if getattr(self, f"{naam}_id") is not None:
                return getattr(self, naam)
        return None

    @property
    def onderwerp_soort(self) -> str:
        for naam in ONDERWERPEN:
            if getattr(self, f"{naam}_id") is not None:
                return naam
        return ""


class Aanwezigheid(models.Model):
    """Whether a member attended a meeting."""

    class Status(models.TextChoices):
        AANWEZIG = "aanwezig", _("aanwezig")
        AFGEMELD = "afgemeld", _("afgemeld")
        AFWEZIG = "afwezig", _("afwezig zonder bericht")

    vergadering = models.ForeignKey(
        Vergadering, on_delete=models.CASCADE, related_name="aanwezigheden"
    )
    lidmaatschap = models.ForeignKey(
        Lidmaatschap, on_delete=models.PROTECT, related_name="aanwezigheden"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)

    class Meta:
        verbose_name = _("aanwezigheid")
        verbose_name_plural = _("aanwezigheden")
        ordering = ["vergadering", "lidmaatschap__naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["vergadering", "lidmaatschap"], name="aanwezigheid_uniek"
            )
        ]

    def __str__(self) -> str:
        return f"{self.lidmaatschap.naam}: {self.get_status_display()}"


class Besluitenlijstpunt(models.Model):
    """One entry of a meeting's list of decisions: what was decided, optionally on which agenda
    item and as which published decision."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    vergadering = models.ForeignKey(
        Vergadering, on_delete=models.CASCADE, related_name="besluitenlijst"
    )
    volgorde = models.PositiveSmallIntegerField(_("volgorde"))
    agendapunt = models.ForeignKey(
        Agendapunt,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="besluitenlijstpunten",
    )
    tekst = models.TextField(_("besluit"))
    besluit = models.ForeignKey(
        "besluiten.Besluit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="besluitenlijstpunten",
        verbose_name=_("gepubliceerd besluit"),
    )

    class Meta:
        verbose_name = _("besluitenlijstpunt")
        verbose_name_plural = _("besluitenlijstpunten")
        ordering = ["vergadering", "volgorde"]
        constraints = [
            models.UniqueConstraint(
                fields=["vergadering", "volgorde"], name="besluitenlijstpunt_volgorde_uniek"
            )
        ]

    def __str__(self) -> str:
        return f"{self.volgorde}. {self.tekst[:60]}"

    @property
    def audit_id(self) -> str:
        return str(self.uuid)
