"""The one label of who did something as the public may see it (samen.core.actors.role_label)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from samen.core.actors import role_label

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_a_role_or_organisation_never_a_name(make_user):
    from samen.accounts.models import Organisatie

    contact = make_user("gemeente", gemeente="GM0344", first_name="Anna", last_name="Jansen")
    assert role_label(contact) == "contactpersoon Utrecht"
    office = make_user("programmabureau", first_name="Piet")
    assert role_label(office) == "Programmabureau" or "Piet" not in role_label(office)
    organisatie = Organisatie.objects.create(naam="Aanbieder BV", afkorting="ABV")
    assert role_label(make_user("aanbieder", organisatie=organisatie)) == "Aanbieder BV"
    assert role_label(make_user(is_superuser=True)) == "beheerder"
    assert role_label(None) == role_label(AnonymousUser()) == ""
