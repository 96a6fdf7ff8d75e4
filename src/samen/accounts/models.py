from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Rol(models.TextChoices):
    GEMEENTE = "gemeente", _("contactpersoon gemeente")
    PROGRAMMABUREAU = "programmabureau", _("programmabureau")
    TASKFORCE = "taskforce", _("lid Task Force")
    COLLEGE = "college", _("lid College")
    COMMISSIE = "commissie", _("lid commissie")
    BESTUUR = "bestuur", _("lid bestuur")
    FINANCIEN = "financien", _("financiën")
    ADMINISTRATIEKANTOOR = "administratiekantoor", _("administratiekantoor")
    AANBIEDER = "aanbieder", _("aanbieder")
    BEMIDDELAAR = "bemiddelaar", _("medewerker tolkbemiddeling")
    TOLK = "tolk", _("tolk")


# Roles that work in the admin (Django's is_staff follows the role).
ADMIN_ROLES = frozenset(
    {
        Rol.PROGRAMMABUREAU,
        Rol.TASKFORCE,
        Rol.COLLEGE,
        Rol.COMMISSIE,
        Rol.BESTUUR,
        Rol.FINANCIEN,
        Rol.ADMINISTRATIEKANTOOR,
        Rol.BEMIDDELAAR,
    }
)


class Organisatie(models.Model):
    """The register of organisations: developers, chain partners, providers, offices."""

    class Soort(models.TextChoices):
        KETENPARTNER = "ketenpartner", _("ketenpartner")
        AANBIEDER = "aanbieder", _("aanbieder (instelling)")
        ADMINISTRATIEKANTOOR = "administratiekantoor", _("administratiekantoor")
        VERENIGING = "vereniging", _("vereniging")
        SAMENWERKINGSVERBAND = "samenwerkingsverband", _("samenwerkingsverband")
        OVERIG = "overig", _("overig")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    naam = models.CharField(_("naam"), max_length=200, unique=True)
    afkorting = models.CharField(_("afkorting"), max_length=30, blank=True)
    soort = models.CharField(_("soort"), max_length=30, choices=Soort.choices)
    kvk_nummer = models.CharField(_("KvK-nummer"), max_length=8, blank=True)
    oin = models.CharField(_("OIN"), max_length=20, blank=True)
    website = models.URLField(_("website"), blank=True)
    leden = models.ManyToManyField(
        "gemeenten.Gemeente",
        blank=True,
        related_name="samenwerkingsverbanden",
        verbose_name=_("deelnemende gemeenten (samenwerkingsverband)"),
    )

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["naam"]

    def __str__(self) -> str:
        return self.afkorting or self.naam


class Gebruiker(AbstractUser):
    """A person who signs in. Every user has one role; some roles act for one party."""

    rol = models.CharField(_("rol"), max_length=30, choices=Rol.choices, blank=True)
    gemeente = models.ForeignKey(
        "gemeenten.Gemeente",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="gebruikers",
        verbose_name=_("gemeente"),
    )
    organisatie = models.ForeignKey(
        Organisatie,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="gebruikers",
        verbose_name=_("organisatie"),
    )
    gemeentesecretaris = models.BooleanField(
        _("gemeentesecretaris"),
        default=False,
        help_text=_(
            "Een contactpersoon die het programmabureau heeft aangemerkt als de "
            "gemeentesecretaris van zijn gemeente: wijst aan wie namens de gemeente stemt."
        ),
    )
    api_client = models.BooleanField(
        _("API-client"),
        default=False,
        editable=False,
        help_text=_(
            "Het account van een machine-client: meldt zich alleen aan met een API-token, "
            "nooit met een wachtwoord of via OpenID Connect."
        ),
    )

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def save(self, *args, **kwargs):
        self.is_staff = self.is_superuser or self.rol in ADMIN_ROLES
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.rol == Rol.GEMEENTE and self.gemeente_id is None:
            raise ValidationError({"gemeente": _("Een contactpersoon hoort bij één gemeente.")})
        if self.rol != Rol.GEMEENTE and self.gemeente_id is not None:
            raise ValidationError({"gemeente": _("Alleen contactpersonen horen bij een gemeente.")})
        if self.gemeentesecretaris and self.rol != Rol.GEMEENTE:
            raise ValidationError(
                {"gemeentesecretaris": _("Alleen een contactpersoon van een gemeente.")}
            )
        if self.rol == Rol.AANBIEDER and self.organisatie_id is None:
            raise ValidationError({"organisatie": _("Een aanbieder hoort bij één organisatie.")})


def vereist_tweestaps(user) -> bool:
    """Staff (every role in ADMIN_ROLES, and superusers) need a second factor (TOTP) when they
    sign in with a local password. OpenID Connect sign-ins leave that to the identity provider."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.rol in ADMIN_ROLES)
    )


class ApiToken(models.Model):
    """A machine client's API token. Only a SHA-256 hash of the token is stored (the token is
    256 random bits, so a slow hash adds nothing); the prefix identifies it in lists and logs.

    The token acts as its client account (``gebruiker``, an account with ``api_client`` set and
    no password): the account's role, municipality and organisation are the token's scope, so the
    one permission layer applies unchanged and the audit trail names the client."""

    naam = models.CharField(_("naam"), max_length=200)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    sleutel_hash = models.CharField(_("hash van het token"), max_length=64, editable=False)
    gebruiker = models.ForeignKey(
        Gebruiker,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("client-account"),
        limit_choices_to={"api_client": True},
    )
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    aangemaakt_door = models.CharField(_("aangemaakt door"), max_length=150, blank=True)
    verloopt_op = models.DateTimeField(_("verloopt op"))
    ingetrokken_op = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    laatst_gebruikt_op = models.DateTimeField(_("laatst gebruikt op"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")
        ordering = ["-aangemaakt_op"]

    def __str__(self) -> str:
        return f"{self.naam} ({self.prefix})"

    @property
    def rol(self) -> str:
        return self.gebruiker.rol

    @property
    def gemeente(self):
        return self.gebruiker.gemeente

    @property
    def organisatie(self):
        return self.gebruiker.organisatie

    def geldig(self, nu) -> bool:
        return self.ingetrokken_op is None and self.verloopt_op > nu


class Herstelcode(models.Model):
    """A one-time recovery code for a staff member who cannot use the authenticator app (phone
    lost or not at hand). Ten are made when the app is set up and whenever the user asks for new
    ones (which replaces the old ones); each is shown once. Only a SHA-256 hash is stored (a code
    has 80 random bits); a used code keeps its row with the moment of use."""

    gebruiker = models.ForeignKey(
        Gebruiker,
        on_delete=models.CASCADE,
        related_name="herstelcodes",
        verbose_name=_("gebruiker"),
    )
    code_hash = models.CharField(_("hash van de code"), max_length=64, editable=False)
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    gebruikt_op = models.DateTimeField(_("gebruikt op"), null=True, blank=True)

    class Meta:
        verbose_name = _("herstelcode")
        verbose_name_plural = _("herstelcodes")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["gebruiker", "code_hash"], name="herstelcode_uniek")
        ]

    def __str__(self) -> str:
        return f"herstelcode {self.pk} van {self.gebruiker_id}"
