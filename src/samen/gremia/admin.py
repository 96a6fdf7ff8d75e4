"""Admin of the bodies: read-only; bodies, members, reglementen and meetings change through the
pages and their services (validated, audited)."""

from __future__ import annotations

from django.contrib import admin

from samen.core.admin import RoleAdminMixin
from samen.gremia.models import (
    Agendapunt,
    Gremium,
    Lidmaatschap,
    ReglementVersie,
    Vergadering,
)


class _ReadOnly(RoleAdminMixin):
    view_permission = "gremia.beheren"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in ("id", "inhoud")]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LidmaatschapInline(_ReadOnly, admin.TabularInline):
    model = Lidmaatschap
    extra = 0
    exclude = ["uuid"]


@admin.register(Gremium)
class GremiumAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["naam", "soort", "parent", "voorbeeld"]
    list_filter = ["soort"]
    inlines = [LidmaatschapInline]


@admin.register(Lidmaatschap)
class LidmaatschapAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["naam", "gremium", "rol", "functie", "gemeente", "van", "tot", "voorbeeld"]
    list_filter = ["gremium", "rol", "functie"]
    list_select_related = ["gremium", "gemeente"]
    search_fields = ["naam"]


@admin.register(ReglementVersie)
class ReglementVersieAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["reglement", "versie", "geldig_van", "quorumregel", "quorum_waarde"]
    list_select_related = ["reglement__gremium"]
    exclude = ["inhoud"]


class AgendapuntInline(_ReadOnly, admin.TabularInline):
    model = Agendapunt
    extra = 0
    fields = ["volgorde", "titel"]


@admin.register(Vergadering)
class VergaderingAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["gremium", "datum", "soort", "status", "besluitenlijst_vastgesteld_op"]
    list_filter = ["gremium", "status"]
    list_select_related = ["gremium"]
    inlines = [AgendapuntInline]
