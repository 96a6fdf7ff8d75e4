"""The municipalities' yearly contributions: the arrangement of a year and each municipality's
share."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .budget import Fonds


class Bijdrageregeling(models.Model):
    """The yearly contribution: a total or an amount per inhabitant, on the population rule."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fonds = models.ForeignKey(Fonds, on_delete=models.PROTECT, related_name="bijdrageregelingen")
    jaar = models.PositiveSmallIntegerField()
    totaal = models.DecimalField(max_digits=14, decimal_places=2)
    per_inwoner = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    bronjaar = models.PositiveSmallIntegerField(_("inwoners op 1 januari van"))
    sleutel = models.CharField(
        _("verdeelsleutel"),
        max_length=20,
        default="inwoners",
        help_text=_("inwoners (de bevolkingsregel) of ingevoerd (een sleutel per gemeente)"),
    )
    toelichting = models.TextField(blank=True)
    vastgesteld_op = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fonds", "-jaar"]
        constraints = [
            models.UniqueConstraint(fields=["fonds", "jaar"], name="een_bijdrage_per_jaar")
        ]

    def __str__(self) -> str:
        return f"{self.fonds} {self.jaar}: {self.totaal}"


class Bijdrage(models.Model):
    regeling = models.ForeignKey(
        Bijdrageregeling, on_delete=models.CASCADE, related_name="aandelen"
    )
    gemeente = models.ForeignKey("gemeenten.Gemeente", on_delete=models.PROTECT, related_name="+")
    inwoners = models.PositiveIntegerField()
    bedrag = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["regeling", "gemeente__naam"]
        constraints = [
            models.UniqueConstraint(fields=["regeling", "gemeente"], name="bijdrage_uniek")
        ]

    def __str__(self) -> str:
        return f"{self.gemeente}: {self.bedrag}"

    @property
    def gemeente_code(self) -> str:
        return self.gemeente.code
