"""The shared query-parameter layer (samen.api.filters): strict parsing, every invalid parameter
together with the paginator's in one problem, and the schema each filter documents."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from samen.api import filters
from samen.api.pagination import Paginering
from samen.gemeenten.models import Gemeente

pytestmark = pytest.mark.sqlite


class Voorbeeld(filters.FilterSet):
    jaar = filters.YearFilter(method="skip", minimum=2018, maximum=2024)
    peildatum = filters.DateFilter(method="skip", earliest=dt.date(2012, 1, 1))
    code = filters.CbsCodeFilter(field_name="code")
    soort = filters.ChoiceFilter(method="skip", choices=[("a", "A"), ("b", "B")])
    id = filters.UUIDFilter(method="skip")
    naam = filters.TextFilter(field_name="naam", lookup_expr="icontains")

    class Meta:
        model = Gemeente
        fields: list[str] = []

    def skip(self, queryset, name, value):
        return queryset


class View:
    paginator = Paginering()


def _check(query: str):
    request = Request(APIRequestFactory().get("/x?" + query))
    return filters.check(Voorbeeld, request, view=View())


def _errors(query: str) -> dict:
    with pytest.raises(ValidationError) as raised:
        _check(query)
    return {key: str(value[0]) for key, value in raised.value.detail.items()}


@pytest.mark.django_db
def test_valid_values_are_cleaned():
    values = _check(
        "jaar=2019&peildatum=2019-01-01&code=gm0344&soort=a"
        "&id=8d3e0c36-1f07-4c5e-9e8b-1d1a2b3c4d5e&naam=utr"
    )
    assert values["jaar"] == 2019 and values["peildatum"] == dt.date(2019, 1, 1)
    assert values["code"] == "GM0344" and values["soort"] == "a" and values["naam"] == "utr"
    assert str(values["id"]) == "8d3e0c36-1f07-4c5e-9e8b-1d1a2b3c4d5e"
    assert _check("") == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", ["²²²²", "99999999999", "\x00", "", "2017", "2025", "-2019", "2019.0"]
)
def test_bad_years_are_refused_with_the_range(value):
    errors = _errors(f"jaar={value}")
    assert list(errors) == ["jaar"]
    assert "2018" in errors["jaar"] and "2024" in errors["jaar"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", ["9999-12-31", "0001-01-01", "2019-02-30", "31-12-2019", "²⁰¹⁹-01-01", "", "\x00"]
)
def test_bad_dates_are_refused(value):
    assert list(_errors(f"peildatum={value}")) == ["peildatum"]


@pytest.mark.django_db
def test_every_invalid_parameter_is_listed_with_the_paginators():
    errors = _errors("jaar=x&code=GM34&soort=c&id=nope&page=0&pageSize=100000&naam=" + "x" * 201)
    assert set(errors) == {"jaar", "code", "soort", "id", "page", "pageSize", "naam"}
    assert "a, b" in errors["soort"]


def test_filters_document_their_type_and_bounds():
    schemas = {p.name: p.type for p in filters.parameters(Voorbeeld)}
    assert schemas["jaar"] == {"type": "integer", "minimum": 2018, "maximum": 2024}
    assert schemas["peildatum"] == {"type": "string", "format": "date"}
    assert schemas["soort"]["enum"] == ["a", "b"]
    assert schemas["id"]["format"] == "uuid"
