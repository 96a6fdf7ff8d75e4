from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from samen.accounts import tokens
from samen.accounts.models import ApiToken, Gebruiker, Organisatie, Rol
from samen.accounts.permissions import allowed
from samen.core.admin import RoleAdminMixin


@admin.register(Gebruiker)
class GebruikerAdmin(RoleAdminMixin, UserAdmin):
    view_permission = "accounts.beheren"
    change_permission = "accounts.beheren"
    list_display = ["username", "email", "rol", "gemeente", "organisatie", "is_active"]
    list_filter = ["rol", "is_active", "api_client"]
    autocomplete_fields = ["gemeente", "organisatie"]
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Rol", {"fields": ("rol", "gemeente", "organisatie")}),
    )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Opening a person's account (name, e-mail, role) is a read of personal data: it is
        recorded in the audit trail."""
        if request.method == "GET":
            from samen.audit.models import Actie
            from samen.audit.services import record

            person = self.get_object(request, object_id)
            if person is not None and self.has_view_permission(request, person):
                record(
                    Actie.LEZEN,
                    person,
                    user=request.user,
                    kanaal="admin",
                    toelichting="persoonsgegevens bekeken (beheer)",
                )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Organisatie)
class OrganisatieAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_permission = "accounts.beheren"
    change_permission = "accounts.beheren"
    list_display = ["naam", "afkorting", "soort", "kvk_nummer", "oin"]
    list_filter = ["soort"]
    search_fields = ["naam", "afkorting"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ApiTokenUitgifteForm(forms.Form):
    naam = forms.CharField(label=_("naam van de client"), max_length=200)
    rol = forms.ChoiceField(label=_("rol"), choices=Rol.choices)
    gemeente = forms.CharField(
        label=_("gemeente (CBS-code)"), max_length=6, required=False, help_text="GM0363"
    )
    organisatie = forms.CharField(
        label=_("organisatie (afkorting of naam)"), max_length=200, required=False
    )
    dagen = forms.IntegerField(label=_("dagen geldig"), min_value=1, max_value=1098, initial=365)


@admin.register(ApiToken)
class ApiTokenAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Tokens are issued here or with `samen token-aanmaken` (shown once, only the hash is
    kept) and revoked with the action or `samen token-intrekken`; never edited."""

    view_permission = "accounts.beheren"
    change_permission = "accounts.beheren"
    list_display = [
        "naam",
        "prefix",
        "rol",
        "gemeente",
        "verloopt_op",
        "ingetrokken_op",
        "laatst_gebruikt_op",
    ]
    list_filter = ["gebruiker__rol"]
    search_fields = ["naam", "prefix", "gebruiker__username"]
    readonly_fields = [
        "naam",
        "prefix",
        "gebruiker",
        "aangemaakt_op",
        "aangemaakt_door",
        "verloopt_op",
        "ingetrokken_op",
        "laatst_gebruikt_op",
    ]
    exclude = ["sleutel_hash"]
    actions = ["intrekken"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("gebruiker", "gebruiker__gemeente")

    def has_change_permission(self, request, obj=None):
        return False  # read-only; revoking is an action

    def has_view_permission(self, request, obj=None):
        return allowed(request.user, self.view_permission)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not allowed(request.user, self.change_permission):
            actions.pop("intrekken", None)
        return actions

    @admin.action(description=_("Geselecteerde tokens intrekken"))
    def intrekken(self, request, queryset):
        if not allowed(request.user, self.change_permission):
            raise PermissionDenied
        count = 0
        for token in queryset.filter(ingetrokken_op__isnull=True):
            tokens.revoke(token.prefix, door=request.user)
            count += 1
        self.message_user(request, _("%(n)d token(s) ingetrokken.") % {"n": count})

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ApiTokenUitgifteForm(request.POST or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("API-token uitgeven"),
            "form": form,
        }
        if request.method == "POST" and form.is_valid():
            try:
                token, raw = tokens.issue(
                    form.cleaned_data["naam"],
                    form.cleaned_data["rol"],
                    gemeente=form.cleaned_data["gemeente"] or None,
                    organisatie=form.cleaned_data["organisatie"] or None,
                    dagen=form.cleaned_data["dagen"],
                    door=request.user,
                )
            except tokens.TokenFout as exc:
                form.add_error(None, str(exc))
            else:
                context.update({"token": token, "raw": raw, "title": _("API-token uitgegeven")})
                response = render(request, "admin/accounts/apitoken/uitgegeven.html", context)
                response["Cache-Control"] = "no-store"
                return response
        return render(request, "admin/accounts/apitoken/uitgeven.html", context)
