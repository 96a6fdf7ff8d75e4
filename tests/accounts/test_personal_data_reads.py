"""Reading a person's account in the admin is recorded in the audit trail."""

from __future__ import annotations

import pytest

from samen.accounts.models import Rol
from samen.audit.models import AuditRegel

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_opening_a_persons_account_is_recorded(client, make_user):
    person = make_user(Rol.GEMEENTE, gemeente="GM0363")
    office = make_user(Rol.PROGRAMMABUREAU)
    client.force_login(office)
    response = client.get(f"/admin/accounts/gebruiker/{person.pk}/change/")
    assert response.status_code == 200
    read = AuditRegel.objects.filter(
        actie="lezen", object_type="accounts.gebruiker", object_id=str(person.pk)
    ).get()
    assert read.gebruiker == office and read.kanaal == "admin"


def test_no_read_is_recorded_for_someone_not_allowed(client, make_user):
    person = make_user(Rol.GEMEENTE, gemeente="GM0363")
    client.force_login(make_user(Rol.FINANCIEN))
    client.get(f"/admin/accounts/gebruiker/{person.pk}/change/")
    assert not AuditRegel.objects.filter(actie="lezen", object_id=str(person.pk)).exists()
