"""The roles skeleton and the one permission layer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from samen.accounts import permissions
from samen.accounts.models import ADMIN_ROLES, Gebruiker, Organisatie, Rol
from samen.accounts.permissions import allowed
from samen.audit.models import AuditRegel
from samen.gemeenten.models import Gemeente

pytestmark = pytest.mark.django_db


def test_every_role_of_the_issue_exists():
    assert set(Rol.values) == {
        "gemeente",
        "programmabureau",
        "taskforce",
        "college",
        "commissie",
        "bestuur",
        "financien",
        "administratiekantoor",
        "aanbieder",
        "bemiddelaar",
        "tolk",
    }


def test_staff_flag_follows_the_role(make_user):
    assert make_user(Rol.PROGRAMMABUREAU).is_staff
    assert make_user(Rol.FINANCIEN).is_staff
    assert not make_user(Rol.GEMEENTE, gemeente="GM0363").is_staff
    for rol in ADMIN_ROLES:
        assert make_user(rol).is_staff


def test_municipality_contact_needs_exactly_one_municipality():
    user = Gebruiker(username="x", rol=Rol.GEMEENTE)
    with pytest.raises(ValidationError) as exc:
        user.full_clean()
    assert "gemeente" in exc.value.message_dict
    staff = Gebruiker(
        username="y", rol=Rol.PROGRAMMABUREAU, gemeente=Gemeente.objects.get(code="GM0363")
    )
    with pytest.raises(ValidationError):
        staff.full_clean()


def test_provider_needs_an_organisation():
    with pytest.raises(ValidationError) as exc:
        Gebruiker(username="p", rol=Rol.AANBIEDER).full_clean()
    assert "organisatie" in exc.value.message_dict


def test_no_password_means_unusable_password(make_user):
    user = make_user(Rol.PROGRAMMABUREAU)
    assert not user.has_usable_password()
    assert user.password.startswith("!")


def test_passwords_are_hashed_the_django_way(make_user):
    user = make_user(Rol.PROGRAMMABUREAU)
    user.set_password("een lang en geheim wachtwoord")
    user.save()
    assert user.password.startswith(("pbkdf2_sha256$", "argon2", "bcrypt", "scrypt"))
    assert "geheim" not in user.password


def test_public_permissions_need_no_login(make_user):
    assert allowed(None, "gemeenten.bekijken")
    assert not allowed(None, "gemeenten.importeren")


def test_role_permissions(make_user):
    office = make_user(Rol.PROGRAMMABUREAU)
    contact = make_user(Rol.GEMEENTE, gemeente="GM0363")
    assert allowed(office, "gemeenten.importeren")
    assert not allowed(contact, "gemeenten.importeren")
    assert not allowed(make_user(Rol.BESTUUR), "audit.bekijken")


def test_scoped_permission_only_for_own_municipality(make_user):
    amsterdam = Gemeente.objects.get(code="GM0363")
    rotterdam = Gemeente.objects.get(code="GM0599")
    contact = make_user(Rol.GEMEENTE, gemeente="GM0363")
    assert allowed(contact, "gemeenten.contactgegevens.eigen", amsterdam)
    assert not allowed(contact, "gemeenten.contactgegevens.eigen", rotterdam)
    assert not allowed(contact, "gemeenten.contactgegevens.eigen", None)
    office = make_user(Rol.PROGRAMMABUREAU)
    assert allowed(office, "gemeenten.contactgegevens.eigen", rotterdam)


def test_unknown_permission_is_a_programming_error(make_user):
    with pytest.raises(KeyError):
        allowed(make_user(Rol.PROGRAMMABUREAU), "bestaat.niet")


def test_superuser_holds_everything(make_user):
    admin = make_user("", is_superuser=True)
    for permission in permissions.PERMISSIONS:
        assert allowed(admin, permission)


def test_register_extends_the_table():
    permissions.register("test.iets", {Rol.COLLEGE})
    try:
        assert Rol.COLLEGE in permissions.PERMISSIONS["test.iets"]
    finally:
        permissions.PERMISSIONS.pop("test.iets")


def test_admin_access_follows_the_role(client, make_user):
    office = make_user(Rol.PROGRAMMABUREAU)
    client.force_login(office)
    assert client.get("/admin/accounts/gebruiker/").status_code == 200
    assert client.get("/admin/audit/auditregel/").status_code == 200
    board = make_user(Rol.BESTUUR)
    client.force_login(board)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/gebruiker/").status_code == 403
    assert client.get("/admin/audit/auditregel/").status_code == 403
    contact = make_user(Rol.GEMEENTE, gemeente="GM0363")
    client.force_login(contact)
    response = client.get("/admin/")
    assert response.status_code == 302  # not staff: back to the login page


def test_admin_changes_are_audited_without_secrets(client, make_user):
    office = make_user(Rol.PROGRAMMABUREAU)
    client.force_login(office)
    response = client.post(
        "/admin/accounts/organisatie/add/",
        {"naam": "Dienst Testzaken", "afkorting": "DT", "soort": "ketenpartner"},
    )
    assert response.status_code == 302, response.content
    organisatie = Organisatie.objects.get(naam="Dienst Testzaken")
    regel = AuditRegel.objects.filter(
        object_type="accounts.organisatie", object_id=str(organisatie.pk)
    ).get()
    assert regel.kanaal == "admin"
    assert regel.actie == "aanmaken"
    assert regel.gebruiker == office
    assert regel.na["naam"] == "Dienst Testzaken"

    target = make_user(Rol.COLLEGE)
    target.set_password("een lang en geheim wachtwoord")
    target.save()
    data = {
        "username": target.username,
        "rol": Rol.COLLEGE,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "first_name": "Nieuwe",
    }
    response = client.post(f"/admin/accounts/gebruiker/{target.pk}/change/", data)
    assert response.status_code == 302, response.content
    regel = AuditRegel.objects.filter(
        object_type="accounts.gebruiker", object_id=str(target.pk)
    ).latest("id")
    assert regel.voor["first_name"] == ""
    assert regel.na["first_name"] == "Nieuwe"
    assert "password" not in regel.na and "password" not in regel.voor
