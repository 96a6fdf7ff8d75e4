"""Admin of the interpreter service: only the reference data, the tariff table.

The mediator's staff (``tolk.bemiddelen``) see the versions and add a new version of a year's
tariffs; a version is never changed or deleted here (earlier versions priced the assignments of
their time, see ``services.tarieftabel_vaststellen``). A new version is saved through that service
(version number, date, validation, audit trail), not by the admin's own save.

Clients, entitlements, requests for extra hours, requests, offers, assignments and interpreters
are deliberately not registered. They are health data (GDPR art. 9): every read of them must be
in the audit trail and scoped (a municipality sees its own residents only), which the pages and
the API do through ``samen.tolk.queries``. The admin's change lists and change forms read rows
without an audit record and around that scoping, and an edit there would bypass the services'
rules (hours used, double bookings); read-only registration would still leave unaudited reads.
Not registering them is the safer choice; the mediator works with them on /tolkvoorziening.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samen.core.admin import RoleAdminMixin
from samen.core.dates import PLATFORM_YEARS
from samen.tolk import services
from samen.tolk.models import Tarieftabel

BEDRAGEN = ("uurtarief", "reisuurtarief", "kilometertarief")


class TarieftabelForm(forms.ModelForm):
    """A new version: the year and its three tariffs (the service numbers and dates it)."""

    class Meta:
        model = Tarieftabel
        fields = ["jaar", *BEDRAGEN]
        help_texts = {
            "jaar": gettext_lazy(
                "Een nieuwe versie voor dit jaar; eerdere versies blijven bewaard voor wat "
                "ermee is afgerekend."
            ),
        }

    def clean_jaar(self):
        jaar = self.cleaned_data["jaar"]
        if jaar not in PLATFORM_YEARS:
            raise forms.ValidationError(_("Dit jaar valt buiten het bereik van het platform."))
        return jaar

    def clean(self):
        cleaned = super().clean()
        for name in BEDRAGEN:
            value = cleaned.get(name)
            if value is None:
                continue
            try:
                ok = Decimal(value).is_finite() and Decimal(0) <= Decimal(value) <= 10000
            except InvalidOperation:
                ok = False
            if not ok:
                self.add_error(name, _("Geef een bedrag van 0 tot 10.000."))
        return cleaned


@admin.register(Tarieftabel)
class TarieftabelAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_permission = "tolk.bemiddelen"
    change_permission = "tolk.bemiddelen"
    form = TarieftabelForm
    list_display = ["jaar", "versie", "uurtarief", "reisuurtarief", "kilometertarief"]
    list_display_links = ["jaar", "versie"]
    list_filter = ["jaar"]
    ordering = ["-jaar", "-versie"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["jaar", *BEDRAGEN]
        return ["jaar", "versie", *BEDRAGEN, "vastgesteld_op"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        """An existing version is shown, never changed: it priced assignments. Adding a new
        version (has_add_permission, the mixin) is how tariffs change."""
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """Through the service (next version number, today's date, audit record with the
        user and channel admin) rather than the mixin's plain save: one path for every new
        tariff version."""
        if change:  # unreachable: has_change_permission refuses existing rows
            raise PermissionError("Een vastgestelde tarieftabel wordt niet gewijzigd.")
        # The form checked what the service checks; the audit middleware gives the record
        # its user and the channel "admin".
        tabel = services.tarieftabel_vaststellen(
            form.cleaned_data["jaar"], *(form.cleaned_data[name] for name in BEDRAGEN)
        )
        obj.pk = tabel.pk
        obj.uuid = tabel.uuid
        obj.versie = tabel.versie
        obj.vastgesteld_op = tabel.vastgesteld_op
        obj._state.adding = False
        obj._state.db = tabel._state.db
