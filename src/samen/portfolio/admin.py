"""The admin shows the portfolio; changes go through the portfolio pages and services."""

from __future__ import annotations

from django.contrib import admin

from samen.core.admin import RoleAdminMixin
from samen.portfolio.models import (
    BusinessCase,
    Criterium,
    Factsheet,
    Fasewijziging,
    Mijlpaal,
    RoutekaartVersie,
    Score,
    Voorziening,
    WegingVersie,
)


class ReadOnly(RoleAdminMixin):
    view_permission = "portfolio.bekijken"

    def has_module_permission(self, request):
        return request.user.is_authenticated and request.user.is_staff

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + [
            f.name for f in self.model._meta.many_to_many
        ]


class ReadOnlyInline:
    """An inline that shows, never saves: the factsheet's amounts, the phase history and the
    roadmap's milestones change through the portfolio's services (validated and audited), so no
    row is added, changed or deleted here, whatever the parent admin or the user may do."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FactsheetInline(ReadOnlyInline, admin.StackedInline):
    model = Factsheet


class FasewijzigingInline(ReadOnlyInline, admin.TabularInline):
    model = Fasewijziging
    fields = ["datum", "van_fase", "naar_fase", "door", "reden", "besluit_referentie"]
    readonly_fields = fields


@admin.register(Voorziening)
class VoorzieningAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["naam", "fase", "spoor", "domein", "soort"]
    list_filter = ["fase", "spoor", "domein", "soort"]
    search_fields = ["naam", "korte_omschrijving"]
    inlines = [FactsheetInline, FasewijzigingInline]


@admin.register(BusinessCase)
class BusinessCaseAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["voorziening", "volume_per_jaar", "tijdwinst_uren_min", "tijdwinst_uren_max"]


@admin.register(Criterium)
class CriteriumAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["code", "naam", "schaal_min", "schaal_max"]


@admin.register(WegingVersie)
class WegingVersieAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["nummer", "naam", "status", "gepubliceerd_op"]


@admin.register(Score)
class ScoreAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["voorziening", "criterium", "waarde", "door", "gegeven_op"]
    list_filter = ["criterium"]


class MijlpaalInline(ReadOnlyInline, admin.TabularInline):
    model = Mijlpaal
    readonly_fields = ["voorziening", "jaar", "kwartaal", "naar_fase", "omschrijving"]


@admin.register(RoutekaartVersie)
class RoutekaartVersieAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["nummer", "naam", "status", "gepubliceerd_op"]
    inlines = [MijlpaalInline]
