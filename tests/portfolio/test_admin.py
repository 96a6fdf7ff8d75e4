"""The portfolio's admin shows, never saves: money (factsheet amounts, business case), the
phase history and the roadmap change through the services only (issue 15: every write
through a service)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from samen.portfolio.models import Factsheet, RoutekaartVersie, Voorziening

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def superuser(make_user):
    return make_user(is_superuser=True, is_staff=True)


@pytest.mark.parametrize("model", [Voorziening, RoutekaartVersie])
def test_no_inline_adds_changes_or_deletes_even_for_a_superuser(superuser, model):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = admin.site._registry[model]
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_add_permission(request)
    for inline in model_admin.get_inline_instances(request):
        assert not inline.has_add_permission(request, None), inline
        assert not inline.has_change_permission(request, None), inline
        assert not inline.has_delete_permission(request, None), inline


def test_a_posted_change_of_the_factsheet_changes_nothing(client, superuser, make_voorziening):
    v = make_voorziening()
    before = Factsheet.objects.get(voorziening=v).kosten_eenmalig_max
    client.force_login(superuser)
    url = f"/admin/portfolio/voorziening/{v.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "naam": "Anders",
            "factsheet-TOTAL_FORMS": "1",
            "factsheet-INITIAL_FORMS": "1",
            "factsheet-0-kosten_eenmalig_max": "999999",
        },
    )
    assert response.status_code == 403
    assert Voorziening.objects.get(pk=v.pk).naam == v.naam
    assert Factsheet.objects.get(voorziening=v).kosten_eenmalig_max == before
