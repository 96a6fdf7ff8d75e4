from __future__ import annotations

from django.contrib import admin

from samen.core.admin import RoleAdminMixin
from samen.meldingen.models import Verzending


@admin.register(Verzending)
class VerzendingAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Every e-mail Samen sent, failed to send or left out: read only, like the audit trail."""

    view_permission = "audit.bekijken"
    list_display = ["tijdstip", "soort", "ontvanger_naam", "status", "onderwerp"]
    list_filter = ["status", "soort"]
    search_fields = ["ontvanger_naam", "adres", "onderwerp", "object_id"]
    date_hierarchy = "tijdstip"
    readonly_fields = [f.name for f in Verzending._meta.fields]
