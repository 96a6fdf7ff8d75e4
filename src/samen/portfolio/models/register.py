"""The register: voorzieningen (their track, domain, kind, users and phase) with their
factsheet, phase history and business case."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Spoor(models.IntegerChoices):
    PRIMAIR = 1, _("spoor 1: primaire processen van medebewindstaken")
    I_VOORZIENING = 2, _("spoor 2: i-voorzieningen")


class Domein(models.TextChoices):
    PUBLIEKSDIENSTVERLENING = "publieksdienstverlening", _("publieksdienstverlening")
    SOCIAAL = "sociaal_domein", _("sociaal domein")
    FYSIEK = "fysiek_domein", _("fysiek domein")
    BELASTINGEN = "belastingen", _("belastingen")
    BEDRIJFSVOERING = "bedrijfsvoering_ict", _("bedrijfsvoering/ICT-infrastructuur")


class Soort(models.TextChoices):
    APPLICATIE = "applicatie", _("applicatie")
    APP = "app", _("app")
    WERKPROCES = "werkproces", _("werkproces")
    CONTRACTVOORWAARDEN = "contractvoorwaarden", _("contractvoorwaarden")
    NETWERK = "netwerk", _("netwerk")
    OVERIG = "overig", _("overig")


class Gebruikers(models.TextChoices):
    GEMEENTE = "gemeente", _("gemeente")
    KETENPARTNER = "ketenpartner", _("ketenpartner")
    BEIDE = "beide", _("gemeente en ketenpartner")


class Fase(models.TextChoices):
    INITIATIEF = "initiatief", _("initiatief")
    ONTWIKKELING = "ontwikkeling", _("ontwikkeling")
    OPSCHALING = "opschaling", _("opschaling")
    IMPLEMENTATIE = "implementatie", _("implementatie")
    BEHEER = "beheer", _("beheer")
    BEEINDIGD = "beeindigd", _("beëindigd")


FASE_VOLGORDE = [
    Fase.INITIATIEF,
    Fase.ONTWIKKELING,
    Fase.OPSCHALING,
    Fase.IMPLEMENTATIE,
    Fase.BEHEER,
]


class Voorziening(models.Model):
    """An initiative or a (collective) provision."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    naam = models.CharField(_("naam"), max_length=200, unique=True)
    korte_omschrijving = models.TextField(_("korte omschrijving"))
    spoor = models.PositiveSmallIntegerField(_("spoor"), choices=Spoor.choices)
    domein = models.CharField(_("domein"), max_length=30, choices=Domein.choices)
    soort = models.CharField(_("soort"), max_length=30, choices=Soort.choices)
    fase = models.CharField(
        _("fase"), max_length=20, choices=Fase.choices, default=Fase.INITIATIEF, editable=False
    )
    startdatum = models.DateField(_("startdatum"))
    ontwikkelaars = models.ManyToManyField(
        "accounts.Organisatie", blank=True, related_name="ontwikkelde_voorzieningen"
    )
    ontwikkelaars_toelichting = models.CharField(
        _("ontwikkeld door (toelichting)"), max_length=300, blank=True
    )
    gebruikers = models.CharField(_("gebruikers"), max_length=20, choices=Gebruikers.choices)
    kopgroep = models.ManyToManyField(
        "gemeenten.Gemeente", blank=True, related_name="kopgroep_van", verbose_name=_("kopgroep")
    )
    capaciteit_gemeenten = models.ManyToManyField(
        "gemeenten.Gemeente",
        blank=True,
        related_name="capaciteit_voor",
        verbose_name=_("gemeenten die eigen capaciteit leveren"),
    )
    beheerorganisatie = models.ForeignKey(
        "accounts.Organisatie",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="beheerde_voorzieningen",
        verbose_name=_("beheer en doorontwikkeling"),
    )
    beheer_toelichting = models.CharField(_("beheer (toelichting)"), max_length=300, blank=True)
    bron = models.CharField(_("bron"), max_length=300, blank=True)
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    gewijzigd_op = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("voorziening")
        verbose_name_plural = _("voorzieningen")
        ordering = ["naam"]
        indexes = [
            models.Index(fields=["fase"]),
            models.Index(fields=["spoor", "domein"]),
        ]

    def __str__(self) -> str:
        return self.naam

    @property
    def audit_id(self) -> str:
        return str(self.uuid)


class Factsheet(models.Model):
    """The appendix's five questions as sections, plus the preconditions of every initiative."""

    voorziening = models.OneToOneField(
        Voorziening, on_delete=models.CASCADE, related_name="factsheet", primary_key=True
    )
    # 1. wie heeft het ontwikkeld
    wie_ontwikkeld = models.TextField(_("wie heeft het ontwikkeld"), blank=True)
    # 2. wat is het en wat kun je ermee
    wat_is_het = models.TextField(_("wat is het"), blank=True)
    wat_kun_je_ermee = models.TextField(_("wat kun je ermee"), blank=True)
    # 3. wie gaat het gebruiken
    wie_gaat_gebruiken = models.TextField(_("wie gaat het gebruiken"), blank=True)
    # 4. wat vraagt implementatie
    implementatie_it = models.TextField(_("implementatie: IT"), blank=True)
    implementatie_werkproces = models.TextField(_("implementatie: werkproces"), blank=True)
    implementatie_veranderkundig = models.TextField(_("implementatie: veranderkundig"), blank=True)
    implementatie_personeel = models.TextField(_("implementatie: personeelsmatig"), blank=True)
    # 5. wat kost en wat levert het op
    kosten_eenmalig_min = models.DecimalField(
        _("eenmalige kosten (van)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    kosten_eenmalig_max = models.DecimalField(
        _("eenmalige kosten (tot)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    kosten_jaarlijks_min = models.DecimalField(
        _("jaarlijkse kosten (van)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    kosten_jaarlijks_max = models.DecimalField(
        _("jaarlijkse kosten (tot)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    kosten_toelichting = models.TextField(_("kosten (toelichting)"), blank=True)
    besparing_euro_min = models.DecimalField(
        _("besparing per jaar in euro (van)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    besparing_euro_max = models.DecimalField(
        _("besparing per jaar in euro (tot)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    besparing_fte_min = models.DecimalField(
        _("besparing in fte (van)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    besparing_fte_max = models.DecimalField(
        _("besparing in fte (tot)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    baten_kwalitatief = models.TextField(_("baten (kwalitatief)"), blank=True)
    # randvoorwaarden
    randvoorwaarden_aanbesteding = models.TextField(_("aanbestedingsregels"), blank=True)
    randvoorwaarden_privacy = models.TextField(_("privacywetgeving"), blank=True)
    randvoorwaarden_informatieveiligheid = models.TextField(_("informatieveiligheid"), blank=True)
    randvoorwaarden_ketenregie = models.TextField(_("ketenregie"), blank=True)

    class Meta:
        verbose_name = _("factsheet")
        verbose_name_plural = _("factsheets")
        constraints = [
            models.CheckConstraint(
                condition=Q(kosten_eenmalig_min__isnull=True)
                | Q(kosten_eenmalig_max__isnull=True)
                | Q(kosten_eenmalig_max__gte=models.F("kosten_eenmalig_min")),
                name="factsheet_eenmalig_oplopend",
            ),
            models.CheckConstraint(
                condition=Q(kosten_jaarlijks_min__isnull=True)
                | Q(kosten_jaarlijks_max__isnull=True)
                | Q(kosten_jaarlijks_max__gte=models.F("kosten_jaarlijks_min")),
                name="factsheet_jaarlijks_oplopend",
            ),
        ]

    def __str__(self) -> str:
        return f"Factsheet {self.voorziening}"


class Fasewijziging(models.Model):
    """History of phases: made only by services.change_phase and services.revert_phase.

    Append-only: a wrong phase change is never edited or deleted but reverted by a new row of
    kind ``teruggedraaid`` that points to it (``draait_terug``); the phase it left is current
    again, and the reverted row no longer counts as "the previous phase change"."""

    class Soort(models.TextChoices):
        WIJZIGING = "wijziging", _("fasewijziging")
        TERUGGEDRAAID = "teruggedraaid", _("teruggedraaid")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    voorziening = models.ForeignKey(
        Voorziening, on_delete=models.CASCADE, related_name="fasewijzigingen"
    )
    soort = models.CharField(
        _("soort"), max_length=20, choices=Soort.choices, default=Soort.WIJZIGING
    )
    draait_terug = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="terugdraaiing",
        verbose_name=_("draait terug"),
    )
    van_fase = models.CharField(_("van"), max_length=20, choices=Fase.choices, blank=True)
    naar_fase = models.CharField(_("naar"), max_length=20, choices=Fase.choices)
    datum = models.DateField(_("datum"))
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    door = models.CharField(_("door"), max_length=200, blank=True)
    reden = models.TextField(_("reden"), blank=True)
    besluit_referentie = models.CharField(_("besluit"), max_length=200, blank=True)
    geregistreerd_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fasewijziging")
        verbose_name_plural = _("fasewijzigingen")
        ordering = ["voorziening", "datum", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(soort="wijziging") & Q(draait_terug__isnull=True))
                | (Q(soort="teruggedraaid") & Q(draait_terug__isnull=False)),
                name="fasewijziging_terugdraaiing_wijst",
            )
        ]

    def __str__(self) -> str:
        return f"{self.voorziening}: {self.van_fase or '—'} → {self.naar_fase} ({self.datum})"


class BusinessCase(models.Model):
    """Figures for the yearly benefit; every figure has its source."""

    class Bron(models.TextChoices):
        SEED = "seed", _("voorstel")
        CBS = "cbs", _("CBS")
        VOORBEELD = "voorbeeld", _("voorbeeld")

    voorziening = models.OneToOneField(
        Voorziening, on_delete=models.CASCADE, related_name="businesscase", primary_key=True
    )
    volume_omschrijving = models.CharField(_("volume"), max_length=200)
    volume_per_jaar = models.PositiveIntegerField(_("volume per jaar"))
    volume_bron = models.CharField(max_length=20, choices=Bron.choices)
    volume_toelichting = models.CharField(max_length=300, blank=True)
    tijdwinst_uren_min = models.DecimalField(max_digits=8, decimal_places=2)
    tijdwinst_uren_max = models.DecimalField(max_digits=8, decimal_places=2)
    tijdwinst_bron = models.CharField(max_length=20, choices=Bron.choices)
    tijdwinst_toelichting = models.CharField(max_length=300, blank=True)
    uurtarief = models.DecimalField(max_digits=8, decimal_places=2)
    uurtarief_bron = models.CharField(max_length=20, choices=Bron.choices)
    uurtarief_toelichting = models.CharField(max_length=300, blank=True)
    kosten_per_jaar = models.DecimalField(
        max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    kosten_bron = models.CharField(max_length=20, choices=Bron.choices, default=Bron.VOORBEELD)
    genoemd_bedrag_landelijk = models.DecimalField(
        _("genoemd bedrag landelijk per jaar"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    genoemd_bedrag_toelichting = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("businesscase")
        verbose_name_plural = _("businesscases")
        constraints = [
            models.CheckConstraint(
                condition=Q(tijdwinst_uren_max__gte=models.F("tijdwinst_uren_min"))
                & Q(tijdwinst_uren_min__gte=0),
                name="businesscase_tijdwinst_oplopend",
            )
        ]

    def __str__(self) -> str:
        return f"Businesscase {self.voorziening}"
