"""Arrangements priced per inhabitant (items C and D of the proposal): services with their
providers and budgets, the adopted tariff with its derivation, the index per year, a
subscription per municipality with exemptions, billing runs, invoices with their lines, gapless
numbering and the receivables ledger that herindelingen move."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samen.abonnementen import kenmerk

# The e-invoice models live in their own module (their validators are referenced by that path in
# the migrations); they are models of this app like the others and are imported from here.
from samen.abonnementen.models_ubl import (  # noqa: F401 - re-exported
    Afzendergegevens,
    Factuurgegevens,
    Factuurpartijen,
    Partijversie,
)


def _check_texts(obj, fields: dict[str, str]) -> None:
    """Refuse text a document cannot carry (``core.text``) in the admin and every form."""
    from samen.core.text import xml_safe_problems

    errors = {}
    for name, label in fields.items():
        for problem in xml_safe_problems(getattr(obj, name), name, label):
            errors[name] = problem.reason
    if errors:
        raise ValidationError(errors)


class Arrangement(models.Model):
    """What municipalities are invoiced for. ``soort`` says how an invoice's total is found:
    a subscription is inhabitants x the (indexed) tariff; the other kinds invoice amounts given
    to ``services.invoice_amounts`` (an allocation key's shares, a regional contribution divided
    by population, per assignment), whose tariff fields are informative (0 allowed)."""

    class Soort(models.TextChoices):
        ABONNEMENT = "abonnement", _("abonnement per inwoner")
        VERDEELSLEUTEL = "verdeelsleutel", _("verdeelsleutel")
        REGIONALE_COMPENSATIE = "regionale-compensatie", _("regionale compensatie")
        PER_VERRICHTING = "per-verrichting", _("per verrichting")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    soort = models.CharField(
        _("soort"), max_length=24, choices=Soort.choices, default=Soort.ABONNEMENT
    )
    #: The gapless number series its invoices are numbered in: "" is the administration
    #: office's series (numbers ``2027-000042``); another seller has its own (``TOLK-2027-1``).
    nummerreeks = models.SlugField(
        _("nummerreeks"),
        max_length=12,
        blank=True,
        default="",
        help_text=_("Leeg: de reeks van het administratiekantoor."),
    )
    naam = models.CharField(_("naam"), max_length=200, unique=True)
    omschrijving = models.TextField(_("omschrijving"), blank=True)
    eerste_jaar = models.PositiveSmallIntegerField(_("eerste jaar"))
    laatste_jaar = models.PositiveSmallIntegerField(_("laatste jaar (tot en met)"))
    tarief = models.DecimalField(
        _("vastgesteld tarief per inwoner"), max_digits=8, decimal_places=2
    )
    prijspeil = models.PositiveSmallIntegerField(_("prijspeil"))
    # The derivation as adopted: total budget / inhabitants on a date.
    afleiding_budget = models.DecimalField(
        _("afleiding: totaal budget"), max_digits=14, decimal_places=2
    )
    afleiding_inwoners = models.PositiveIntegerField(_("afleiding: inwoners"))
    afleiding_peildatum = models.DateField(_("afleiding: peildatum inwoners"))
    bron = models.CharField(_("bron"), max_length=300, blank=True)
    administratiekantoor = models.ForeignKey(
        "accounts.Organisatie", on_delete=models.PROTECT, related_name="+"
    )
    besluit = models.ForeignKey(
        "besluiten.Besluit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)

    class Meta:
        verbose_name = _("arrangement")
        verbose_name_plural = _("arrangementen")
        ordering = ["eerste_jaar", "naam"]
        constraints = [
            models.CheckConstraint(
                condition=Q(laatste_jaar__gte=models.F("eerste_jaar")), name="arrangement_looptijd"
            ),
            models.CheckConstraint(
                condition=Q(tarief__gt=0) | (~Q(soort="abonnement") & Q(tarief__gte=0)),
                name="arrangement_tarief_positief",
            ),
        ]

    def __str__(self) -> str:
        return self.naam

    def clean(self):
        _check_texts(self, {"naam": "De naam", "omschrijving": "De omschrijving"})
        if self.pk:
            before = Arrangement.objects.filter(pk=self.pk).values(*FACTUURVASTE_VELDEN).first()
            changed = [k for k, v in (before or {}).items() if getattr(self, k) != v]
            if (
                changed
                and Factuur.objects.filter(
                    arrangement_id=self.pk, status=Factuur.Status.UITGEGEVEN
                ).exists()
            ):
                raise ValidationError(
                    dict.fromkeys(
                        changed,
                        _("Er zijn al facturen op uitgegeven; dit blijft zoals het was."),
                    )
                )

    @property
    def looptijd(self) -> str:
        return f"{self.eerste_jaar}–{self.laatste_jaar}"

    @property
    def per_inwoner(self) -> bool:
        """Invoices are inhabitants x price (a subscription); else given amounts."""
        return self.soort == self.Soort.ABONNEMENT


#: What invoices were billed on: fixed once an invoice of the arrangement is issued.
FACTUURVASTE_VELDEN = ["soort", "nummerreeks", "eerste_jaar", "tarief", "prijspeil"]


class Dienst(models.Model):
    """A service of an arrangement with its provider and yearly budget at the price level."""

    arrangement = models.ForeignKey(Arrangement, on_delete=models.CASCADE, related_name="diensten")
    code = models.SlugField(_("code"), max_length=40)
    naam = models.CharField(_("naam"), max_length=200)
    aanbieder = models.ForeignKey(
        "accounts.Organisatie", on_delete=models.PROTECT, related_name="diensten"
    )
    budget = models.DecimalField(_("budget per jaar (prijspeil)"), max_digits=14, decimal_places=2)
    genoemd_per_inwoner = models.DecimalField(
        _("genoemd bedrag per inwoner (bron)"),
        max_digits=8,
        decimal_places=4,
        null=True,
        blank=True,
    )
    btw_categorie = models.CharField(
        _("btw-categorie (UNCL5305)"), max_length=2, default="O", help_text=_("O: buiten btw.")
    )
    volgorde = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("dienst")
        verbose_name_plural = _("diensten")
        ordering = ["arrangement", "volgorde", "id"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "code"], name="dienst_code_uniek"),
            models.CheckConstraint(condition=Q(budget__gt=0), name="dienst_budget_positief"),
        ]

    def __str__(self) -> str:
        return self.naam

    def clean(self):
        _check_texts(self, {"naam": "De naam"})


class Indexcijfer(models.Model):
    arrangement = models.ForeignKey(Arrangement, on_delete=models.CASCADE, related_name="indices")
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    percentage = models.DecimalField(_("indexpercentage"), max_digits=6, decimal_places=3)
    bron = models.CharField(_("bron"), max_length=300, blank=True)
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)

    class Meta:
        verbose_name = _("indexcijfer")
        verbose_name_plural = _("indexcijfers")
        ordering = ["arrangement", "jaar"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "jaar"], name="index_per_jaar"),
            models.CheckConstraint(
                condition=Q(percentage__gt=-100), name="index_groter_dan_min_honderd"
            ),
        ]

    def __str__(self) -> str:
        from samen.core.money import format_number

        return f"{self.jaar}: {format_number(self.percentage)}%"

    def clean(self):
        """The same rule as ``services.set_index`` for the admin: an index that issued invoices
        were billed on stays as it was."""
        if self.arrangement_id is None or self.jaar is None:
            return
        before = (
            Indexcijfer.objects.filter(pk=self.pk).values_list("jaar", "percentage").first()
            if self.pk
            else None
        )
        if before == (self.jaar, self.percentage):
            return
        if Factuur.objects.filter(
            arrangement_id=self.arrangement_id,
            jaar__gte=min(self.jaar, before[0] if before else self.jaar),
            status=Factuur.Status.UITGEGEVEN,
        ).exists():
            raise ValidationError(
                {"percentage": _("Er zijn al facturen uitgegeven op dit indexcijfer.")}
            )


class Abonnement(models.Model):
    """A municipality's subscription to an arrangement, valid from/until (inclusive)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    arrangement = models.ForeignKey(
        Arrangement, on_delete=models.PROTECT, related_name="abonnementen"
    )
    gemeente = models.ForeignKey(
        "gemeenten.Gemeente", on_delete=models.PROTECT, related_name="abonnementen"
    )
    van = models.DateField(_("van"))
    tot = models.DateField(_("tot en met"), null=True, blank=True)
    herindeling = models.ForeignKey(
        "gemeenten.Herindeling",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("De herindeling waardoor deze gemeente de abonnementen overnam."),
    )
    voorgangers = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="opvolgers"
    )
    aangemaakt_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnementen")
        ordering = ["arrangement", "gemeente__naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "gemeente"], name="abonnement_per_gemeente"
            ),
            models.CheckConstraint(
                condition=Q(tot__isnull=True) | Q(tot__gte=models.F("van")),
                name="abonnement_periode",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gemeente} – {self.arrangement}"

    def clean(self):
        from samen.core import dates

        problems = []
        dates.check_date(self.van, field="van", label="Het begin", problems=problems)
        dates.check_date(self.tot, field="tot", label="Het einde", problems=problems)
        if problems:
            raise ValidationError({p.name: p.reason for p in problems})

    def loopt_op(self, datum) -> bool:
        return self.van <= datum and (self.tot is None or datum <= self.tot)


class Vrijstelling(models.Model):
    abonnement = models.ForeignKey(
        Abonnement, on_delete=models.CASCADE, related_name="vrijstellingen"
    )
    dienst = models.ForeignKey(Dienst, on_delete=models.PROTECT, related_name="vrijstellingen")
    van = models.DateField(_("van"))
    tot = models.DateField(_("tot en met"), null=True, blank=True)
    reden = models.CharField(_("reden"), max_length=300)
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)

    class Meta:
        verbose_name = _("vrijstelling")
        verbose_name_plural = _("vrijstellingen")
        ordering = ["abonnement", "dienst", "van"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tot__isnull=True) | Q(tot__gte=models.F("van")),
                name="vrijstelling_periode",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.abonnement.gemeente}: {self.dienst}"

    def geldt_op(self, datum) -> bool:
        return self.van <= datum and (self.tot is None or datum <= self.tot)


class Factuurrun(models.Model):
    """One billing run of an arrangement for a year; at most one runs at a time per year."""

    class Status(models.TextChoices):
        BEZIG = "bezig", _("bezig")
        GEREED = "gereed", _("gereed")
        MISLUKT = "mislukt", _("mislukt")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="runs")
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BEZIG)
    te_maken = models.PositiveIntegerField(_("te maken facturen"), default=0)
    concepten = models.PositiveIntegerField(_("concepten geschreven"), default=0)
    uitgegeven = models.PositiveIntegerField(_("uitgegeven facturen"), default=0)
    al_aanwezig = models.PositiveIntegerField(_("al gefactureerd"), default=0)
    eerste_nummer = models.CharField(max_length=20, blank=True)
    laatste_nummer = models.CharField(max_length=20, blank=True)
    bericht = models.TextField(blank=True)
    taak = models.ForeignKey(
        "core.Taak", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    gestart_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    gestart_op = models.DateTimeField(auto_now_add=True)
    bijgewerkt_op = models.DateTimeField(auto_now=True)
    gereed_op = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("factuurrun")
        verbose_name_plural = _("factuurruns")
        ordering = ["-gestart_op"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "jaar"],
                condition=Q(status="bezig"),
                name="een_lopende_run_per_jaar",
            )
        ]

    def __str__(self) -> str:
        return f"{self.arrangement} {self.jaar} ({self.status})"


class Factuur(models.Model):
    """An invoice, credit note or supplementary invoice. Immutable once issued."""

    class Soort(models.TextChoices):
        FACTUUR = "factuur", _("factuur")
        CREDITNOTA = "creditnota", _("creditnota")
        AANVULLEND = "aanvullend", _("aanvullende factuur")

    class Status(models.TextChoices):
        CONCEPT = "concept", _("concept")
        UITGEGEVEN = "uitgegeven", _("uitgegeven")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    soort = models.CharField(max_length=12, choices=Soort.choices, default=Soort.FACTUUR)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CONCEPT)
    # Indexes are chosen for a billing run of 100,000 invoices: a foreign key whose lookups an
    # index below already serves gets no index of its own (db_index=False).
    arrangement = models.ForeignKey(
        Arrangement, on_delete=models.PROTECT, related_name="facturen", db_index=False
    )
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    gemeente = models.ForeignKey(
        "gemeenten.Gemeente", on_delete=models.PROTECT, related_name="facturen", db_index=False
    )
    # Only subscriptions invoice on a subscription; given-amount kinds have none.
    abonnement = models.ForeignKey(
        Abonnement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="facturen",
        db_index=False,
    )
    #: What one yearly invoice is for within the year: "" for a yearly invoice; a kind that
    #: invoices more often (per assignment, per month) names its period or reference here.
    periode = models.CharField(_("periode"), max_length=40, blank=True, db_default="")
    run = models.ForeignKey(
        Factuurrun, null=True, blank=True, on_delete=models.PROTECT, related_name="facturen"
    )
    reeks = models.SlugField(max_length=12, blank=True, db_default="")
    nummerjaar = models.PositiveSmallIntegerField(null=True, blank=True)
    volgnummer = models.PositiveIntegerField(null=True, blank=True)
    factuurdatum = models.DateField(null=True, blank=True)
    vervaldatum = models.DateField(null=True, blank=True)
    inwoners = models.IntegerField(_("inwoners"))
    bronjaar = models.PositiveSmallIntegerField(_("inwoners op 1 januari van"))
    prijs = models.DecimalField(_("prijs per inwoner"), max_digits=8, decimal_places=2)
    vrijgesteld = models.CharField(_("vrijgesteld van"), max_length=300, blank=True)
    #: For given amounts: what the amount is (e.g. "aandeel volgens verdeelsleutel 2027").
    grondslag = models.CharField(_("grondslag"), max_length=300, blank=True, db_default="")
    totaal = models.DecimalField(_("totaal"), max_digits=14, decimal_places=2)
    verwijst_naar = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correcties"
    )
    reden = models.CharField(_("reden"), max_length=300, blank=True)
    aangemaakt_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("factuur")
        verbose_name_plural = _("facturen")
        ordering = ["nummerjaar", "volgnummer", "id"]
        constraints = [
            # Idempotent billing: one yearly invoice per municipality per arrangement;
            # corrections are separate documents.
            models.UniqueConstraint(
                fields=["arrangement", "jaar", "gemeente", "periode"],
                condition=Q(soort="factuur"),
                name="een_jaarfactuur_per_gemeente",
            ),
            models.UniqueConstraint(
                fields=["reeks", "nummerjaar", "volgnummer"], name="factuurnummer_uniek"
            ),
            models.CheckConstraint(
                condition=Q(status="concept") | Q(volgnummer__isnull=False),
                name="uitgegeven_heeft_nummer",
            ),
            models.CheckConstraint(
                condition=Q(soort="factuur") | Q(verwijst_naar__isnull=False),
                name="correctie_verwijst",
            ),
        ]
        indexes = [
            models.Index(fields=["gemeente", "jaar"], name="factuur_gemeente_jaar"),
            models.Index(fields=["arrangement", "jaar"], name="factuur_arrangement_jaar"),
        ]

    def __str__(self) -> str:
        return self.nummer or f"concept {self.gemeente_id}/{self.jaar}"

    def save(self, *args, **kwargs):
        if self.pk and Factuur.objects.filter(pk=self.pk, status=self.Status.UITGEGEVEN).exists():
            raise PermissionError("een uitgegeven factuur wordt nooit gewijzigd")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status == self.Status.UITGEGEVEN:
            raise PermissionError("een uitgegeven factuur wordt nooit verwijderd")
        return super().delete(*args, **kwargs)

    @property
    def nummer(self) -> str:
        if self.volgnummer is None:
            return ""
        return format_nummer(self.nummerjaar, self.volgnummer, self.reeks)

    @property
    def betalingskenmerk(self) -> str:
        if self.volgnummer is None:
            return ""
        return kenmerk.betalingskenmerk(self.nummerjaar, self.volgnummer, self.reeks)

    @property
    def uitgegeven(self) -> bool:
        return self.status == self.Status.UITGEGEVEN


def format_nummer(jaar: int, volgnummer: int, reeks: str = "") -> str:
    """``2027-000042`` in the office's series; ``TOLK-2027-000042`` in another seller's."""
    nummer = f"{jaar}-{volgnummer:06d}"
    return f"{reeks.upper()}-{nummer}" if reeks else nummer


class Factuurregel(models.Model):
    # The unique (factuur, dienst) constraint serves lookups by invoice; services are few.
    factuur = models.ForeignKey(
        Factuur, on_delete=models.CASCADE, related_name="regels", db_index=False
    )
    dienst = models.ForeignKey(Dienst, on_delete=models.PROTECT, related_name="+", db_index=False)
    bedrag = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("factuurregel")
        verbose_name_plural = _("factuurregels")
        ordering = ["factuur", "dienst__volgorde", "id"]
        constraints = [
            models.UniqueConstraint(fields=["factuur", "dienst"], name="regel_per_dienst")
        ]

    def __str__(self) -> str:
        from samen.core.money import format_euro

        return f"{self.factuur}: {self.dienst} {format_euro(self.bedrag)}"


class Nummerreeks(models.Model):
    """The gapless counter per series (seller) and year, taken under a row lock when documents
    are issued. Series "" is the administration office's."""

    reeks = models.SlugField(max_length=12, blank=True, db_default="")
    jaar = models.PositiveSmallIntegerField()
    laatste = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("nummerreeks")
        verbose_name_plural = _("nummerreeksen")
        constraints = [
            models.UniqueConstraint(fields=["reeks", "jaar"], name="nummerreeks_per_jaar")
        ]

    def __str__(self) -> str:
        return f"{self.reeks or 'kantoor'} {self.jaar}: {self.laatste}"


class Vordering(models.Model):
    """Ledger of receivables: who owes what on which (unchanged) invoice. The open amount of an
    invoice at a municipality is the sum of its entries; a herindeling moves it with a pair of
    entries that point to the same invoice."""

    class Soort(models.TextChoices):
        FACTUUR = "factuur", _("gefactureerd")
        OVERDRACHT = "overdracht", _("overdracht bij herindeling")
        BETALING = "betaling", _("betaling")
        TERUGBOEKING = "terugboeking", _("terugboeking van een betaling")

    factuur = models.ForeignKey(Factuur, on_delete=models.PROTECT, related_name="vorderingen")
    gemeente = models.ForeignKey(
        "gemeenten.Gemeente", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    bedrag = models.DecimalField(max_digits=14, decimal_places=2)
    soort = models.CharField(max_length=12, choices=Soort.choices)
    datum = models.DateField()
    herindeling = models.ForeignKey(
        "gemeenten.Herindeling",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    aangemaakt_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vordering")
        verbose_name_plural = _("vorderingen")
        ordering = ["factuur", "datum", "id"]
        indexes = [models.Index(fields=["gemeente", "factuur"], name="vordering_gemeente_factuur")]
        constraints = [
            models.UniqueConstraint(
                fields=["factuur", "gemeente", "herindeling"],
                condition=Q(soort="overdracht"),
                name="overdracht_eenmaal",
            ),
            models.UniqueConstraint(
                fields=["factuur", "gemeente"],
                condition=Q(soort="factuur"),
                name="vordering_eenmaal",
            ),
        ]

    def __str__(self) -> str:
        from samen.core.money import format_euro

        return f"{self.factuur} {self.gemeente_id}: {format_euro(self.bedrag)}"
