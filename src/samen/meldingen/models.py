"""The notifications' own records: who switched which informative kind off (``Voorkeur``) and
every e-mail Samen sent, failed to send or left out (``Verzending``, append-only)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Voorkeur(models.Model):
    """A user's choice for one informative kind; without a row the kind is on. Formal kinds
    (reminders, invoices) have no preference: they are always sent."""

    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meldingvoorkeuren",
        verbose_name=_("gebruiker"),
    )
    soort = models.CharField(_("soort melding"), max_length=50)
    aan = models.BooleanField(_("ontvangen"), default=True)
    gewijzigd_op = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("meldingvoorkeur")
        verbose_name_plural = _("meldingvoorkeuren")
        ordering = ["gebruiker", "soort"]
        constraints = [
            models.UniqueConstraint(fields=["gebruiker", "soort"], name="voorkeur_eenmaal")
        ]

    def __str__(self) -> str:
        return f"{self.gebruiker}: {self.soort} {'aan' if self.aan else 'uit'}"


class VerzendingQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("a sending is recorded once")

    def delete(self):
        raise PermissionError("a sending is recorded once")


class Verzending(models.Model):
    """One e-mail to one recipient: sent, failed (with the error) or skipped (the recipient
    switched the kind off, or has no e-mail address). Written once, never changed."""

    class Status(models.TextChoices):
        VERZONDEN = "verzonden", _("verzonden")
        MISLUKT = "mislukt", _("mislukt")
        OVERGESLAGEN = "overgeslagen", _("overgeslagen")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tijdstip = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)
    soort = models.CharField(_("soort melding"), max_length=50)
    ontvanger = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("ontvanger"),
    )
    ontvanger_naam = models.CharField(_("ontvanger (gebruikersnaam)"), max_length=150)
    adres = models.CharField(_("e-mailadres"), max_length=254, blank=True)
    onderwerp = models.CharField(_("onderwerp"), max_length=255)
    object_type = models.CharField(_("objecttype"), max_length=100, blank=True)
    object_id = models.CharField(_("object-id"), max_length=100, blank=True)
    object_omschrijving = models.CharField(_("object"), max_length=255, blank=True)
    aanleiding = models.UUIDField(
        _("auditregel van de wijziging"),
        null=True,
        blank=True,
        help_text=_("De regel in de audittrail van de wijziging waarover deze melding gaat."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    reden = models.TextField(_("reden of foutmelding"), blank=True)

    objects = VerzendingQuerySet.as_manager()

    class Meta:
        verbose_name = _("verzending")
        verbose_name_plural = _("verzendingen")
        ordering = ["-tijdstip", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["ontvanger", "tijdstip"]),
        ]

    def __str__(self) -> str:
        return f"{self.soort} aan {self.ontvanger_naam}: {self.status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("a sending is recorded once")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("a sending is recorded once")

    @property
    def audit_id(self) -> str:
        return str(self.uuid)
