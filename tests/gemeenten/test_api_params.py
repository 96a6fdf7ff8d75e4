"""Every date and year query parameter of the register's API: ASCII digits, within the
register's years, a 400 problem naming the parameter (never a 500)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

BAD = ["9999-12-31", "0001-01-01", "²²²²", "", "٢٠١٧-٠١-٠١", "2017-02-30", "2017-1-1", "1-1-2017"]


def _problem(response, name):
    assert response.status_code == 400, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert [p["name"] for p in body["invalidParams"]] == [name], body
    return body["invalidParams"][0]["reason"]


@pytest.mark.parametrize("value", BAD)
def test_list_refuses_a_bad_peildatum(client, value):
    _problem(client.get("/api/v1/gemeenten", {"peildatum": value}), "peildatum")


@pytest.mark.parametrize("value", BAD)
def test_detail_refuses_a_bad_peildatum(client, value):
    _problem(client.get("/api/v1/gemeenten/GM0363", {"peildatum": value}), "peildatum")


def test_before_the_first_cbs_figures_names_the_first_date_with_figures(client):
    reason = _problem(client.get("/api/v1/gemeenten?peildatum=2011-12-31"), "peildatum")
    assert "01-01-2012" in reason and "CBS" in reason
    assert client.get("/api/v1/gemeenten?peildatum=2012-01-01").status_code == 200
    assert client.get("/api/v1/gemeenten?peildatum=2050-12-31").status_code == 200
    _problem(client.get("/api/v1/gemeenten?peildatum=2051-01-01"), "peildatum")


def test_every_invalid_parameter_at_once(client):
    response = client.get("/api/v1/gemeenten?peildatum=9999-12-31&pageSize=x")
    assert response.status_code == 400
    assert {p["name"] for p in response.json()["invalidParams"]} == {"peildatum", "pageSize"}


def test_detail_follows_the_peildatum_for_current_successors(client):
    before = client.get("/api/v1/gemeenten/GM0788?peildatum=2020-06-01").json()  # Haaren
    assert before["huidigeOpvolgers"] == []
    after = client.get("/api/v1/gemeenten/GM0788?peildatum=2021-06-01").json()
    assert len(after["huidigeOpvolgers"]) == 4


@pytest.mark.parametrize("value", BAD + ["2017.0", "+2017", "20 17", "1999", "2051", "-1"])
def test_population_refuses_a_bad_year(client, value):
    _problem(client.get("/api/v1/bevolking", {"jaar": value}), "jaar")


@pytest.mark.parametrize("value", ["", "²", "-1", "11", "1.0"])
def test_population_refuses_a_bad_offset(client, value):
    _problem(
        client.get("/api/v1/bevolking", {"jaar": "2018", "verschuiving": value}), "verschuiving"
    )


def test_population_before_the_first_cbs_figures_names_the_first_date(client):
    reason = _problem(client.get("/api/v1/bevolking?jaar=2012"), "jaar")
    assert "01-01-2012" in reason and "2013" in reason
    assert client.get("/api/v1/bevolking?jaar=2013").status_code == 200
    assert client.get("/api/v1/bevolking?jaar=2012&verschuiving=0").status_code == 200
    _problem(client.get("/api/v1/bevolking?jaar=2015&verschuiving=4"), "jaar")
    assert client.get("/api/v1/bevolking?jaar=2050").json()["bronjaar"] == 2024


def test_population_needs_a_year(client):
    _problem(client.get("/api/v1/bevolking"), "jaar")
