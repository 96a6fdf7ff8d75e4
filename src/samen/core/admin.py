from __future__ import annotations

from django.contrib import admin

from samen.accounts.permissions import allowed
from samen.audit.models import Actie
from samen.audit.services import record, snapshot
from samen.core.models import Taak

SECRET_FIELDS = {"password"}


def _values(obj) -> dict:
    """The audited values of an object, without secrets such as password hashes."""
    return snapshot(
        obj, [f.attname for f in obj._meta.concrete_fields if f.name not in SECRET_FIELDS]
    )


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

    def save_model(self, request, obj, form, change):
        """Every change made in the admin is in the audit trail, with its values before."""
        before = None
        if change and obj.pk is not None:
            current = type(obj).objects.filter(pk=obj.pk).first()
            before = _values(current) if current is not None else None
        super().save_model(request, obj, form, change)
        record(
            Actie.WIJZIGEN if change else Actie.AANMAKEN,
            obj,
            voor=before,
            na=_values(obj),
            user=request.user,
            kanaal="admin",
        )

    def save_formset(self, request, form, formset, change):
        """Inline rows changed, added or deleted in the admin are in the audit trail too, each
        with its values before and after (an inline that changes money or terms should be
        read-only or saved through its service; this records what an editable one does)."""
        before = {}
        for inline_form in formset.initial_forms:
            obj = inline_form.instance
            if obj.pk is not None and inline_form.has_changed():
                current = type(obj).objects.filter(pk=obj.pk).first()
                if current is not None:
                    before[obj.pk] = _values(current)
        for inline_form in formset.deleted_forms:
            obj = inline_form.instance
            if obj.pk is not None:  # recorded before it goes (the admin saves in one transaction)
                record(Actie.VERWIJDEREN, obj, voor=_values(obj), user=request.user, kanaal="admin")
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            record(Actie.AANMAKEN, obj, na=_values(obj), user=request.user, kanaal="admin")
        for obj, _fields in formset.changed_objects:
            record(
                Actie.WIJZIGEN,
                obj,
                voor=before.get(obj.pk),
                na=_values(obj),
                user=request.user,
                kanaal="admin",
            )


@admin.register(Taak)
class TaakAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_permission = "taken.bekijken"
    list_display = ["omschrijving", "soort", "status", "gedaan", "totaal", "aangemaakt_op"]
    list_filter = ["status", "soort"]
    readonly_fields = [f.name for f in Taak._meta.fields]
