"""Admin of agreements: read-only; signings change only through the pages, the API and their
service (forward-only steps, audited, billing following signing)."""

from __future__ import annotations

from django.contrib import admin

from samen.core.admin import RoleAdminMixin
from samen.overeenkomsten.models import Herinnering, Ondertekening, Overeenkomst, Stap


class StapInline(RoleAdminMixin, admin.TabularInline):
    model = Stap
    view_permission = "overeenkomsten.campagne"
    extra = 0
    can_delete = False
    fields = [
        "datum",
        "status",
        "getekend_door",
        "besluitreferentie",
        "reden",
        "correctie",
        "namens",
        "overgenomen",
        "vastgelegd_door",
        "voorbeeld",
    ]
    readonly_fields = fields


@admin.register(Overeenkomst)
class OvereenkomstAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_permission = "overeenkomsten.campagne"
    list_display = ["titel", "versie", "start", "deadline", "drempel_soort", "voorbeeld"]
    exclude = ["inhoud"]
    readonly_fields = [
        "titel",
        "versie",
        "vervangt",
        "omschrijving",
        "partijen",
        "bestandsnaam",
        "sha256",
        "arrangement",
        "voorziening",
        "besluit",
        "start",
        "deadline",
        "drempel_soort",
        "drempel_waarde",
        "facturering_volgt",
        "voorbeeld",
    ]


@admin.register(Ondertekening)
class OndertekeningAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_permission = "overeenkomsten.campagne"
    list_display = ["gemeente", "overeenkomst", "status", "sinds", "te_bevestigen"]
    list_filter = ["status", "te_bevestigen"]
    search_fields = ["gemeente__naam", "gemeente__code"]
    readonly_fields = [
        "overeenkomst",
        "gemeente",
        "status",
        "sinds",
        "te_bevestigen",
        "herindeling",
    ]
    inlines = [StapInline]


@admin.register(Herinnering)
class HerinneringAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_permission = "overeenkomsten.campagne"
    list_display = ["overeenkomst", "aangemaakt_op", "verstuurd_door"]
    readonly_fields = ["overeenkomst", "tekst", "gemeenten", "verstuurd_door"]
