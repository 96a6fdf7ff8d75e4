"""The admin never changes what issued invoices were billed on: the index figures and the
services' budgets of an arrangement are shown read-only (an index is set through
``services.set_index``, which refuses it once invoices were issued on it), so a superuser cannot
change, add or delete them there (issue 15)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from samen.abonnementen import services
from samen.abonnementen.models import Dienst, Indexcijfer
from samen.core.errors import DomainError


def _post_data(response) -> dict:
    """The change form as the browser would send it back unchanged."""
    data: dict = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, dt.date):
                data[key] = value.isoformat()
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


@pytest.fixture
def superuser_client(client, make_user):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def issued(arrangement):
    services.billing_run(arrangement, 2018, factuurdatum=dt.date(2017, 12, 1))
    return arrangement


def test_index_and_budgets_cannot_be_changed_added_or_deleted_in_the_admin(
    superuser_client, issued
):
    url = f"/admin/abonnementen/arrangement/{issued.pk}/change/"
    r = superuser_client.get(url)
    assert r.status_code == 200
    before = list(Indexcijfer.objects.filter(arrangement=issued).values_list("jaar", "percentage"))
    budgets = list(Dienst.objects.filter(arrangement=issued).values_list("code", "budget"))
    original = _post_data(r)

    def attempt(**changes):
        data = {**original, **changes}
        response = superuser_client.post(url, data)
        assert response.status_code in {200, 302}
        after = Indexcijfer.objects.filter(arrangement=issued).values_list("jaar", "percentage")
        assert list(after) == before, changes
        after = Dienst.objects.filter(arrangement=issued).values_list("code", "budget")
        assert list(after) == budgets, changes

    # what a hand-made request could try, one at a time
    attempt(**{"indices-0-DELETE": "on"})  # the 2018 index, invoiced on
    attempt(**{"indices-1-percentage": "9.000"})
    attempt(**{"diensten-0-budget": "1.00"})
    attempt(**{"diensten-0-DELETE": "on"})
    total = int(original["indices-TOTAL_FORMS"])
    attempt(
        **{
            "indices-TOTAL_FORMS": str(total + 1),
            f"indices-{total}-jaar": "2017",
            f"indices-{total}-percentage": "5.000",
        }
    )
    # the page shows no input for them
    page = superuser_client.get(url).content.decode()
    assert 'name="indices-0-percentage"' not in page
    assert 'name="diensten-0-budget"' not in page


def test_the_service_refuses_what_the_admin_no_longer_offers(issued):
    with pytest.raises(DomainError):
        services.set_index(issued, 2018, Decimal("1.0"))
