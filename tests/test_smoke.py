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


@pytest.mark.sqlite
def test_live_site_serves_collected_static_files_compressed(live_site):
    """Whitenoise serves the files `collectstatic` wrote (as `make run` does it), gzip to a
    client that accepts it."""
    import gzip
    import re
    import urllib.request
    from pathlib import Path

    with urllib.request.urlopen(live_site + "/") as response:
        css = re.search(r'href="(/static/[^"]+\.css)"', response.read().decode()).group(1)
    collected = Path(live_site.env["SAMEN_VAR_DIR"]) / "static" / css.removeprefix("/static/")
    request = urllib.request.Request(live_site + css, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"].startswith("text/css")
        assert response.headers["Content-Encoding"] == "gzip"
        assert "max-age" in response.headers["Cache-Control"]
        assert gzip.decompress(response.read()) == collected.read_bytes()
    with urllib.request.urlopen(live_site + css) as response:
        assert response.headers.get("Content-Encoding") is None
        assert response.read() == collected.read_bytes()


@pytest.mark.sqlite
@pytest.mark.django_db
def test_home_page_leads_to_every_section_of_the_portal(client):
    from django.urls import reverse

    from samen.web.context_processors import SECTIONS

    html = client.get("/").content.decode()
    main = html[html.index("<main") :]
    for name, _label in SECTIONS:
        if name != "web:home":
            assert f'href="{reverse(name)}"' in main, name
