"""Background jobs with progress a page can show (runs on django-tasks' database backend)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Taak(models.Model):
    """A long piece of work (import, billing run, report) and how far it is."""

    class Status(models.TextChoices):
        WACHTEND = "wachtend", _("wachtend")
        BEZIG = "bezig", _("bezig")
        GEREED = "gereed", _("gereed")
        MISLUKT = "mislukt", _("mislukt")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    soort = models.CharField(_("soort"), max_length=100)
    omschrijving = models.CharField(_("omschrijving"), max_length=255)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.WACHTEND
    )
    gedaan = models.PositiveIntegerField(_("gedaan"), default=0)
    totaal = models.PositiveIntegerField(_("totaal"), default=0)
    bericht = models.TextField(_("bericht"), blank=True)
    resultaat = models.JSONField(_("resultaat"), default=dict, blank=True)
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    gestart_op = models.DateTimeField(_("gestart op"), null=True, blank=True)
    gereed_op = models.DateTimeField(_("gereed op"), null=True, blank=True)
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("taak")
        verbose_name_plural = _("taken")
        ordering = ["-aangemaakt_op"]
        indexes = [models.Index(fields=["status", "aangemaakt_op"])]

    def __str__(self) -> str:
        return f"{self.omschrijving} ({self.get_status_display()})"

    @property
    def percentage(self) -> int:
        if self.status == self.Status.GEREED:
            return 100
        if not self.totaal:
            return 0
        return min(100, (100 * self.gedaan) // self.totaal)
