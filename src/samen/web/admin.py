"""Third-party models in the admin, read-only: changes go through Samen's own services and the
audit trail (two-factor devices through the enrolment pages, locked-out accounts through the
user administration), never through an unaudited admin form. Django's groups are not used
(roles are Samen's permission layer) and are not shown."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from samen.core.admin import RoleAdminMixin


class ReadOnlyAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_permission = "accounts.beheren"
    change_permission = None

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


class TOTPDeviceAdmin(ReadOnlyAdmin):
    list_display = ["user", "name", "confirmed"]
    exclude = ["key"]  # the shared secret is never shown

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "key"]


class AccessAdmin(ReadOnlyAdmin):
    list_display = ["username", "ip_address", "attempt_time"]


class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["username", "ip_address", "attempt_time", "logout_time"]


for model, model_admin in (
    (TOTPDevice, TOTPDeviceAdmin),
    (AccessAttempt, AccessAdmin),
    (AccessFailureLog, AccessAdmin),
    (AccessLog, AccessLogAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)

if admin.site.is_registered(Group):
    admin.site.unregister(Group)
