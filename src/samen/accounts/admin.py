from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models

from samen.accounts.models import Gebruiker, Organisatie
from samen.core.admin import RoleAdminMixin


@admin.register(Gebruiker)
class GebruikerAdmin(RoleAdminMixin, UserAdmin):
    view_permission = "accounts.beheren"
    change_permission = "accounts.beheren"
    list_display = ["username", "email", "rol", "gemeente", "organisatie", "is_active"]
    list_filter = ["rol", "is_active"]
    autocomplete_fields = ["gemeente", "organisatie"]
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Rol", {"fields": ("rol", "gemeente", "organisatie")}),
    )


@admin.register(Organisatie)
class OrganisatieAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_permission = "accounts.beheren"
    change_permission = "accounts.beheren"
    list_display = ["naam", "afkorting", "soort", "kvk_nummer", "oin"]
    list_filter = ["soort"]
    search_fields = ["naam", "afkorting"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
