from __future__ import annotations

from django.contrib import admin

from samen.accounts.permissions import allowed
from samen.core.models import Taak


class RoleAdminMixin:
    """Admin adapter of the one permission layer: ``view_permission`` / ``change_permission``
    name entries in samen.accounts.permissions.PERMISSIONS."""

    view_permission: str = ""
    change_permission: str | None = None

    def has_module_permission(self, request):
        return bool(self.view_permission) and allowed(request.user, self.view_permission)

    def has_view_permission(self, request, obj=None):
        return bool(self.view_permission) and allowed(request.user, self.view_permission, obj)

    def has_change_permission(self, request, obj=None):
        return bool(self.change_permission) and allowed(request.user, self.change_permission, obj)

    def has_add_permission(self, request):
        return bool(self.change_permission) and allowed(request.user, self.change_permission)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Taak)
class TaakAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_permission = "taken.bekijken"
    list_display = ["omschrijving", "soort", "status", "gedaan", "totaal", "aangemaakt_op"]
    list_filter = ["status", "soort"]
    readonly_fields = [f.name for f in Taak._meta.fields]
