"""Admin: meetings, proposals, amendments and the vote-weight tables, read-only (the services
prepare, close and publish). Ballots (Stem) are deliberately not in the admin: their choice is
secret until closing, and afterwards the published results show it."""

from __future__ import annotations

from django.contrib import admin

from samen.core.admin import RoleAdminMixin
from samen.ledenvergadering.models import Amendement, Ledenvergadering, Stemgewichttabel, Voorstel


class ReadOnly(RoleAdminMixin, admin.ModelAdmin):
    view_permission = "ledenvergadering.beheren"
    change_permission = "ledenvergadering.beheren"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Ledenvergadering)
class LedenvergaderingAdmin(ReadOnly):
    list_display = ("titel", "soort", "datum", "status", "voorbeeld")


@admin.register(Voorstel)
class VoorstelAdmin(ReadOnly):
    list_display = ("code", "titel", "vergadering", "soort", "uitkomst")
    exclude = ("uitslag",)  # the count is shown on the pages once it may be read


@admin.register(Amendement)
class AmendementAdmin(ReadOnly):
    list_display = ("nummer", "voorstel", "gemeente", "preadvies", "uitkomst")
    exclude = ("uitslag",)


@admin.register(Stemgewichttabel)
class StemgewichttabelAdmin(ReadOnly):
    list_display = ("jaar", "voorbeeld")
