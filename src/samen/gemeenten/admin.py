from __future__ import annotations

from django.contrib import admin

from samen.core.admin import RoleAdminMixin
from samen.gemeenten.models import CbsImport, Gemeente, Herindeling, Inwonertal, Overgang, Provincie


class ReadOnlyRegister(RoleAdminMixin):
    """The register changes only through its services (imports); the admin shows it."""

    view_permission = "gemeenten.bekijken"

    def has_module_permission(self, request):
        return request.user.is_authenticated and request.user.is_staff

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


class InwonertalInline(admin.TabularInline):
    model = Inwonertal
    extra = 0
    can_delete = False
    readonly_fields = ["jaar", "aantal", "bron"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Gemeente)
class GemeenteAdmin(ReadOnlyRegister, admin.ModelAdmin):
    list_display = ["code", "naam", "provincie", "geldig_van", "geldig_tot"]
    list_filter = ["provincie"]
    search_fields = ["code", "naam"]
    inlines = [InwonertalInline]


@admin.register(Provincie)
class ProvincieAdmin(ReadOnlyRegister, admin.ModelAdmin):
    list_display = ["code", "naam"]


class OvergangInline(admin.TabularInline):
    model = Overgang
    extra = 0
    can_delete = False
    readonly_fields = ["voorganger", "opvolger", "deel", "inwoners_overgegaan", "toelichting"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Herindeling)
class HerindelingAdmin(ReadOnlyRegister, admin.ModelAdmin):
    list_display = ["datum", "soort", "omschrijving"]
    list_filter = ["soort", "datum"]
    inlines = [OvergangInline]


@admin.register(CbsImport)
class CbsImportAdmin(ReadOnlyRegister, admin.ModelAdmin):
    list_display = [
        "bestandsnaam",
        "formaat",
        "jaren",
        "aangemaakt",
        "gewijzigd",
        "geimporteerd_op",
    ]
