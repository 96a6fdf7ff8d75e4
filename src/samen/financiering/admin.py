"""Admin of the financing forms: read-only; figures change only through the services (every
figure with its source, audited, not once invoiced)."""

from __future__ import annotations

from django.contrib import admin

from samen.core.admin import RoleAdminMixin
from samen.financiering.models import Compensatie, Regio, Sleutelgewicht, Verdeelsleutel


class SleutelgewichtInline(RoleAdminMixin, admin.TabularInline):
    model = Sleutelgewicht
    view_permission = "financiering.beheren"
    extra = 0
    can_delete = False
    fields = ["gemeente", "gewicht", "reden", "bron"]
    readonly_fields = fields


@admin.register(Verdeelsleutel)
class VerdeelsleutelAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_permission = "financiering.beheren"
    list_display = ["arrangement", "jaar", "budget", "voorbeeld"]
    readonly_fields = [
        "arrangement",
        "jaar",
        "budget",
        "toelichting",
        "bron",
        "voorbeeld",
        "vastgelegd_door",
    ]
    inlines = [SleutelgewichtInline]


@admin.register(Compensatie)
class CompensatieAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_permission = "financiering.beheren"
    list_display = ["gemeente", "jaar", "bedrag", "circulaire", "voorbeeld"]
    readonly_fields = [
        "gemeente",
        "jaar",
        "bedrag",
        "grondslag",
        "circulaire",
        "bron",
        "voorbeeld",
        "vastgelegd_door",
    ]


@admin.register(Regio)
class RegioAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_permission = "financiering.beheren"
    list_display = ["naam", "jaar", "bijdrage", "voorbeeld"]
    readonly_fields = [
        "arrangement",
        "jaar",
        "naam",
        "bijdrage",
        "leden",
        "bron",
        "voorbeeld",
        "vastgelegd_door",
    ]
