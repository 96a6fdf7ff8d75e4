"""Invoice details for e-invoices (SI-UBL 2.0 / NLCIUS): the buyer's details per municipality,
maintained by the municipality itself (or imported by the administration office), and the
sender's details of an administration office. Re-exported by ``models.py``.

Values are normalised before they are validated (``clean_fields``), so a form, the CSV import
and the admin all store the same spelling: postcode ``1234 AB``, IBAN without spaces, upper
case country, VAT number and BIC."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["Afzendergegevens", "Factuurgegevens", "Factuurpartijen", "Partijversie"]

POSTCODE_NL = re.compile(r"^[1-9][0-9]{3} [A-Z]{2}$")

oin_validator = RegexValidator(r"^[0-9]{20}$", _("Een OIN bestaat uit 20 cijfers."))
kvk_validator = RegexValidator(r"^[0-9]{8}$", _("Een KvK-nummer bestaat uit 8 cijfers."))
btw_validator = RegexValidator(
    r"^NL[0-9]{9}B[0-9]{2}$", _("Een btw-identificatienummer ziet eruit als NL123456789B01.")
)
LANDCODES_BESTAND = Path(__file__).with_name("data") / "iso3166-1-alpha2.txt"


@cache
def landcodes() -> frozenset[str]:
    """The officially assigned ISO 3166-1 alpha-2 codes (shipped list; the standard library has
    none)."""
    lines = LANDCODES_BESTAND.read_text(encoding="ascii").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def land_validator(value: str) -> None:
    if value not in landcodes():
        raise ValidationError(
            _("Geen landcode uit ISO 3166-1 (twee letters, zoals NL, BE of DE): %(v)s"),
            code="land",
            params={"v": value},
        )


#: Postcodes of the neighbouring countries; any other country: letters, digits, a space or a
#: hyphen, with at least one digit (every postal code system in use has digits).
POSTCODE_PATRONEN = {
    "NL": (POSTCODE_NL, "Een Nederlandse postcode ziet eruit als 1234 AB."),
    "BE": (re.compile(r"^[1-9][0-9]{3}$"), "Een Belgische postcode bestaat uit 4 cijfers."),
    "LU": (re.compile(r"^(L-)?[0-9]{4}$"), "Een Luxemburgse postcode bestaat uit 4 cijfers."),
    "DE": (re.compile(r"^[0-9]{5}$"), "Een Duitse postcode bestaat uit 5 cijfers."),
    "FR": (re.compile(r"^[0-9]{5}$"), "Een Franse postcode bestaat uit 5 cijfers."),
}
POSTCODE_ALGEMEEN = re.compile(r"^(?=.*[0-9])[A-Z0-9][A-Z0-9 \-]{1,9}$")


def postcode_problem(postcode: str, land: str) -> str | None:
    """Why ``postcode`` is no postcode of ``land`` (None: it is plausible)."""
    pattern, message = POSTCODE_PATRONEN.get(
        land, (POSTCODE_ALGEMEEN, "Een postcode bestaat uit cijfers en letters, zoals 1234 AB.")
    )
    return None if pattern.match(postcode) else message


bic_validator = RegexValidator(
    r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$", _("Een BIC bestaat uit 8 of 11 tekens.")
)


def iban_valid(value: str) -> bool:
    """ISO 13616: country, check digits, account; the mod-97 of the rearranged number is 1."""
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", value):
        return False
    digits = "".join(str(int(c, 36)) for c in value[4:] + value[:4])
    return int(digits) % 97 == 1


def validate_iban(value: str) -> None:
    if not iban_valid(value):
        raise ValidationError(_("Geen geldig IBAN (controlegetal klopt niet)."), code="iban")


def _compact(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "").upper()


def normalise_postcode(value: str, land: str = "NL") -> str:
    value = (value or "").strip().upper()
    if land == "NL":
        compact = value.replace(" ", "")
        if re.fullmatch(r"[0-9]{4}[A-Z]{2}", compact):
            return f"{compact[:4]} {compact[4:]}"
    return value


class _Adres(models.Model):
    """Legal name and postal address, shared by buyer and sender."""

    juridische_naam = models.CharField(_("juridische naam"), max_length=200)
    straat = models.CharField(
        _("straat of postbus"), max_length=150, help_text=_("Bijvoorbeeld Spui of Postbus.")
    )
    huisnummer = models.CharField(_("huisnummer of postbusnummer"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10)
    plaats = models.CharField(_("plaats"), max_length=100)
    land = models.CharField(_("land"), max_length=2, default="NL", validators=[land_validator])
    oin = models.CharField(
        _("OIN"), max_length=20, blank=True, validators=[oin_validator], help_text=_("20 cijfers.")
    )
    kvk = models.CharField(_("KvK-nummer"), max_length=8, blank=True, validators=[kvk_validator])
    btw_nummer = models.CharField(
        _("btw-identificatienummer"), max_length=14, blank=True, validators=[btw_validator]
    )
    voorbeeld = models.BooleanField(_("voorbeeldgegevens"), default=False)

    class Meta:
        abstract = True

    def normalise(self) -> None:
        for name in ("juridische_naam", "straat", "huisnummer", "plaats"):
            setattr(self, name, " ".join((getattr(self, name) or "").split()))
        self.land = (self.land or "NL").strip().upper()
        self.postcode = normalise_postcode(self.postcode, self.land)
        self.oin = _compact(self.oin)
        self.kvk = _compact(self.kvk)
        self.btw_nummer = _compact(self.btw_nummer)

    def clean_fields(self, exclude=None):
        self.normalise()
        super().clean_fields(exclude=exclude)

    #: Free text that reaches the PDF and the XML of an invoice (checked by core.text).
    TEKSTVELDEN = ("juridische_naam", "straat", "huisnummer", "postcode", "plaats")

    def clean(self):
        from samen.core.text import xml_safe_problems

        errors = {}
        if not self.oin and not self.kvk:
            errors["oin"] = _("Geef een OIN of een KvK-nummer (of allebei).")
        if self.postcode and self.land in landcodes():
            reason = postcode_problem(self.postcode, self.land)
            if reason:
                errors["postcode"] = _(reason)
        for name in self.TEKSTVELDEN:
            label = str(self._meta.get_field(name).verbose_name).capitalize()
            for problem in xml_safe_problems(getattr(self, name), name, label):
                errors.setdefault(name, problem.reason)
        if errors:
            raise ValidationError(errors)

    @property
    def straatnaam(self) -> str:
        return f"{self.straat} {self.huisnummer}".strip()


class Factuurgegevens(_Adres):
    """A municipality's invoice details (the buyer of an e-invoice)."""

    gemeente = models.OneToOneField(
        "gemeenten.Gemeente",
        on_delete=models.PROTECT,
        related_name="factuurgegevens",
        verbose_name=_("gemeente"),
    )
    inkoopreferentie = models.CharField(
        _("inkoopreferentie (buyer reference)"),
        max_length=100,
        blank=True,
        help_text=_("Komt als BuyerReference op elke e-factuur; leeg: de CBS-code."),
    )
    email = models.EmailField(_("e-mailadres voor facturen"), blank=True)
    bijgewerkt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bijgewerkt_op = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    class Meta:
        verbose_name = _("factuurgegevens")
        verbose_name_plural = _("factuurgegevens")
        ordering = ["gemeente__naam"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(oin="") | ~Q(kvk=""), name="factuurgegevens_oin_of_kvk"
            ),
        ]

    def __str__(self) -> str:
        return self.juridische_naam

    TEKSTVELDEN = (*_Adres.TEKSTVELDEN, "inkoopreferentie", "email")

    def normalise(self) -> None:
        super().normalise()
        self.inkoopreferentie = (self.inkoopreferentie or "").strip()
        self.email = (self.email or "").strip()

    @property
    def audit_id(self) -> str:
        return self.gemeente.code

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in FACTUURGEGEVENS_VELDEN}


FACTUURGEGEVENS_VELDEN = [
    "juridische_naam",
    "straat",
    "huisnummer",
    "postcode",
    "plaats",
    "land",
    "oin",
    "kvk",
    "btw_nummer",
    "inkoopreferentie",
    "email",
]


class Afzendergegevens(_Adres):
    """An administration office's details as the seller of an e-invoice, with its account."""

    organisatie = models.OneToOneField(
        "accounts.Organisatie",
        on_delete=models.PROTECT,
        related_name="afzendergegevens",
        verbose_name=_("organisatie (administratiekantoor)"),
    )
    iban = models.CharField(_("IBAN"), max_length=34, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[bic_validator])
    bijgewerkt_op = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    class Meta:
        verbose_name = _("afzendergegevens")
        verbose_name_plural = _("afzendergegevens")
        ordering = ["juridische_naam"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(oin="") | ~Q(kvk=""), name="afzendergegevens_oin_of_kvk"
            ),
        ]

    def __str__(self) -> str:
        return self.juridische_naam

    def normalise(self) -> None:
        super().normalise()
        self.iban = _compact(self.iban)
        self.bic = _compact(self.bic)


# ---------------------------------------------------------------- details as issued


class Partijversie(models.Model):
    """The details of a party exactly as they stood on issued documents: the buyer (a
    municipality's invoice details) or the seller (the office's details with the names of the
    arrangement and its services). Content-addressed (``sleutel`` is the SHA-256 of the canonical
    JSON), so a billing run of 100,000 invoices writes a few hundred versions, and never changed:
    editing the details later makes a new version for new documents only."""

    class Rol(models.TextChoices):
        KOPER = "koper", _("afnemer")
        VERKOPER = "verkoper", _("leverancier")

    rol = models.CharField(max_length=10, choices=Rol.choices)
    sleutel = models.CharField(max_length=64, unique=True)
    gegevens = models.JSONField()
    aangemaakt_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partijversie")
        verbose_name_plural = _("partijversies")

    def __str__(self) -> str:
        return f"{self.get_rol_display()}: {self.gegevens.get('juridische_naam', '')}"

    def save(self, *args, **kwargs):
        if self.pk and Partijversie.objects.filter(pk=self.pk).exists():
            raise PermissionError("de gegevens van een uitgegeven document worden nooit gewijzigd")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("de gegevens van een uitgegeven document worden nooit verwijderd")


class Factuurpartijen(models.Model):
    """Which buyer and seller details an issued document carries: written in the transaction
    that issues it (or, for a document issued before the details existed, when its e-invoice is
    first made), never changed afterwards. The PDF and the XML are rendered from these."""

    factuur = models.OneToOneField(
        "abonnementen.Factuur",
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="partijen",
    )
    koper = models.ForeignKey(
        Partijversie, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    verkoper = models.ForeignKey(
        Partijversie, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    vastgelegd_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partijen van een factuur")
        verbose_name_plural = _("partijen van facturen")

    def __str__(self) -> str:
        return f"{self.factuur_id}: {self.koper_id}/{self.verkoper_id}"

    def save(self, *args, **kwargs):
        if Factuurpartijen.objects.filter(pk=self.pk).exists():
            raise PermissionError("de gegevens van een uitgegeven document worden nooit gewijzigd")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("de gegevens van een uitgegeven document worden nooit verwijderd")
