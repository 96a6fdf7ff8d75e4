"""An upload above the limit: the form again with an error naming the limit (status 413),
not a bare 413 page; nothing is imported; the API keeps its problem answer."""

from __future__ import annotations

import pytest
from django.test import modify_settings

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

FIRST = modify_settings(MIDDLEWARE={"prepend": "samen.web.middleware.TeGrootMiddleware"})


def _six_megabytes():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("groot.csv", b"a;b\n" * (6 * 1024 * 1024 // 4), "text/csv")


@FIRST
def test_a_too_large_upload_shows_the_form_again_with_the_limit(client, make_user):
    from samen.deelnames.models import Deelname

    client.force_login(make_user("programmabureau"))
    before = Deelname.objects.count()
    r = client.post("/deelnames/upload", {"bestand": _six_megabytes()})
    html = r.content.decode()
    assert r.status_code == 413
    assert 'role="alert"' in html and "groter dan 5 MB" in html
    assert 'type="file"' in html and 'name="bestand"' in html  # the form, to try again
    assert "Verzoek te groot" not in html  # not the bare error page
    assert Deelname.objects.count() == before


@FIRST
def test_a_small_post_is_not_touched(client, make_user):
    client.force_login(make_user("programmabureau"))
    r = client.post("/deelnames/upload", {})
    assert r.status_code == 200
    assert "groter dan 5 MB" not in r.content.decode()


@FIRST
def test_the_api_keeps_its_problem_answer(client):
    r = client.generic(
        "POST",
        "/api/v1/deelnames",
        b"x" * (6 * 1024 * 1024),
        content_type="application/json",
    )
    assert r.status_code == 413
    assert r["Content-Type"].startswith("application/problem+json")
