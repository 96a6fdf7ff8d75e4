"""The append-only audit trail. Rows are only ever inserted: database triggers refuse
UPDATE and DELETE on both PostgreSQL and SQLite (see migration 0002)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kanaal(models.TextChoices):
    PAGINA = "pagina", _("pagina")
    API = "api", _("API")
    ADMIN = "admin", _("beheer")
    COMMANDO = "commando", _("commando")
    SYSTEEM = "systeem", _("systeem")


class Actie(models.TextChoices):
    AANMAKEN = "aanmaken", _("aanmaken")
    WIJZIGEN = "wijzigen", _("wijzigen")
    VERWIJDEREN = "verwijderen", _("verwijderen")
    LEZEN = "lezen", _("lezen")
    IMPORTEREN = "importeren", _("importeren")
    INLOGGEN = "inloggen", _("inloggen")
    OVERIG = "overig", _("overig")


class AuditRegelQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("the audit trail is append-only")

    def delete(self):
        raise PermissionError("the audit trail is append-only")


class AuditRegel(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tijdstip = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    gebruiker_naam = models.CharField(_("gebruiker"), max_length=255, blank=True)
    kanaal = models.CharField(_("kanaal"), max_length=20, choices=Kanaal.choices)
    actie = models.CharField(_("actie"), max_length=20, choices=Actie.choices)
    object_type = models.CharField(_("objecttype"), max_length=100)
    object_id = models.CharField(_("object-id"), max_length=100)
    object_omschrijving = models.CharField(_("object"), max_length=255, blank=True)
    voor = models.JSONField(_("waarden voor"), null=True, blank=True, encoder=DjangoJSONEncoder)
    na = models.JSONField(_("waarden na"), null=True, blank=True, encoder=DjangoJSONEncoder)
    toelichting = models.TextField(_("toelichting"), blank=True)

    objects = AuditRegelQuerySet.as_manager()

    class Meta:
        verbose_name = _("auditregel")
        verbose_name_plural = _("auditregels")
        ordering = ["-tijdstip", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "tijdstip"]),
            models.Index(fields=["gebruiker", "tijdstip"]),
        ]

    def __str__(self) -> str:
        return f"{self.tijdstip:%Y-%m-%d %H:%M} {self.actie} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the audit trail is append-only")
