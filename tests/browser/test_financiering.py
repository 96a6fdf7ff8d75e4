"""The financing forms' public summary pages in the browser (the demo's examples): the
overview, the allocation key with its shares, the centre municipalities' compensation and the
regional compensation; axe 0 serious/critical on each, example data marked."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.browser.conftest import axe_all_violations, describe_violations

pytestmark = pytest.mark.browser


def _serious(page, what):
    violations = axe_all_violations(page)
    serious = [v for v in violations if v.get("impact") in ("serious", "critical")]
    assert not serious, f"{what}: axe found\n{describe_violations(violations)}"


def test_public_summary_pages_are_accessible(page, live_site):
    with urllib.request.urlopen(f"{live_site}/api/v1/verdeelsleutels") as r:  # noqa: S310
        sleutel = json.load(r)["results"][0]["uuid"]
    for path in [
        "/financiering",
        f"/financiering/verdeelsleutels/{sleutel}",
        "/financiering/compensaties",
        "/financiering/regionale-compensatie",
    ]:
        page.goto(f"{live_site}{path}")
        assert "oorbeeld" in page.content(), path
        _serious(page, path)
    page.goto(f"{live_site}/financiering/verdeelsleutels/{sleutel}")
    assert page.locator("#som").inner_text() == page.locator("#budget").inner_text()
