"""The admin records inline rows too (RoleAdminMixin.save_formset): a row changed, added or
deleted through an inline by a superuser is in the audit trail with its values before and after.

The admins of the apps keep their inlines that touch money or terms read-only; this test mounts
an admin with an editable inline (the population figures of a municipality) on a site of its own,
so that it tests the mixin whatever the apps' admins allow."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import path

from samen.audit.models import Actie, AuditRegel
from samen.core.admin import RoleAdminMixin
from samen.gemeenten.models import Gemeente, Inwonertal

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite, pytest.mark.urls(__name__)]

site = admin.AdminSite(name="audit_test_admin")


class InwonertalInline(admin.TabularInline):
    model = Inwonertal
    fields = ["jaar", "aantal", "bron"]
    extra = 0


class GemeenteAdmin(RoleAdminMixin, admin.ModelAdmin):
    view_permission = "gemeenten.bekijken"
    change_permission = "accounts.beheren"  # a superuser has it
    readonly_fields = ["code", "naam", "provincie", "geldig_van", "geldig_tot"]
    inlines = [InwonertalInline]


site.register(Gemeente, GemeenteAdmin)
urlpatterns = [path("testadmin/", site.urls)]

PREFIX = "inwonertallen"


def _row(index: int, row: Inwonertal | None, jaar, aantal, bron, delete=False) -> dict:
    data = {
        f"{PREFIX}-{index}-jaar": str(jaar),
        f"{PREFIX}-{index}-aantal": str(aantal),
        f"{PREFIX}-{index}-bron": bron,
        f"{PREFIX}-{index}-id": str(row.pk) if row else "",
        f"{PREFIX}-{index}-gemeente": str(row.gemeente_id) if row else "",
    }
    if delete:
        data[f"{PREFIX}-{index}-DELETE"] = "on"
    return data


def _trail(row_pk) -> list[AuditRegel]:
    return list(
        AuditRegel.objects.filter(object_type="gemeenten.inwonertal", object_id=str(row_pk))
    )


def test_inline_rows_changed_added_and_deleted_are_audited(make_user):
    gemeente = Gemeente.objects.get(code="GM0363")
    rows = list(gemeente.inwonertallen.order_by("jaar"))
    assert len(rows) >= 2
    changed, deleted = rows[0], rows[1]
    superuser = make_user(is_superuser=True)
    client = Client()
    client.force_login(superuser)
    data = {
        f"{PREFIX}-TOTAL_FORMS": str(len(rows) + 1),
        f"{PREFIX}-INITIAL_FORMS": str(len(rows)),
        f"{PREFIX}-MIN_NUM_FORMS": "0",
        f"{PREFIX}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        if row is changed:
            data |= _row(index, row, row.jaar, row.aantal + 7, row.bron)
        elif row is deleted:
            data |= _row(index, row, row.jaar, row.aantal, row.bron, delete=True)
        else:
            data |= _row(index, row, row.jaar, row.aantal, row.bron)
    new_index = len(rows)
    data |= _row(new_index, None, 1999, 12345, "test")
    data[f"{PREFIX}-{new_index}-gemeente"] = str(gemeente.pk)

    response = client.post(f"/testadmin/gemeenten/gemeente/{gemeente.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]

    (change,) = _trail(changed.pk)
    assert (change.actie, change.kanaal) == (Actie.WIJZIGEN, "admin")
    assert change.voor["aantal"] == changed.aantal
    assert change.na["aantal"] == changed.aantal + 7
    assert change.gebruiker_naam == superuser.username

    (removal,) = _trail(deleted.pk)
    assert removal.actie == Actie.VERWIJDEREN and removal.voor["aantal"] == deleted.aantal
    assert not Inwonertal.objects.filter(pk=deleted.pk).exists()

    added = Inwonertal.objects.get(gemeente=gemeente, jaar=1999)
    (creation,) = _trail(added.pk)
    assert creation.actie == Actie.AANMAKEN and creation.voor is None
    assert creation.na["aantal"] == 12345

    # rows left as they were are not recorded
    untouched = [row.pk for row in rows if row not in (changed, deleted)]
    assert not AuditRegel.objects.filter(
        object_type="gemeenten.inwonertal", object_id__in=[str(pk) for pk in untouched]
    ).exists()
