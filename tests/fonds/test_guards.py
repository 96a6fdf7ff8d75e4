"""The fund's management page: an anonymous visitor is sent to sign in (and back), a signed-in
user without a role of the fund gets 403 (issue 15: one page guard, accounts.decorators)."""

from __future__ import annotations

import pytest
from django.conf import settings

from samen.accounts.models import Rol
from samen.fonds.models import Fonds

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

URL = "/fonds/beheer"


@pytest.fixture(autouse=True)
def fonds(db):
    return Fonds.objects.create(naam="Testfonds")


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(client):
    for response in (client.get(URL), client.post(URL, {"actie": "begroting"})):
        assert response.status_code == 302
        assert response["Location"] == f"{settings.LOGIN_URL}?next={URL}"


@pytest.mark.parametrize("rol", [Rol.FINANCIEN, Rol.COLLEGE, Rol.BESTUUR])
def test_the_roles_of_the_fund_see_their_forms(client, make_user, rol):
    client.force_login(make_user(rol))
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("rol", [Rol.GEMEENTE, Rol.PROGRAMMABUREAU, Rol.TASKFORCE])
def test_other_roles_are_refused(client, make_user, rol):
    client.force_login(make_user(rol, gemeente="GM0363" if rol == Rol.GEMEENTE else None))
    assert client.get(URL).status_code == 403


def test_a_superuser_without_a_role_of_the_fund_has_no_form_here(client, make_user):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    assert client.get(URL).status_code == 403


def test_a_role_posts_only_its_own_action(client, make_user):
    client.force_login(make_user(Rol.COLLEGE))
    assert client.post(URL, {"actie": "begroting"}).status_code == 403
