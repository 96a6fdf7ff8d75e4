"""One decision model: a request goes through assessment (Task Force), advice (College) and a
board decision; a published decision is immutable and a change is a new decision that states
what it replaces."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samen.accounts.models import Rol

# The bodies of the decision model as the public sees them: a step is taken by a body (or filed
# by a municipality or organisation), never shown as the person who entered it. That person is
# in the ``gebruiker`` fields and the audit trail, for the office only.
TASKFORCE = "Task Force Samen Organiseren"
COLLEGE = "College voor Dienstverleningszaken"
BESTUUR = "VNG-bestuur"
COMMISSIE = "VNG-commissie"
PROGRAMMABUREAU = "programmabureau"
ORGAAN = {
    Rol.TASKFORCE: TASKFORCE,
    Rol.COLLEGE: COLLEGE,
    Rol.BESTUUR: BESTUUR,
    Rol.COMMISSIE: COMMISSIE,
    Rol.PROGRAMMABUREAU: PROGRAMMABUREAU,
}


def orgaan(user, default: str = "") -> str:
    """Who files or takes a step, as shown in public: a municipality, an organisation or the body
    of the decision model; never the name of a person."""
    if user is None or not getattr(user, "is_authenticated", False):
        return default
    gemeente = getattr(user, "gemeente", None)
    if user.rol == Rol.GEMEENTE and gemeente is not None:
        return f"gemeente {gemeente.naam}"
    organisatie = getattr(user, "organisatie", None)
    if organisatie is not None:
        return organisatie.naam
    return ORGAAN.get(user.rol, default)


def zonder_persoon(text: str, user) -> str:
    """``text`` with the name of ``user`` (full name or username) replaced by their body."""
    if user is None or not text:
        return text
    body = orgaan(user, default="VNG")
    for name in sorted({user.get_full_name(), user.get_username()}, key=len, reverse=True):
        name = name.strip()
        if len(name) < 3 or name.lower() in body.lower():
            continue
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", body, text)
    return text


class Soort(models.TextChoices):
    NIEUW_INITIATIEF = "nieuw_initiatief", _("start van een nieuw initiatief")
    OPSCHALING = "opschaling", _("opschaling van een voorziening")
    STANDAARD = "standaard", _("tot standaard verklaren")
    AUTORISATIE = "autorisatie", _("autorisatie van fondsuitgaven")
    VERLENGING = "verlenging", _("verlenging van een arrangement")
    VASTSTELLING = "vaststelling", _("vaststelling van verantwoordingsdocumenten")


class Binding(models.TextChoices):
    VRIJ = "vrij", _("geheel vrij")
    VRIJWILLIG = "vrijwillig", _("vrijwillig maar niet vrijblijvend")
    ALGEMEEN = "algemeen", _("algemeen bindend")


class Uitvoering(models.TextChoices):
    LOKAAL = "lokaal", _("lokaal")
    FUNCTIONEEL = "functioneel", _("functioneel")
    REGIONAAL = "regionaal", _("regionaal")
    LANDELIJK = "landelijk", _("landelijk")


class Verzoek(models.Model):
    """Step 1: a request (e.g. to scale up a voorziening)."""

    class Stap(models.TextChoices):
        INGEDIEND = "ingediend", _("ingediend")
        BEOORDEELD = "beoordeeld", _("beoordeeld door de Task Force")
        GEADVISEERD = "geadviseerd", _("geadviseerd door het College")
        BESLOTEN = "besloten", _("besloten door het bestuur")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    soort = models.CharField(max_length=30, choices=Soort.choices, default=Soort.OPSCHALING)
    voorziening = models.ForeignKey(
        "portfolio.Voorziening", on_delete=models.PROTECT, related_name="verzoeken"
    )
    titel = models.CharField(_("titel"), max_length=200)
    motivering = models.TextField(_("waarom"))
    aanvrager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    aanvrager_naam = models.CharField(
        _("aangevraagd door"),
        max_length=200,
        help_text=_("De gemeente of het orgaan dat het verzoek indient, nooit een persoon."),
    )
    ingediend_op = models.DateField(_("ingediend op"))
    stap = models.CharField(max_length=20, choices=Stap.choices, default=Stap.INGEDIEND)

    class Meta:
        verbose_name = _("verzoek")
        verbose_name_plural = _("verzoeken")
        ordering = ["-ingediend_op", "-id"]

    def __str__(self) -> str:
        return self.titel

    def steun_met_status(self, status: str) -> list[Steun]:
        """The support rows with this status, by municipality name (uses a prefetch of
        ``steun__gemeente`` when there is one)."""
        rows = [s for s in self.steun.all() if s.status == status]
        return sorted(rows, key=lambda s: (s.gemeente.naam, s.gemeente.code))

    @property
    def bevestigde_steun(self) -> list[Steun]:
        return self.steun_met_status(Steun.Status.BEVESTIGD)

    @property
    def gevraagde_steun(self) -> list[Steun]:
        return self.steun_met_status(Steun.Status.GEVRAAGD)

    @property
    def afgewezen_steun(self) -> list[Steun]:
        return self.steun_met_status(Steun.Status.AFGEWEZEN)

    @property
    def aantal_steunende_gemeenten(self) -> int:
        """The number of supporters: confirmed ones only (anything that counts support)."""
        return len(self.bevestigde_steun)


class Steun(models.Model):
    """A municipality named as supporter of a request.

    Support is given by the supporting municipality itself: a municipality the requester lists
    is *asked* ("gevraagd, niet bevestigd") until a contact of that municipality confirms or
    declines. Only confirmed support counts and is shown as support; the public pages and the
    API show asked municipalities as "gevraagd, niet bevestigd" (so that a council member sees
    both who supports and who was only named) and a refusal as the municipality's own answer.
    The requester's own municipality, when its contact files the request, is confirmed at once.
    """

    class Status(models.TextChoices):
        GEVRAAGD = "gevraagd", _("gevraagd, niet bevestigd")
        BEVESTIGD = "bevestigd", _("bevestigd")
        AFGEWEZEN = "afgewezen", _("afgewezen")

    verzoek = models.ForeignKey(Verzoek, on_delete=models.CASCADE, related_name="steun")
    gemeente = models.ForeignKey(
        "gemeenten.Gemeente", on_delete=models.PROTECT, related_name="steun_voor_verzoeken"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.GEVRAAGD
    )
    gevraagd_op = models.DateField(_("gevraagd op"))
    beantwoord_op = models.DateField(_("beantwoord op"), null=True, blank=True)
    beantwoord_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("steun")
        verbose_name_plural = _("steun")
        ordering = ["verzoek", "gemeente__naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["verzoek", "gemeente"], name="steun_eenmaal_per_gemeente"
            )
        ]

    def __str__(self) -> str:
        return f"Steun van {self.gemeente} voor {self.verzoek}: {self.get_status_display()}"


class Beoordeling(models.Model):
    """Step 2: the Task Force's assessment."""

    verzoek = models.OneToOneField(Verzoek, on_delete=models.PROTECT, related_name="beoordeling")
    impact_gemeenten = models.TextField(_("impact voor gemeenten"))
    impact_inwoners = models.TextField(_("impact voor inwoners"))
    maatschappelijke_baten = models.TextField(_("maatschappelijke baten"))
    opschaalbaarheid = models.TextField(_("opschaalbaarheid"))
    door = models.CharField(max_length=200)
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    datum = models.DateField()
    vergadering = models.ForeignKey(
        "gremia.Vergadering",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="beoordelingen",
        verbose_name=_("genomen in vergadering"),
    )

    class Meta:
        verbose_name = _("beoordeling")
        verbose_name_plural = _("beoordelingen")

    def __str__(self) -> str:
        return f"Beoordeling: {self.verzoek}"


class Advies(models.Model):
    """Step 3: the College's advice, including the binding level and exit terms."""

    verzoek = models.OneToOneField(Verzoek, on_delete=models.PROTECT, related_name="advies")
    uitrol = models.TextField(_("uitrol in gemeenten"))
    tijdpad = models.TextField(_("tijdpad"))
    binding = models.CharField(_("mate van binding"), max_length=20, choices=Binding.choices)
    samenwerkingsvorm = models.CharField(_("samenwerkingsvorm"), max_length=200)
    uitvoering = models.CharField(
        _("uitvoeringsstructuur"), max_length=20, choices=Uitvoering.choices
    )
    voorwaarden = models.TextField(_("voorwaarden voor deelnemers"))
    uittreden_vanaf = models.DateField(
        _("uittreden mogelijk vanaf"),
        null=True,
        blank=True,
        help_text=_("Bij vrijwillig maar niet vrijblijvend: eerste datum waarop uittreden kan."),
    )
    uittredingsvoorwaarden = models.TextField(_("uittredingsvoorwaarden"), blank=True)
    door = models.CharField(max_length=200)
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    datum = models.DateField()
    vergadering = models.ForeignKey(
        "gremia.Vergadering",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adviezen",
        verbose_name=_("genomen in vergadering"),
    )

    class Meta:
        verbose_name = _("advies")
        verbose_name_plural = _("adviezen")

    def __str__(self) -> str:
        return f"Advies: {self.verzoek}"


class Besluit(models.Model):
    """Step 4: the board's decision. Published on creation and immutable afterwards."""

    class Uitkomst(models.TextChoices):
        VASTGESTELD = "vastgesteld", _("vastgesteld")
        GEWIJZIGD = "gewijzigd", _("gewijzigd vastgesteld")
        AFGEWEZEN = "afgewezen", _("afgewezen")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    soort = models.CharField(max_length=30, choices=Soort.choices)
    verzoek = models.ForeignKey(
        Verzoek, null=True, blank=True, on_delete=models.PROTECT, related_name="besluiten"
    )
    voorziening = models.ForeignKey(
        "portfolio.Voorziening",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="besluiten",
    )
    nummer = models.CharField(_("besluitnummer"), max_length=30, unique=True)
    titel = models.CharField(_("titel"), max_length=200)
    uitkomst = models.CharField(max_length=20, choices=Uitkomst.choices)
    binding = models.CharField(
        _("mate van binding"), max_length=20, choices=Binding.choices, blank=True
    )
    uitvoering = models.CharField(max_length=20, choices=Uitvoering.choices, blank=True)
    voorwaarden = models.TextField(_("voorwaarden"), blank=True)
    uittreden_vanaf = models.DateField(_("uittreden mogelijk vanaf"), null=True, blank=True)
    uittredingsvoorwaarden = models.TextField(_("uittredingsvoorwaarden"), blank=True)
    toelichting = models.TextField(_("toelichting"), blank=True)
    datum = models.DateField(_("besluitdatum"))
    vervangt = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vervangen_door",
        verbose_name=_("vervangt"),
    )
    genomen_door = models.CharField(max_length=200)
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vergadering = models.ForeignKey(
        "gremia.Vergadering",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="besluiten",
        verbose_name=_("genomen in vergadering"),
    )
    gepubliceerd_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")
        ordering = ["-datum", "-id"]

    def __str__(self) -> str:
        return f"{self.nummer}: {self.titel}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("a published decision is immutable; take a new decision")
        # Every decision is published: whoever creates one (the board's process, the fund's
        # authorisations, the providers' documents) names the body that took it, not a person.
        if self.gebruiker_id is not None:
            self.genomen_door = zonder_persoon(self.genomen_door, self.gebruiker)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("a published decision is immutable")

    @property
    def audit_id(self) -> str:
        return str(self.uuid)

    @property
    def in_force(self) -> bool:
        return not hasattr(self, "vervangen_door") or self.vervangen_door is None
