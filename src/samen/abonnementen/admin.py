"""Admin for arrangement data (services, indices, exemptions) and a read-only view of invoices.
Invoices, runs and the ledger are never edited here: they change only through the services."""

from __future__ import annotations

from django.contrib import admin

from samen.abonnementen.models import (
    Abonnement,
    Afzendergegevens,
    Arrangement,
    Dienst,
    Factuur,
    Factuurgegevens,
    Factuurregel,
    Factuurrun,
    Indexcijfer,
    Vrijstelling,
)
from samen.core.admin import RoleAdminMixin


class ReadOnlyInline(admin.TabularInline):
    """Rows that carry money or terms (budgets, index figures) are shown, never changed here:
    an index is set through ``services.set_index``, which refuses it once invoices were issued
    on it; a budget weighs the lines of invoices already issued."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in {"id", "arrangement"}]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DienstInline(ReadOnlyInline):
    model = Dienst


class IndexInline(ReadOnlyInline):
    model = Indexcijfer


@admin.register(Arrangement)
class ArrangementAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_permission = "abonnementen.beheren"
    change_permission = "abonnementen.beheren"
    list_display = ["naam", "eerste_jaar", "laatste_jaar", "tarief", "prijspeil"]
    inlines = [DienstInline, IndexInline]


class VrijstellingInline(admin.TabularInline):
    model = Vrijstelling
    extra = 0
    readonly_fields = ["dienst", "van", "tot", "reden", "voorbeeld"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Abonnement)
class AbonnementAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_permission = "abonnementen.beheren"
    list_display = ["gemeente", "arrangement", "van", "tot"]
    list_filter = ["arrangement"]
    search_fields = ["gemeente__naam", "gemeente__code"]
    list_select_related = ["gemeente", "arrangement"]
    inlines = [VrijstellingInline]


class RegelInline(admin.TabularInline):
    model = Factuurregel
    extra = 0
    readonly_fields = ["dienst", "bedrag"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Factuur)
class FactuurAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_permission = "abonnementen.factureren"
    list_display = ["__str__", "soort", "gemeente", "jaar", "totaal", "status"]
    list_filter = ["soort", "status", "jaar"]
    search_fields = ["gemeente__naam", "gemeente__code"]
    list_select_related = ["gemeente"]
    inlines = [RegelInline]


@admin.register(Factuurrun)
class FactuurrunAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_permission = "abonnementen.factureren"
    list_display = ["arrangement", "jaar", "status", "uitgegeven", "gestart_op"]


# ---------------------------------------------------------------- e-invoice details


@admin.register(Afzendergegevens)
class AfzendergegevensAdmin(RoleAdminMixin, admin.ModelAdmin):
    """The administration office's details as seller of e-invoices (name, address, KvK/OIN,
    VAT number, IBAN); the office keeps them here."""

    view_permission = "abonnementen.factureren"
    change_permission = "abonnementen.factureren"
    list_display = ["juridische_naam", "organisatie", "kvk", "oin", "iban", "voorbeeld"]
    readonly_fields = ["bijgewerkt_op"]


@admin.register(Factuurgegevens)
class FactuurgegevensAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Read only: a municipality keeps its own details on /facturen/gegevens, the office
    imports them there from CSV."""

    view_permission = "factuurgegevens.importeren"
    list_display = ["juridische_naam", "gemeente", "oin", "kvk", "inkoopreferentie", "voorbeeld"]
    list_filter = ["voorbeeld"]
    search_fields = ["gemeente__naam", "gemeente__code", "juridische_naam"]
    list_select_related = ["gemeente"]
