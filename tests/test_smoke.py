import pytest


@pytest.mark.sqlite
@pytest.mark.django_db
def test_register_loaded_for_2017_and_2024():
    from samen.gemeenten.queries import totaal_op

    assert totaal_op(2017) == (388, 17_081_507)
    assert totaal_op(2024) == (342, 17_942_942)


@pytest.mark.sqlite
def test_live_site_serves_portal_and_api(live_site):
    import json
    import urllib.request

    with urllib.request.urlopen(live_site + "/") as response:
        assert response.status == 200
        assert "Bron: CBS, CC BY 4.0" in response.read().decode()
    with urllib.request.urlopen(live_site + "/api/v1/gemeenten?peildatum=2017-01-01") as response:
        assert json.load(response)["count"] == 388
