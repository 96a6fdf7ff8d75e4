from __future__ import annotations

from django.contrib import admin

from samen.audit.models import AuditRegel
from samen.core.admin import RoleAdminMixin


@admin.register(AuditRegel)
class AuditRegelAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_permission = "audit.bekijken"
    list_display = ["tijdstip", "gebruiker_naam", "kanaal", "actie", "object_type", "object_id"]
    list_filter = ["kanaal", "actie", "object_type"]
    search_fields = ["object_id", "object_omschrijving", "gebruiker_naam"]
    date_hierarchy = "tijdstip"
    readonly_fields = [f.name for f in AuditRegel._meta.fields]
